import { createDynamoJobStore } from '../../../adapters/aws/job-store';
import { createDynamoRunStore } from '../../../adapters/aws/run-store';
import { createDynamoScheduleStore } from '../../../adapters/aws/schedule-store';
import { randomBytes } from 'node:crypto';
import { fixedClock } from '../../../core/clock';
import { createIdGenerator } from '../../../core/ids';
import { AppError } from '../../../core/errors';
import type { ProjectRole } from '../../../core/identity/principal';
import { JobInput } from '../../../core/jobs/schema';
import { createJob } from '../../../core/jobs/service';
import type { DomainEvent } from '../../../core/ports/event-bus';
import { runIdFor } from '../../../core/runs/service';
import { fireSchedule, idempotencyKeyOf, type FireDeps } from '../../../core/schedules/fire';
import { ScheduleInput, SchedulePatch } from '../../../core/schedules/schema';
import { createSchedule, deleteSchedule, getSchedule, previewSchedule, updateSchedule, type ScheduleDeps } from '../../../core/schedules/service';
import { createLocalScheduler } from '../../../local/scheduler';
import type { LocalDynamo } from '../../../local/dynamo';
import { startTestDynamo } from '../../support/dynalite';
import { admin, quietLogger, recordingBus } from '../../support/fakes';

const projectId = 'prj_01JD0000000000000000000001';
const targetId = 'tgt_01JD0000000000000000000001';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const setup = (at = '2026-03-01T00:00:30Z') => {
  const clock = fixedClock(at);
  const ids = createIdGenerator(clock, randomBytes);
  const table = { ddb: dynamo.doc, tableName: dynamo.tableName };
  const bus = recordingBus();
  const jobs = createDynamoJobStore(table);
  const runs = createDynamoRunStore(table);
  const schedules = createDynamoScheduleStore(table);
  const launched: string[] = [];
  const launcher = {
    start: (r: { runId: string }) => {
      launched.push(r.runId);
      return Promise.resolve();
    },
  };
  const sealer = { seal: () => Promise.resolve('sealed'), open: () => Promise.resolve({}) };
  const synced: string[] = [];
  let syncFails = false;
  const scheduleSync = {
    put: (s: { id: string; enabled: boolean; version: number }) => {
      if (syncFails) return Promise.reject(new Error('Scheduler unavailable'));
      synced.push(`put ${s.id} v${String(s.version)} ${s.enabled ? 'enabled' : 'disabled'}`);
      return Promise.resolve();
    },
    remove: (s: { id: string }) => {
      synced.push(`remove ${s.id}`);
      return Promise.resolve();
    },
  };
  const failSync = () => {
    syncFails = true;
  };
  const deps: ScheduleDeps & FireDeps = { schedules, jobs, runs, bus, clock, ids, launcher, sealer, scheduleSync };
  const job = (input: Record<string, unknown> = {}) =>
    createJob(deps, admin, projectId, JobInput.parse({ name: `j-${String(Math.random()).slice(2, 8)}`, steps: [{ kind: 'command', content: 'uptime' }], targets: { targetIds: [targetId] }, ...input }));
  const schedule = (input: Record<string, unknown>, role: ProjectRole = 'admin') => createSchedule(deps, admin, role, projectId, ScheduleInput.parse(input));
  const types = () => bus.events.map((e: DomainEvent) => e.detailType);
  return { clock, deps, bus, launched, job, schedule, types, schedules, runs, synced, failSync };
};

const failure = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a failure');
};

describe('schedules service', () => {
  it('tells the schedule sync about every create, edit and delete, after the store', async () => {
    const t = setup();
    const job = await t.job();
    const s = await t.schedule({ name: 'synced', jobId: job.id, expression: 'rate(1 hour)' });
    await updateSchedule(t.deps, admin, 'admin', projectId, s.id, SchedulePatch.parse({ enabled: false }));
    await deleteSchedule(t.deps, admin, projectId, s.id);

    expect(t.synced).toEqual([`put ${s.id} v1 enabled`, `put ${s.id} v2 disabled`, `remove ${s.id}`]);
  });

  it('keeps no schedule whose create could not be armed, and publishes nothing for it', async () => {
    const t = setup();
    const job = await t.job();
    t.failSync();
    const events = t.bus.events.length;

    await expect(t.schedule({ name: 'unarmed', jobId: job.id, expression: 'rate(1 hour)' })).rejects.toThrow('Scheduler unavailable');
    expect((await t.schedules.list(projectId, { limit: 100 })).items.map((x) => x.name)).not.toContain('unarmed');
    expect(t.bus.events.length).toBe(events);
  });

  it('stores the normalized expression, defaults, and answers the next five fire times', async () => {
    const t = setup();
    const job = await t.job();
    const s = await t.schedule({ name: 'nightly', jobId: job.id, expression: '30 2 * * *', timezone: 'America/New_York' });

    expect(s).toMatchObject({ expression: 'cron(30 2 * * ? *)', timezone: 'America/New_York', enabled: true, overlap: 'skip', graceSeconds: 300, confirmDangerous: false, version: 1 });
    expect(s.id).toMatch(/^sch_/);
    // 2026-03-08 is the spring-forward day in New York: 02:30 does not exist and does not fire.
    expect(s.nextFireTimes).toEqual(['2026-03-01T07:30:00.000Z', '2026-03-02T07:30:00.000Z', '2026-03-03T07:30:00.000Z', '2026-03-04T07:30:00.000Z', '2026-03-05T07:30:00.000Z']);
    expect(t.types()).toContain('Schedule Created');
    expect((await getSchedule(t.deps, projectId, s.id)).nextFireTimes).toHaveLength(5);
  });

  it('refuses a bad expression, zone, job, parameter or window with a 400 naming the field', async () => {
    const t = setup();
    const job = await t.job({ parameters: [{ name: 'level', type: 'number', required: true }] });
    const base = { name: 's', jobId: job.id, expression: 'rate(1 hour)', parameters: { level: 1 } };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ expression: 'rate(1 hours)' }, 'expression', /singular/],
      [{ expression: 'every day' }, 'expression', /cron/],
      [{ timezone: 'Mars/Olympus' }, 'timezone', /IANA/],
      [{ jobId: 'job_01JD0000000000000000000009' }, 'jobId', /not a job/],
      [{ parameters: { level: 'high' } }, 'parameters.level', /number/],
      [{ parameters: {} }, 'parameters.level', /required/],
      [{ startAt: '2026-04-01T00:00:00Z', endAt: '2026-03-01T00:00:00Z' }, 'endAt', /after/],
    ];
    for (const [change, path, message] of cases) {
      const e = await failure(t.schedule({ ...base, ...change }));
      expect({ change, status: e.status, code: e.code }).toEqual({ change, status: 400, code: 'VALIDATION_FAILED' });
      const details = e.details as { path: string; message: string }[];
      expect(details.find((d) => d.path === path)?.message).toMatch(message);
    }
  });

  it('refuses secure parameters, explaining they would have to be stored', async () => {
    const t = setup();
    const optional = await t.job({ parameters: [{ name: 'token', type: 'string', secure: true }] });
    const required = await t.job({ parameters: [{ name: 'token', type: 'string', secure: true, required: true }] });

    const given = await failure(t.schedule({ name: 's', jobId: optional.id, expression: 'rate(1 day)', parameters: { token: 'CANARY-secret' } }));
    expect({ status: given.status, details: given.details }).toEqual({ status: 400, details: { secureParameters: ['token'] } });
    expect(given.message).toMatch(/stored/);
    expect(given.message).not.toContain('CANARY');
    const needed = await failure(t.schedule({ name: 's', jobId: required.id, expression: 'rate(1 day)' }));
    expect(needed.status).toBe(400);
    // Without the optional secure value the schedule is fine.
    await expect(t.schedule({ name: 's', jobId: optional.id, expression: 'rate(1 day)' })).resolves.toMatchObject({ jobId: optional.id });
  });

  it('needs an admin to confirm a job with dangerous commands', async () => {
    const t = setup();
    const job = await t.job({ steps: [{ kind: 'command', content: 'rm -rf /' }] });
    const input = { name: 'wipe', jobId: job.id, expression: 'rate(1 day)' };

    expect((await failure(t.schedule(input))).code).toBe('CONFIRMATION_REQUIRED');
    expect((await failure(t.schedule({ ...input, confirmDangerous: true }, 'operator'))).code).toBe('FORBIDDEN');
    await expect(t.schedule({ ...input, confirmDangerous: true })).resolves.toMatchObject({ confirmDangerous: true });
  });

  it('patches, disables (leaving the scheduler index) and deletes', async () => {
    const t = setup();
    const job = await t.job();
    const s = await t.schedule({ name: 'p', jobId: job.id, expression: 'rate(5 minutes)', endAt: '2027-01-01T00:00:00Z' });
    expect((await t.schedules.listEnabled()).map((x) => x.id)).toContain(s.id);

    const off = await updateSchedule(t.deps, admin, 'admin', projectId, s.id, SchedulePatch.parse({ enabled: false, endAt: null }));
    expect(off).toMatchObject({ enabled: false, version: 2, nextFireTimes: [] });
    expect(off.endAt).toBeUndefined();
    expect((await t.schedules.listEnabled()).map((x) => x.id)).not.toContain(s.id);

    const on = await updateSchedule(t.deps, admin, 'admin', projectId, s.id, SchedulePatch.parse({ enabled: true }));
    expect(on.nextFireTimes[0]).toBe('2026-03-01T00:05:30.000Z');
    expect((await t.schedules.listEnabled()).map((x) => x.id)).toContain(s.id);

    await deleteSchedule(t.deps, admin, projectId, s.id);
    expect((await failure(getSchedule(t.deps, projectId, s.id))).status).toBe(404);
    expect(t.types().filter((x) => x.startsWith('Schedule'))).toEqual(['Schedule Created', 'Schedule Updated', 'Schedule Updated', 'Schedule Deleted']);
  });

  it('previews fire times, and refuses a bad expression with the evaluator message', () => {
    const t = setup();
    expect(previewSchedule(t.deps, { expression: 'cron(0 12 ? * MON#2 *)', timezone: 'Europe/Berlin', from: '2026-01-01T00:00:00Z', count: 2 })).toEqual({
      next: ['2026-01-12T11:00:00.000Z', '2026-02-09T11:00:00.000Z'],
    });
    expect(() => previewSchedule(t.deps, { expression: 'cron(0 12 * * * *)', timezone: 'UTC', count: 5 })).toThrow(AppError);
  });
});

describe('firing a schedule', () => {
  it('starts one run per scheduled time, however often that time is delivered', async () => {
    const t = setup();
    const job = await t.job();
    const s = await t.schedule({ name: 'f', jobId: job.id, expression: 'rate(1 hour)' });
    const scheduledTime = '2026-03-01T01:00:30.000Z';

    const first = await fireSchedule(t.deps, { projectId, scheduleId: s.id, scheduledTime });
    const again = await fireSchedule(t.deps, { projectId, scheduleId: s.id, scheduledTime: '2026-03-01T01:00:30Z' });

    const runId = runIdFor(projectId, job.id, idempotencyKeyOf(s.id, scheduledTime));
    expect(first).toEqual({ outcome: 'fired', runId });
    expect(again).toEqual({ outcome: 'duplicate', runId });
    expect(t.launched).toEqual([runId]);
    expect(t.types().filter((x) => x === 'Schedule Fired')).toHaveLength(1);
    expect(await t.schedules.get(projectId, s.id)).toMatchObject({ lastFireAt: scheduledTime, lastRunId: runId, version: 1 });
    expect((await t.runs.get(runId))?.createdBy).toBe(`api-key:schedule:${s.id}`);
  });

  it('skips a fire while the previous run is active (overlap skip), and not with allow', async () => {
    const t = setup();
    const job = await t.job();
    const skip = await t.schedule({ name: 'skip', jobId: job.id, expression: 'rate(1 hour)' });
    const allow = await t.schedule({ name: 'allow', jobId: job.id, expression: 'rate(1 hour)', overlap: 'allow' });

    const first = await fireSchedule(t.deps, { projectId, scheduleId: skip.id, scheduledTime: '2026-03-01T01:00:30Z' });
    expect(await fireSchedule(t.deps, { projectId, scheduleId: skip.id, scheduledTime: '2026-03-01T02:00:30Z' })).toEqual({ outcome: 'missed', reason: 'overlap' });
    const missed = t.bus.events.find((e) => e.detailType === 'Schedule Missed')?.detail;
    expect(missed).toMatchObject({ scheduleId: skip.id, scheduledTime: '2026-03-01T02:00:30.000Z', reason: 'overlap', activeRunId: first.outcome === 'fired' ? first.runId : '' });

    if (first.outcome !== 'fired') throw new Error('expected a run');
    await t.runs.transition(first.runId, ['queued'], { status: 'succeeded', finishedAt: '2026-03-01T01:30:00Z' });
    expect((await fireSchedule(t.deps, { projectId, scheduleId: skip.id, scheduledTime: '2026-03-01T03:00:30Z' })).outcome).toBe('fired');

    await fireSchedule(t.deps, { projectId, scheduleId: allow.id, scheduledTime: '2026-03-01T01:00:30Z' });
    expect((await fireSchedule(t.deps, { projectId, scheduleId: allow.id, scheduledTime: '2026-03-01T02:00:30Z' })).outcome).toBe('fired');
  });

  it('does nothing for a disabled schedule, and records a deleted job as missed', async () => {
    const t = setup();
    const job = await t.job();
    const s = await t.schedule({ name: 'd', jobId: job.id, expression: 'rate(1 hour)', enabled: false });
    expect(await fireSchedule(t.deps, { projectId, scheduleId: s.id, scheduledTime: '2026-03-01T01:00:30Z' })).toEqual({ outcome: 'ignored' });

    await updateSchedule(t.deps, admin, 'admin', projectId, s.id, SchedulePatch.parse({ enabled: true }));
    await t.deps.jobs.delete(job);
    expect(await fireSchedule(t.deps, { projectId, scheduleId: s.id, scheduledTime: '2026-03-01T01:00:30Z' })).toEqual({ outcome: 'missed', reason: 'job-missing' });
    expect(t.launched).toEqual([]);
  });
});

describe('local scheduler', () => {
  const manualTimers = () => {
    const armed: { fn: () => void; ms: number }[] = [];
    return { armed, set: (fn: () => void, ms: number) => armed.push({ fn, ms }), clear: () => undefined };
  };
  const schedulerFor = (t: ReturnType<typeof setup>) =>
    createLocalScheduler({
      schedules: t.schedules,
      bus: t.bus,
      clock: t.clock,
      logger: quietLogger(),
      fire: (r) => fireSchedule(t.deps, r),
      timers: manualTimers(),
    });
  // Each test uses its own project-less view of the index: leftovers of other tests are disabled first.
  const disableAll = async (t: ReturnType<typeof setup>) => {
    for (const s of await t.schedules.listEnabled()) await updateSchedule(t.deps, admin, 'admin', s.projectId, s.id, SchedulePatch.parse({ enabled: false }));
  };

  it('after a restart fires the latest missed time once when within grace, and records the others missed', async () => {
    const t = setup('2026-06-01T00:00:30Z');
    await disableAll(t);
    const job = await t.job();
    const s = await t.schedule({ name: 'hourly', jobId: job.id, expression: 'cron(0 * * * ? *)', graceSeconds: 300 });
    t.bus.events.length = 0;
    // The stack was down from now until 05:02.
    t.clock.set('2026-06-01T05:02:00Z');

    const scheduler = schedulerFor(t);
    await scheduler.start();

    expect(t.launched).toEqual([runIdFor(projectId, job.id, idempotencyKeyOf(s.id, '2026-06-01T05:00:00.000Z'))]);
    const missed = t.bus.events.filter((e) => e.detailType === 'Schedule Missed').map((e) => e.detail);
    expect(missed).toEqual([
      expect.objectContaining({ scheduleId: s.id, reason: 'downtime', scheduledTime: '2026-06-01T01:00:00.000Z', lastScheduledTime: '2026-06-01T04:00:00.000Z', count: 4 }),
    ]);
    expect(scheduler.nextWake()).toBe(Date.parse('2026-06-01T06:00:00Z'));
    await scheduler.close();

    // Restarted again at once: nothing is fired or missed twice.
    const again = schedulerFor(t);
    await again.start();
    expect(t.launched).toHaveLength(1);
    expect(t.bus.events.filter((e) => e.detailType === 'Schedule Missed')).toHaveLength(1);

    // The timer's wake-up at 06:00 fires 06:00 (the 05:00 run has finished), once however often it wakes.
    await t.runs.transition(t.launched[0] ?? '', ['queued'], { status: 'succeeded', finishedAt: '2026-06-01T05:30:00Z' });
    t.clock.set('2026-06-01T06:00:00.010Z');
    await again.wake();
    await again.wake();
    expect(t.launched).toHaveLength(2);
    expect(t.launched[1]).toBe(runIdFor(projectId, job.id, idempotencyKeyOf(s.id, '2026-06-01T06:00:00.000Z')));
    await again.close();
  });

  it('records every missed time outside the grace window as missed, starting nothing', async () => {
    const t = setup('2026-06-01T00:00:30Z');
    await disableAll(t);
    const job = await t.job();
    const s = await t.schedule({ name: 'hourly', jobId: job.id, expression: 'cron(0 * * * ? *)', graceSeconds: 300 });
    t.bus.events.length = 0;
    t.clock.set('2026-06-01T05:10:00Z');

    const scheduler = schedulerFor(t);
    await scheduler.start();

    expect(t.launched).toEqual([]);
    expect(t.bus.events.map((e) => e.detail)).toEqual([
      expect.objectContaining({ scheduleId: s.id, reason: 'downtime', scheduledTime: '2026-06-01T01:00:00.000Z', lastScheduledTime: '2026-06-01T05:00:00.000Z', count: 5 }),
    ]);
    expect(await t.schedules.get(projectId, s.id)).toMatchObject({ lastMissedAt: '2026-06-01T05:00:00.000Z' });
    await scheduler.close();
  });

  it('re-arms a timer further away than setTimeout can wait', async () => {
    const t = setup('2026-06-01T00:00:30Z');
    await disableAll(t);
    const job = await t.job();
    await t.schedule({ name: 'yearly', jobId: job.id, expression: 'cron(0 0 1 1 ? *)' });
    const timers = manualTimers();
    const scheduler = createLocalScheduler({ schedules: t.schedules, bus: t.bus, clock: t.clock, logger: quietLogger(), fire: (r) => fireSchedule(t.deps, r), timers });
    await scheduler.start();
    expect(scheduler.nextWake()).toBe(Date.parse('2027-01-01T00:00:00Z'));
    expect(timers.armed.at(-1)?.ms).toBe(2 ** 31 - 1);
    await scheduler.close();
  });
});
