import { ResourceNotFoundException } from '@aws-sdk/client-eventbridge';
import { createEventBridgeTriggerSync, fireInputTemplateOf, triggerMaxEventAgeSeconds, triggerRetryAttempts } from '../../../adapters/aws/eventbridge-trigger-sync';
import type { Trigger } from '../../../core/triggers/schema';

const config = {
  busName: 'opsconductor',
  fireFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:trigger-fire',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:111122223333:triggers-dlq',
};

const trigger = (over: Partial<Trigger> = {}): Trigger => ({
  id: 'trg_01JD0000000000000000000001',
  projectId: 'prj_01JD0000000000000000000001',
  name: 'deploy on CI',
  jobId: 'job_01JD0000000000000000000001',
  pattern: '{"source":["com.example.ci"],"detail-type":["Deploy Requested"]}',
  inputMapping: { version: '$.detail.version' },
  parameters: {},
  enabled: true,
  confirmDangerous: false,
  webhook: { enabled: false },
  createdAt: '2026-02-01T00:00:00.000Z',
  createdBy: 'admin',
  updatedAt: '2026-02-01T00:00:00.000Z',
  updatedBy: 'admin',
  version: 1,
  ...over,
});

/** A fake client recording every command; `answers` says what each command name answers (an Error rejects), in order. */
const fakeClient = (answers: Record<string, unknown[]> = {}) => {
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ command: name, input: command.input });
      const answer = answers[name]?.shift();
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve({ $metadata: {}, ...(answer as object | undefined) });
    },
  };
  return { sent, sync: createEventBridgeTriggerSync({ client: client as never, config }) };
};
const notFound = () => new ResourceNotFoundException({ message: 'Rule trigger-x does not exist on EventBus opsconductor.', $metadata: {} });

const target = (t: Trigger) => ({
  Id: 'fire',
  Arn: config.fireFunctionArn,
  InputTransformer: { InputTemplate: `{"triggerId":"${t.id}","projectId":"${t.projectId}","event":<aws.events.event.json>}` },
  RetryPolicy: { MaximumRetryAttempts: triggerRetryAttempts, MaximumEventAgeInSeconds: triggerMaxEventAgeSeconds },
  DeadLetterConfig: { Arn: config.deadLetterArn },
});

describe('EventBridge trigger sync', () => {
  it('puts the rule named by the trigger id on the bus, with the armed pattern, then its one target with retries and dead letters', async () => {
    const { sent, sync } = fakeClient();
    const t = trigger();
    await sync.put(t);

    expect(sent).toEqual([
      {
        command: 'PutRule',
        input: {
          Name: 'trigger-trg_01JD0000000000000000000001',
          EventBusName: 'opsconductor',
          Description: 'OpsConductor trigger deploy on CI',
          EventPattern: JSON.stringify({
            source: ['com.example.ci'],
            'detail-type': ['Deploy Requested'],
            detail: { actor: { name: [{ 'anything-but': 'trigger:trg_01JD0000000000000000000001' }, { exists: false }] } },
          }),
          State: 'ENABLED',
        },
      },
      { command: 'PutTargets', input: { Rule: 'trigger-trg_01JD0000000000000000000001', EventBusName: 'opsconductor', Targets: [target(t)] } },
    ]);
  });

  it('keeps the rule of a disabled trigger, disabled', async () => {
    const { sent, sync } = fakeClient();
    await sync.put(trigger({ enabled: false }));

    expect(sent.map((s) => [s.command, s.input.State])).toEqual([
      ['PutRule', 'DISABLED'],
      ['PutTargets', undefined],
    ]);
  });

  it('does the same calls again for the same trigger (PutRule and PutTargets replace)', async () => {
    const { sent, sync } = fakeClient();
    await sync.put(trigger());
    await sync.put(trigger());

    expect(sent.slice(2)).toEqual(sent.slice(0, 2));
  });

  it('fails when EventBridge refuses the target', async () => {
    const { sync } = fakeClient({ PutTargets: [{ FailedEntryCount: 1, FailedEntries: [{ TargetId: 'fire', ErrorCode: 'ConcurrentModificationException', ErrorMessage: 'try again' }] }] });

    await expect(sync.put(trigger())).rejects.toThrow('EventBridge refused the target of trigger-trg_01JD0000000000000000000001: ConcurrentModificationException: try again');
  });

  it('removes the target, then deletes the rule', async () => {
    const { sent, sync } = fakeClient();
    await sync.remove(trigger());

    expect(sent).toEqual([
      { command: 'RemoveTargets', input: { Rule: 'trigger-trg_01JD0000000000000000000001', EventBusName: 'opsconductor', Ids: ['fire'] } },
      { command: 'DeleteRule', input: { Name: 'trigger-trg_01JD0000000000000000000001', EventBusName: 'opsconductor' } },
    ]);
  });

  it('takes a rule already gone as removed, and rethrows anything else', async () => {
    await expect(fakeClient({ RemoveTargets: [notFound()] }).sync.remove(trigger())).resolves.toBeUndefined();
    await expect(fakeClient({ DeleteRule: [notFound()] }).sync.remove(trigger())).resolves.toBeUndefined();
    await expect(fakeClient({ DeleteRule: [new Error('throttled')] }).sync.remove(trigger())).rejects.toThrow('throttled');
  });

  it('writes the ids into the input template as JSON strings', () => {
    expect(fireInputTemplateOf(trigger())).toBe(
      '{"triggerId":"trg_01JD0000000000000000000001","projectId":"prj_01JD0000000000000000000001","event":<aws.events.event.json>}',
    );
  });
});
