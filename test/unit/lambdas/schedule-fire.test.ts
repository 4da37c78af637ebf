import { makeScheduleFireHandler } from '../../../lambdas/schedule-fire/handler';
import type { FireDeps } from '../../../core/schedules/fire';
import { quietLogger } from '../../support/fakes';

/** The Scheduler target's own part: validating the input before anything is read. The fire itself is tested in test/unit/core/schedules.test.ts. */
const setup = () => {
  const read: string[] = [];
  const schedules = {
    get: (projectId: string, scheduleId: string) => {
      read.push(`${projectId}/${scheduleId}`);
      return Promise.resolve(undefined);
    },
  };
  const handler = makeScheduleFireHandler({ schedules, logger: quietLogger() } as unknown as FireDeps & { logger: ReturnType<typeof quietLogger> });
  return { read, handler };
};
const input = { scheduleId: 'sch_01JD0000000000000000000001', projectId: 'prj_01JD0000000000000000000001', scheduledTime: '2026-03-01T07:30:00Z' };

describe('schedule-fire handler', () => {
  it('fires the schedule named by the input (a gone one is ignored)', async () => {
    const t = setup();

    await expect(t.handler(input)).resolves.toEqual({ outcome: 'ignored' });
    expect(t.read).toEqual([`${input.projectId}/${input.scheduleId}`]);
  });

  it.each([
    ['an unreplaced placeholder', { ...input, scheduledTime: '<aws.scheduler.scheduled-time>' }],
    ['a foreign id', { ...input, scheduleId: 'job_01JD0000000000000000000001' }],
    ['an extra field', { ...input, runId: 'x' }],
    ['nothing', undefined],
  ])('refuses %s before reading anything', async (_what, event) => {
    const t = setup();

    await expect(t.handler(event)).rejects.toThrow('Not a schedule fire');
    expect(t.read).toEqual([]);
  });
});
