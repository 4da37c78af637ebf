import { fixedClock } from '../../../core/clock';
import { InMemoryOutputSink, OutputWriter } from '../../../runner/executor/output';
import type { OutputChunk, OutputSink } from '../../../runner/executor/types';

const later = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('OutputWriter', () => {
  it('numbers chunks from 1 without gaps, merging consecutive bytes of the same step attempt and stream', async () => {
    const clock = fixedClock('2026-01-02T03:04:05.000Z');
    const sink = new InMemoryOutputSink();
    const writer = new OutputWriter(sink, clock);
    writer.push('a', 1, 'stdout', Buffer.from('one '));
    clock.advance(10);
    writer.push('a', 1, 'stdout', Buffer.from('two\n'));
    writer.push('a', 1, 'stderr', Buffer.from('warn\n'));
    writer.push('a', 1, 'stdout', Buffer.from('three\n'));
    writer.push('a', 2, 'stdout', Buffer.from('retry\n'));
    writer.push('b', 1, 'stdout', Buffer.from('next step\n'));
    await writer.close();

    expect(sink.chunks.map((c) => [c.seq, c.stepId, c.attempt, c.stream, c.data.toString(), c.at])).toEqual([
      [1, 'a', 1, 'stdout', 'one two\n', '2026-01-02T03:04:05.000Z'],
      [2, 'a', 1, 'stderr', 'warn\n', '2026-01-02T03:04:05.010Z'],
      [3, 'a', 1, 'stdout', 'three\n', '2026-01-02T03:04:05.010Z'],
      [4, 'a', 2, 'stdout', 'retry\n', '2026-01-02T03:04:05.010Z'],
      [5, 'b', 1, 'stdout', 'next step\n', '2026-01-02T03:04:05.010Z'],
    ]);
    expect(sink.batches).toEqual([5]);
  });

  it('copies what it takes, so a caller may reuse its buffer', async () => {
    const sink = new InMemoryOutputSink();
    const writer = new OutputWriter(sink, fixedClock('2026-01-01T00:00:00Z'));
    const buffer = Buffer.from('first');
    writer.push('a', 1, 'stdout', buffer);
    buffer.write('XXXXX');
    await writer.close();
    expect(sink.text()).toBe('first');
  });

  it('flushes once the chunk size is reached, and cuts big output into chunks of at most that size', async () => {
    const sink = new InMemoryOutputSink();
    const writer = new OutputWriter(sink, fixedClock('2026-01-01T00:00:00Z'), { maxChunkBytes: 1000, flushIntervalMs: 60_000 });
    const data = Buffer.alloc(3500, 'x');
    writer.push('a', 1, 'stdout', data);
    await delay(0);
    expect(sink.chunks.map((c) => c.data.length)).toEqual([1000, 1000, 1000]);
    await writer.close();
    expect(sink.chunks.map((c) => c.data.length)).toEqual([1000, 1000, 1000, 500]);
    expect(sink.chunks.map((c) => c.seq)).toEqual([1, 2, 3, 4]);
    expect(sink.bytes()).toEqual(data);
  });

  it('flushes a trickle within the flush interval', async () => {
    const sink = new InMemoryOutputSink();
    const writer = new OutputWriter(sink, fixedClock('2026-01-01T00:00:00Z'), { flushIntervalMs: 40 });
    writer.push('a', 1, 'stdout', Buffer.from('tick'));
    expect(sink.chunks).toHaveLength(0);
    await delay(80);
    expect(sink.text()).toBe('tick');
    writer.push('a', 1, 'stdout', Buffer.from('tock'));
    await delay(80);
    expect(sink.chunks.map((c) => [c.seq, c.data.toString()])).toEqual([
      [1, 'tick'],
      [2, 'tock'],
    ]);
    await writer.close();
  });

  it('writes one batch at a time, in order, and asks for a pause beyond the high-water mark until the sink catches up', async () => {
    const gates: ReturnType<typeof later>[] = [];
    const written: number[][] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    const sink: OutputSink = {
      write: async (chunks: readonly OutputChunk[]) => {
        concurrent += 1;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        const gate = later();
        gates.push(gate);
        await gate.promise;
        written.push(chunks.map((c) => c.seq));
        concurrent -= 1;
      },
    };
    const writer = new OutputWriter(sink, fixedClock('2026-01-01T00:00:00Z'), { maxChunkBytes: 100, highWaterBytes: 300, flushIntervalMs: 60_000 });
    let drained = 0;
    writer.onDrain = () => (drained += 1);
    expect(writer.push('a', 1, 'stdout', Buffer.alloc(100))).toBe(true);
    expect(writer.push('a', 1, 'stdout', Buffer.alloc(100))).toBe(true);
    expect(writer.push('a', 1, 'stdout', Buffer.alloc(100))).toBe(false);
    expect(writer.backlogBytes).toBe(300);
    for (let i = 0; i < 3; i += 1) {
      await delay(0);
      gates[i]?.resolve();
      await delay(0);
    }
    const closing = writer.close();
    await closing;
    expect(written).toEqual([[1], [2], [3]]);
    expect(maxConcurrent).toBe(1);
    expect(drained).toBe(1);
    expect(writer.backlogBytes).toBe(0);
  });

  it('reports a failing sink once, drops later output, lets a paused source read on, and rejects close', async () => {
    const failure = new Error('table is gone');
    let calls = 0;
    const writer = new OutputWriter(
      {
        write: () => {
          calls += 1;
          return Promise.reject(failure);
        },
      },
      fixedClock('2026-01-01T00:00:00Z'),
      { maxChunkBytes: 10, highWaterBytes: 10 },
    );
    const errors: Error[] = [];
    let drained = 0;
    writer.onError = (e) => errors.push(e);
    writer.onDrain = () => (drained += 1);
    expect(writer.push('a', 1, 'stdout', Buffer.alloc(10))).toBe(false);
    await delay(0);
    expect(errors).toEqual([failure]);
    expect(drained).toBe(1);
    expect(writer.push('a', 1, 'stdout', Buffer.alloc(50))).toBe(true);
    await expect(writer.close()).rejects.toBe(failure);
    expect(calls).toBe(1);
    expect(writer.error).toBe(failure);
  });
});
