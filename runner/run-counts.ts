import type { RunStore } from '../core/ports/run-store';
import { errorHostStatuses, type RunCounts } from '../core/runs/schema';

/**
 * Counts are for people watching (a console polls about once a second) and for other batches' max
 * errors (read on their one-second poll); twice a second is enough.
 */
const COUNT_WRITE_MS = 500;

type Delta = Partial<Record<keyof RunCounts, number>>;

export const errorsIn = (counts: RunCounts): number => errorHostStatuses.reduce((sum, s) => sum + counts[s], 0);
const errorsOf = (delta: Delta) => errorHostStatuses.reduce((sum, s) => sum + Math.max(0, delta[s] ?? 0), 0);

/**
 * A run's count changes, added up and written at most every COUNT_WRITE_MS: one atomic addition for
 * many hosts instead of two per host. `errors()` is the run's error count as last written plus the
 * errors not yet written, for max errors.
 */
const countBuffer = (runs: Pick<RunStore, 'addCounts'>, runId: string, initialErrors: number) => {
  let pending: Delta = {};
  let known = initialErrors;
  let inFlight = 0;
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const delta = pending;
    pending = {};
    if (Object.keys(delta).length === 0) return chain;
    // Until the store answers, these errors are neither pending nor known.
    const sent = errorsOf(delta);
    inFlight += sent;
    chain = chain.then(async () => {
      try {
        known = errorsIn(await runs.addCounts(runId, delta));
      } finally {
        inFlight -= sent;
      }
    });
    return chain;
  };
  return {
    add: (delta: Delta) => {
      for (const [k, v] of Object.entries(delta) as [keyof RunCounts, number][]) pending[k] = (pending[k] ?? 0) + v;
      timer ??= setTimeout(() => void flush().catch(() => undefined), COUNT_WRITE_MS);
    },
    saw: (errors: number) => {
      known = Math.max(known, errors);
    },
    errors: () => known + inFlight + errorsOf(pending),
    flush,
  };
};

const shared = new WeakMap<Pick<RunStore, 'addCounts'>, Map<string, { buffer: ReturnType<typeof countBuffer>; users: number }>>();

/**
 * The count buffer of a run for one batch, shared by all the batches of the run this process works
 * (one on a Fargate task, all of them in the local runner): their additions go in the same writes,
 * and each sees the others' errors at once. `close` writes what is pending.
 */
export const runCountsOf = (runs: Pick<RunStore, 'addCounts'>, runId: string, initialErrors: number) => {
  const buffers = shared.get(runs) ?? new Map<string, { buffer: ReturnType<typeof countBuffer>; users: number }>();
  shared.set(runs, buffers);
  const entry = buffers.get(runId) ?? { buffer: countBuffer(runs, runId, initialErrors), users: 0 };
  buffers.set(runId, entry);
  entry.users += 1;
  entry.buffer.saw(initialErrors);
  let closed = false;
  return {
    add: entry.buffer.add,
    errors: entry.buffer.errors,
    close: async () => {
      if (!closed) {
        closed = true;
        entry.users -= 1;
        if (entry.users === 0) buffers.delete(runId);
      }
      await entry.buffer.flush();
    },
  };
};
