import type { TriggerFireDeps } from '../../../core/triggers/fire';
import { makeTriggerFireHandler } from '../../../lambdas/trigger-fire/handler';
import { quietLogger } from '../../support/fakes';

/** The rule target's own part: validating EventBridge's input before anything is read. The fire itself is tested in test/unit/core/triggers.test.ts. */
const setup = () => {
  const read: string[] = [];
  const triggers = {
    get: (projectId: string, triggerId: string) => {
      read.push(`${projectId}/${triggerId}`);
      return Promise.resolve(undefined);
    },
  };
  const handler = makeTriggerFireHandler({ triggers, logger: quietLogger() } as unknown as TriggerFireDeps & { logger: ReturnType<typeof quietLogger> });
  return { read, handler };
};
const event = { version: '0', id: 'e1', 'detail-type': 'Deploy Requested', source: 'com.example.ci', account: '111122223333', time: '2026-03-01T00:00:00Z', region: 'eu-west-1', resources: [], detail: { version: '1.2.3' } };
const input = { triggerId: 'trg_01JD0000000000000000000001', projectId: 'prj_01JD0000000000000000000001', event };

describe('trigger-fire handler', () => {
  it('fires the trigger named by the input with the event (a gone one is ignored)', async () => {
    const t = setup();

    await expect(t.handler(input)).resolves.toEqual({ outcome: 'ignored' });
    expect(t.read).toEqual([`${input.projectId}/${input.triggerId}`]);
  });

  it.each([
    ['an unreplaced placeholder', { ...input, event: '<aws.events.event.json>' }],
    ['a foreign id', { ...input, triggerId: 'job_01JD0000000000000000000001' }],
    ['an event without an id', { ...input, event: { ...event, id: undefined } }],
    ['an extra field', { ...input, runId: 'x' }],
    ['nothing', undefined],
  ])('refuses %s before reading anything', async (_what, given) => {
    const t = setup();

    await expect(t.handler(given)).rejects.toThrow('Not a trigger fire');
    expect(t.read).toEqual([]);
  });
});
