import type { StoredChunk } from '../../../core/runs/schema';
import { createOutputGatherer } from '../../../runner/output-gatherer';

type Item = StoredChunk & { targetId: string };

const chunk = (targetId: string, seq: number): Item => ({ targetId, seq, stream: 'stdout', stepId: 's', attempt: 1, at: '2026-01-02T03:04:05.000Z', data: Buffer.from(`${targetId} ${String(seq)}\n`) });

/** A store that records each appendOutput (run and targets) and can be told to fail a run's writes. */
const recordingStore = (failing = new Set<string>()) => {
  const calls: { runId: string; items: string[] }[] = [];
  return {
    calls,
    appendOutput: (runId: string, items: readonly Item[]) => {
      calls.push({ runId, items: items.map((i) => `${i.targetId}#${String(i.seq)}`) });
      return failing.has(runId) ? Promise.reject(new Error(`store refused ${runId}`)) : Promise.resolve();
    },
  };
};

describe('the output gatherer', () => {
  it("sends each batch's first output at once, then gathers the writes of all batches into one request per run", async () => {
    const store = recordingStore();
    const gatherer = createOutputGatherer(store, 40);
    const [a0, a1, b0] = [gatherer.forBatch('run_a'), gatherer.forBatch('run_a'), gatherer.forBatch('run_b')];

    await Promise.all([a0.write([chunk('t1', 1)]), a1.write([chunk('t2', 1)]), b0.write([chunk('t3', 1)])]);
    const firstCalls = store.calls.length;
    const started = Date.now();
    await Promise.all([a0.write([chunk('t1', 2)]), a1.write([chunk('t2', 2), chunk('t4', 1)]), b0.write([chunk('t3', 2)])]);

    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(store.calls.slice(0, firstCalls)).toEqual([
      { runId: 'run_a', items: ['t1#1', 't2#1'] },
      { runId: 'run_b', items: ['t3#1'] },
    ]);
    expect(store.calls.slice(firstCalls)).toEqual([
      { runId: 'run_a', items: ['t1#2', 't2#2', 't4#1'] },
      { runId: 'run_b', items: ['t3#2'] },
    ]);
  });

  it('writes at once when 25 chunks wait', async () => {
    const store = recordingStore();
    const gatherer = createOutputGatherer(store, 60_000);
    const batch = gatherer.forBatch('run_a');
    await batch.write([chunk('t1', 1)]);

    const written = batch.write(Array.from({ length: 25 }, (_, i) => chunk('t1', i + 2)));

    expect(store.calls).toHaveLength(2);
    await expect(written).resolves.toBeUndefined();
  });

  it("fails the writes of a run whose request failed, and only those", async () => {
    const store = recordingStore(new Set(['run_b']));
    const gatherer = createOutputGatherer(store, 20);
    const [a, b] = [gatherer.forBatch('run_a'), gatherer.forBatch('run_b')];

    const outcomes = await Promise.allSettled([a.write([chunk('t1', 1)]), b.write([chunk('t2', 1)])]);

    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: undefined });
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: { message: 'store refused run_b' } });
  });
});
