import type { Logger } from '@aws-lambda-powertools/logger';
import type { Clock } from '../core/clock';
import type { ScheduleStore } from '../core/ports/schedule-store';
import type { ScheduleSync } from '../core/ports/schedule-sync';
import { nextFireTimes, parseSchedule } from '../core/schedules/expression';
import { recordMissed, type FireOutcome, type FireRequest } from '../core/schedules/fire';
import type { Schedule } from '../core/schedules/schema';
import { windowOf } from '../core/schedules/service';
import type { EventBus } from '../core/ports/event-bus';

/**
 * The local stand-in for EventBridge Scheduler: one timer armed for the earliest next fire of all
 * enabled schedules. Every wake-up (and the start) handles, per schedule, the scheduled times
 * between the last one handled and now with one rule:
 *
 * - the latest of them fires when it is at most `max(graceSeconds, 60 s)` late (a minute of timer
 *   slack so `graceSeconds: 0` still fires on time);
 * - every other one is missed: one `Schedule Missed` (reason `downtime`) per schedule and wake-up,
 *   naming the first missed time, the last and how many (counted up to 100 000).
 *
 * "Handled" is the latest of the schedule's `lastFireAt`, `lastMissedAt` and `updatedAt` (an edit
 * starts counting afresh), and in memory the last wake-up. A fire's idempotency key makes a
 * scheduled time start one run at most, whatever happens here.
 */
export interface LocalSchedulerDeps {
  schedules: Pick<ScheduleStore, 'listEnabled' | 'recordMissed'>;
  bus: EventBus;
  fire: (request: FireRequest) => Promise<FireOutcome>;
  clock: Clock;
  logger: Logger;
  /** Injected for tests; default the global timers. */
  timers?: { set: (fn: () => void, ms: number) => unknown; clear: (handle: unknown) => void };
}

export interface LocalScheduler {
  /** Catches up on what was missed while stopped, then arms the timer. */
  start(): Promise<void>;
  /** Re-reads the schedules (after a change) and re-arms. */
  refresh(): Promise<void>;
  /** Handles everything due now and re-arms (what the timer calls). */
  wake(): Promise<void>;
  /** The instant the timer is armed for, if any. */
  nextWake(): number | undefined;
  close(): Promise<void>;
}

const MAX_TIMEOUT = 2 ** 31 - 1;
const TIMER_SLACK_MS = 60_000;
const MAX_COUNTED = 100_000;

const maxOf = (...isos: (string | undefined)[]): number => Math.max(...isos.filter((t): t is string => t !== undefined).map((t) => Date.parse(t)));

export const createLocalScheduler = (deps: LocalSchedulerDeps): LocalScheduler => {
  const timers = deps.timers ?? {
    set: (fn: () => void, ms: number) => {
      const t = setTimeout(fn, ms);
      t.unref();
      return t;
    },
    clear: (handle: unknown) => {
      clearTimeout(handle as NodeJS.Timeout);
    },
  };
  let schedules: Schedule[] = [];
  /** Per schedule id: handled up to this instant (ms), in this process. */
  const handled = new Map<string, number>();
  let timer: unknown;
  let armedFor: number | undefined;
  let closed = false;
  let chain: Promise<void> = Promise.resolve();

  const sinceOf = (s: Schedule) => Math.max(maxOf(s.lastFireAt, s.lastMissedAt, s.updatedAt, s.createdAt), handled.get(s.id) ?? -Infinity);

  /** Scheduled times in (since, now], at most `limit`. */
  const dueTimes = (s: Schedule, now: number, limit: number): number[] => {
    const parsed = parseSchedule(s.expression);
    const window = windowOf(s);
    return nextFireTimes(parsed, { ...window, end: Math.min(window.end ?? Infinity, now) }, sinceOf(s), limit);
  };

  const handle = async (s: Schedule, now: number) => {
    const due = dueTimes(s, now, MAX_COUNTED);
    handled.set(s.id, now);
    const latest = due.at(-1);
    if (latest === undefined) return;
    const onTime = now - latest <= Math.max(s.graceSeconds * 1000, TIMER_SLACK_MS);
    const missed = onTime ? due.slice(0, -1) : due;
    const first = missed[0];
    const last = missed.at(-1);
    if (first !== undefined && last !== undefined) {
      await recordMissed(deps, s, {
        scheduledTime: new Date(first).toISOString(),
        reason: 'downtime',
        count: missed.length,
        lastScheduledTime: new Date(last).toISOString(),
      });
    }
    if (onTime) {
      const outcome = await deps.fire({ projectId: s.projectId, scheduleId: s.id, scheduledTime: new Date(latest).toISOString() });
      deps.logger.info('schedule fired', { scheduleId: s.id, scheduledTime: new Date(latest).toISOString(), ...outcome });
    }
  };

  const arm = () => {
    if (timer !== undefined) timers.clear(timer);
    timer = undefined;
    armedFor = undefined;
    if (closed) return;
    const now = deps.clock.now().getTime();
    let earliest = Infinity;
    for (const s of schedules) {
      const next = nextFireTimes(parseSchedule(s.expression), windowOf(s), Math.max(sinceOf(s), now), 1)[0];
      if (next !== undefined && next < earliest) earliest = next;
    }
    if (earliest === Infinity) return;
    armedFor = earliest;
    // Past 2^31-1 ms setTimeout fires at once: wake up then and arm again.
    timer = timers.set(() => void wake(), Math.min(Math.max(0, earliest - now), MAX_TIMEOUT));
  };

  /** One thing at a time: wake-ups and refreshes never interleave. */
  const serially = (work: () => Promise<void>): Promise<void> => {
    const next = chain.then(work).catch((error: unknown) => {
      deps.logger.error('scheduler error', { error: error as Error });
    });
    chain = next;
    return next;
  };

  const load = async () => {
    schedules = await deps.schedules.listEnabled();
    const ids = new Set(schedules.map((s) => s.id));
    for (const id of handled.keys()) if (!ids.has(id)) handled.delete(id);
  };

  const handleAll = async () => {
    const now = deps.clock.now().getTime();
    for (const s of schedules) {
      try {
        await handle(s, now);
      } catch (error) {
        deps.logger.error('schedule fire failed', { scheduleId: s.id, error: error as Error });
      }
    }
  };

  const wake = () =>
    serially(async () => {
      if (closed) return;
      await load();
      await handleAll();
      arm();
    });

  return {
    start: () => wake(),
    wake,
    refresh: () =>
      serially(async () => {
        if (closed) return;
        await load();
        // A new or edited schedule counts from its updatedAt: nothing of its past is due.
        arm();
      }),
    nextWake: () => armedFor,
    close: async () => {
      closed = true;
      if (timer !== undefined) timers.clear(timer);
      timer = undefined;
      await chain;
    },
  };
};

/**
 * The schedules service's ScheduleSync locally: every change makes the scheduler re-read its
 * schedules (it reads them all from the table, so what changed does not matter). The API call does
 * not wait for the re-read, as it does not wait for Scheduler to fire on AWS.
 */
export const localScheduleSync = (scheduler: Pick<LocalScheduler, 'refresh'>): ScheduleSync => {
  const changed = () => {
    void scheduler.refresh();
    return Promise.resolve();
  };
  return { put: changed, remove: changed };
};
