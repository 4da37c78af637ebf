import type { RunStore } from '../core/ports/run-store';
import type { StoredChunk } from '../core/runs/schema';
import { DEFAULT_FLUSH_INTERVAL_MS } from './executor/output';

/** Output is in the store within 250 ms of arriving: the executor's flush interval, then this gathering. */
const GATHER_OUTPUT_MS = 250 - DEFAULT_FLUSH_INTERVAL_MS;

type OutputItem = StoredChunk & { targetId: string };

/**
 * Output chunks of all the hosts this process works (every batch of every run: one on a Fargate
 * task, all of them in the local runner) go to the store together: a write waits up to 100 ms for
 * others (or until 25 chunks wait), and one BatchWrite per run carries them. Each batch's first
 * output goes at once (someone may be watching for it). Each host's writes still resolve in order,
 * once its chunks are stored.
 */
export const createOutputGatherer = (runs: Pick<RunStore, 'appendOutput'>, gatherMs = GATHER_OUTPUT_MS) => {
  let queue: { runId: string; items: OutputItem[]; done: () => void; failed: (e: unknown) => void }[] = [];
  let queued = 0;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const pending = queue;
    queue = [];
    queued = 0;
    const byRun = new Map<string, typeof pending>();
    for (const p of pending) {
      const group = byRun.get(p.runId);
      if (group) group.push(p);
      else byRun.set(p.runId, [p]);
    }
    for (const [runId, writes] of byRun) {
      runs.appendOutput(runId, writes.flatMap((w) => w.items)).then(
        () => {
          for (const w of writes) w.done();
        },
        (e: unknown) => {
          for (const w of writes) w.failed(e);
        },
      );
    }
  };
  const write = (runId: string, items: OutputItem[], soon: boolean) =>
    new Promise<void>((done, failed) => {
      queue.push({ runId, items, done, failed });
      queued += items.length;
      if (queued >= 25) {
        flush();
      } else if (soon) {
        // Still gathers what arrives in the same turn of the event loop.
        clearTimeout(timer);
        timer = setTimeout(flush, 0);
      } else {
        timer ??= setTimeout(flush, gatherMs);
      }
    });
  return {
    /** A batch's writer: its first write goes at once, later ones are gathered. */
    forBatch: (runId: string) => {
      let first = true;
      return {
        write: (items: OutputItem[]) => {
          const soon = first;
          first = false;
          return write(runId, items, soon);
        },
      };
    },
  };
};
export type OutputGatherer = ReturnType<typeof createOutputGatherer>;
const outputGatherers = new WeakMap<RunStore, OutputGatherer>();
/** The process's output gatherer for this store. */
export const outputGathererOf = (runs: RunStore): OutputGatherer => {
  const gatherer = outputGatherers.get(runs) ?? createOutputGatherer(runs);
  outputGatherers.set(runs, gatherer);
  return gatherer;
};
