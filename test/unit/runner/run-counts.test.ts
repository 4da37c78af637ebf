import { emptyCounts, type RunCounts } from '../../../core/runs/schema';
import { runCountsOf } from '../../../runner/run-counts';

/** A store that adds the deltas up per run, as the run item's atomic addition does, and records each write. */
const countingStore = () => {
  const totals = new Map<string, RunCounts>();
  const writes: { runId: string; delta: Partial<RunCounts> }[] = [];
  return {
    writes,
    addCounts: (runId: string, delta: Partial<RunCounts>) => {
      writes.push({ runId, delta });
      const now = { ...(totals.get(runId) ?? emptyCounts()) };
      for (const [k, v] of Object.entries(delta) as [keyof RunCounts, number][]) now[k] += v;
      totals.set(runId, now);
      return Promise.resolve(now);
    },
  };
};

describe("a run's counts in a runner process", () => {
  it("adds the changes of all the run's batches into one write, and each batch sees the others' errors at once", async () => {
    const store = countingStore();
    const batch0 = runCountsOf(store, 'run_a', 0);
    const batch1 = runCountsOf(store, 'run_a', 0);
    const other = runCountsOf(store, 'run_b', 0);

    batch0.add({ pending: -1, failed: 1 });
    batch1.add({ pending: -1, succeeded: 1 });
    other.add({ pending: -1, unreachable: 1 });

    expect(batch1.errors()).toBe(1);
    expect(other.errors()).toBe(1);
    await batch0.close();
    await Promise.all([batch1.close(), other.close()]);
    expect(store.writes).toEqual([
      { runId: 'run_a', delta: { pending: -2, failed: 1, succeeded: 1 } },
      { runId: 'run_b', delta: { pending: -1, unreachable: 1 } },
    ]);
  });

  it('starts afresh once every batch of the run has closed, from the errors the new batch read', async () => {
    const store = countingStore();
    const first = runCountsOf(store, 'run_a', 0);
    first.add({ pending: -1, failed: 1 });
    await first.close();

    const later = runCountsOf(store, 'run_a', 5);

    expect(later.errors()).toBe(5);
    later.add({ pending: -1, timed_out: 1 });
    await later.close();
    expect(store.writes.map((w) => w.delta)).toEqual([
      { pending: -1, failed: 1 },
      { pending: -1, timed_out: 1 },
    ]);
  });

  it('knows the errors the store answered with, beyond those it added itself', async () => {
    const store = countingStore();
    await store.addCounts('run_a', { failed: 3 });
    const batch = runCountsOf(store, 'run_a', 0);

    batch.add({ pending: -1, lost: 1 });
    await batch.close();

    expect(batch.errors()).toBe(4);
  });
});
