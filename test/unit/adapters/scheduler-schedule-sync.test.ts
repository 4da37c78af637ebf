import { ConflictException, ResourceNotFoundException } from '@aws-sdk/client-scheduler';
import { createSchedulerScheduleSync, schedulerRetryAttempts } from '../../../adapters/aws/scheduler-schedule-sync';
import type { Schedule } from '../../../core/schedules/schema';

const config = {
  groupName: 'OpsConductor-schedules',
  fireFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:fire',
  roleArn: 'arn:aws:iam::111122223333:role/scheduler',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:111122223333:schedules-dlq',
};
const now = new Date('2026-03-01T00:00:00Z');

const schedule = (over: Partial<Schedule> = {}): Schedule => ({
  id: 'sch_01JD0000000000000000000001',
  projectId: 'prj_01JD0000000000000000000001',
  name: 'nightly',
  jobId: 'job_01JD0000000000000000000001',
  parameters: {},
  expression: 'cron(30 2 * * ? *)',
  timezone: 'America/New_York',
  enabled: true,
  overlap: 'skip',
  graceSeconds: 300,
  confirmDangerous: false,
  createdAt: '2026-02-01T00:00:00.000Z',
  createdBy: 'admin',
  updatedAt: '2026-02-01T00:00:00.000Z',
  updatedBy: 'admin',
  version: 1,
  ...over,
});

/** A fake client recording every command; `answers` says what each command name throws, in order. */
const fakeClient = (answers: Record<string, unknown[]> = {}) => {
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  const client = {
    send: (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ command: name, input: command.input });
      const answer = answers[name]?.shift();
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve({ $metadata: {} });
    },
  };
  return { sent, sync: createSchedulerScheduleSync({ client: client as never, config, now: () => now }) };
};
const notFound = () => new ResourceNotFoundException({ message: 'Schedule not found', Message: 'Schedule not found', $metadata: {} });

describe('EventBridge Scheduler schedule sync', () => {
  it('updates the schedule named by its id in the group, with the expression, zone, window, target, retries and dead letters', async () => {
    const { sent, sync } = fakeClient();
    await sync.put(schedule({ startAt: '2026-04-01T00:00:00.000Z', endAt: '2026-12-31T00:00:00.000Z', graceSeconds: 600 }));

    expect(sent).toEqual([
      {
        command: 'UpdateSchedule',
        input: {
          Name: 'sch_01JD0000000000000000000001',
          GroupName: config.groupName,
          Description: 'OpsConductor schedule nightly',
          ScheduleExpression: 'cron(30 2 * * ? *)',
          ScheduleExpressionTimezone: 'America/New_York',
          StartDate: new Date('2026-04-01T00:00:00.000Z'),
          EndDate: new Date('2026-12-31T00:00:00.000Z'),
          State: 'ENABLED',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'NONE',
          Target: {
            Arn: config.fireFunctionArn,
            RoleArn: config.roleArn,
            Input: '{"scheduleId":"sch_01JD0000000000000000000001","projectId":"prj_01JD0000000000000000000001","scheduledTime":"<aws.scheduler.scheduled-time>"}',
            RetryPolicy: { MaximumRetryAttempts: schedulerRetryAttempts, MaximumEventAgeInSeconds: 600 },
            DeadLetterConfig: { Arn: config.deadLetterArn },
          },
        },
      },
    ]);
  });

  it('creates the schedule when there is none to update', async () => {
    const { sent, sync } = fakeClient({ UpdateSchedule: [notFound()] });
    await sync.put(schedule());

    expect(sent.map((s) => s.command)).toEqual(['UpdateSchedule', 'CreateSchedule']);
    expect(sent[1]?.input).toEqual(sent[0]?.input);
  });

  it('updates after all when a concurrent put created it first', async () => {
    const { sent, sync } = fakeClient({ UpdateSchedule: [notFound()], CreateSchedule: [new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} })] });
    await sync.put(schedule());

    expect(sent.map((s) => s.command)).toEqual(['UpdateSchedule', 'CreateSchedule', 'UpdateSchedule']);
  });

  it('disarms a disabled schedule, leaves out a start already passed, and bounds the event age to 60 s–24 h', async () => {
    const { sent, sync } = fakeClient();
    await sync.put(schedule({ enabled: false, startAt: '2026-01-01T00:00:00.000Z', graceSeconds: 0 }));
    await sync.put(schedule({ graceSeconds: 86_400 * 2 }));

    expect(sent[0]?.input).toMatchObject({ State: 'DISABLED', Target: { RetryPolicy: { MaximumEventAgeInSeconds: 60 } } });
    expect(sent[0]?.input).not.toHaveProperty('StartDate');
    expect(sent[1]?.input).toMatchObject({ Target: { RetryPolicy: { MaximumEventAgeInSeconds: 86_400 } } });
  });

  it('deletes a schedule whose end has passed instead of putting it', async () => {
    const { sent, sync } = fakeClient();
    await sync.put(schedule({ endAt: '2026-02-15T00:00:00.000Z' }));

    expect(sent).toEqual([{ command: 'DeleteSchedule', input: { Name: 'sch_01JD0000000000000000000001', GroupName: config.groupName } }]);
  });

  it('removes by deleting, and takes a schedule already gone as removed', async () => {
    const { sent, sync } = fakeClient({ DeleteSchedule: [notFound()] });
    await sync.remove(schedule());

    expect(sent).toEqual([{ command: 'DeleteSchedule', input: { Name: 'sch_01JD0000000000000000000001', GroupName: config.groupName } }]);
  });

  it('passes on any other failure', async () => {
    const { sync } = fakeClient({ UpdateSchedule: [new Error('AccessDenied')], DeleteSchedule: [new Error('Throttled')] });

    await expect(sync.put(schedule())).rejects.toThrow('AccessDenied');
    await expect(sync.remove(schedule())).rejects.toThrow('Throttled');
  });
});
