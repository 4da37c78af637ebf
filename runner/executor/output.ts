import type { Clock } from '../../core/clock';
import type { OutputChunk, OutputSink } from './types';

/**
 * Turns the bytes of a host run's steps into numbered chunks for an OutputSink: consecutive bytes
 * of the same step attempt and stream share a chunk up to `maxChunkBytes`; chunks are handed over in
 * batches when `maxChunkBytes` are waiting or `flushIntervalMs` after the first waiting byte,
 * whichever comes first, one `write` at a time. Output the sink has not yet acknowledged is bounded:
 * beyond `highWaterBytes`, `push` answers false and the caller pauses its source until `onDrain`.
 */

/** The runner gathers hosts' chunks for the rest of its 250 ms (runner/run-batch.ts). */
export const DEFAULT_FLUSH_INTERVAL_MS = 150;
export const DEFAULT_MAX_CHUNK_BYTES = 64 * 1024;
export const DEFAULT_HIGH_WATER_BYTES = 1024 * 1024;

interface OpenChunk {
  seq: number;
  stream: OutputChunk['stream'];
  stepId: string;
  attempt: number;
  at: string;
  parts: Buffer[];
  size: number;
}

export interface OutputWriterOptions {
  flushIntervalMs?: number | undefined;
  maxChunkBytes?: number | undefined;
  highWaterBytes?: number | undefined;
}

export class OutputWriter {
  /** Called once the backlog is below half the high-water mark again, after `push` answered false. */
  onDrain: (() => void) | undefined;
  /** Called once, when the sink rejects; later output is dropped. */
  onError: ((error: Error) => void) | undefined;

  private readonly flushIntervalMs: number;
  private readonly maxChunkBytes: number;
  private readonly highWaterBytes: number;
  private nextSeq = 1;
  private open: OpenChunk[] = [];
  private openBytes = 0;
  private writingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private blocked = false;

  constructor(
    private readonly sink: OutputSink,
    private readonly clock: Clock,
    opts: OutputWriterOptions = {},
  ) {
    this.flushIntervalMs = opts.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.maxChunkBytes = opts.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
    this.highWaterBytes = opts.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
  }

  get error(): Error | undefined {
    return this.failure;
  }

  /** Bytes taken but not yet acknowledged by the sink. */
  get backlogBytes(): number {
    return this.openBytes + this.writingBytes;
  }

  /** Takes the bytes (the caller may reuse its buffer); false asks the caller to pause until onDrain. */
  push(stepId: string, attempt: number, stream: OutputChunk['stream'], data: Buffer): boolean {
    if (this.failure !== undefined) return true;
    let offset = 0;
    while (offset < data.length) {
      let chunk = this.open.at(-1);
      if (chunk?.stepId !== stepId || chunk.attempt !== attempt || chunk.stream !== stream || chunk.size >= this.maxChunkBytes) {
        chunk = { seq: this.nextSeq++, stream, stepId, attempt, at: this.clock.now().toISOString(), parts: [], size: 0 };
        this.open.push(chunk);
      }
      const take = Math.min(this.maxChunkBytes - chunk.size, data.length - offset);
      chunk.parts.push(Buffer.from(data.subarray(offset, offset + take)));
      chunk.size += take;
      this.openBytes += take;
      offset += take;
      if (this.openBytes >= this.maxChunkBytes) this.flush();
    }
    if (this.openBytes > 0) {
      this.timer ??= setTimeout(() => {
        this.flush();
      }, this.flushIntervalMs);
    }
    if (this.backlogBytes >= this.highWaterBytes) this.blocked = true;
    return !this.blocked;
  }

  /** Hands everything waiting to the sink now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.open.length === 0 || this.failure !== undefined) return;
    const batch: OutputChunk[] = this.open.map((c) => ({
      seq: c.seq,
      stream: c.stream,
      stepId: c.stepId,
      attempt: c.attempt,
      at: c.at,
      data: c.parts.length === 1 && c.parts[0] !== undefined ? c.parts[0] : Buffer.concat(c.parts, c.size),
    }));
    const size = this.openBytes;
    this.open = [];
    this.openBytes = 0;
    this.writingBytes += size;
    this.chain = this.chain.then(async () => {
      if (this.failure !== undefined) return;
      try {
        await this.sink.write(batch);
      } catch (e) {
        this.fail(e instanceof Error ? e : new Error(String(e)));
        return;
      }
      this.writingBytes -= size;
      if (this.blocked && this.backlogBytes < this.highWaterBytes / 2) {
        this.blocked = false;
        this.onDrain?.();
      }
    });
  }

  /** Flushes and waits until the sink has everything; rejects with the sink's error if it failed. */
  async close(): Promise<void> {
    this.flush();
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) return;
    this.failure = error;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.open = [];
    this.openBytes = 0;
    this.writingBytes = 0;
    this.blocked = false;
    this.onError?.(error);
    // Whoever paused for the sink must read on (and drop) so that the channel can close.
    this.onDrain?.();
  }
}

/** An OutputSink that keeps everything in memory: for tests and for the local runner's live view. */
export class InMemoryOutputSink implements OutputSink {
  readonly chunks: OutputChunk[] = [];
  /** How many `write` calls there were, and the chunk count of each. */
  readonly batches: number[] = [];

  write(chunks: readonly OutputChunk[]): Promise<void> {
    this.batches.push(chunks.length);
    this.chunks.push(...chunks);
    return Promise.resolve();
  }

  /** The bytes of one stream (or both, in seq order), optionally of one step. */
  bytes(filter: { stepId?: string; stream?: OutputChunk['stream']; attempt?: number } = {}): Buffer {
    return Buffer.concat(
      this.chunks
        .filter((c) => (filter.stepId === undefined || c.stepId === filter.stepId) && (filter.stream === undefined || c.stream === filter.stream))
        .filter((c) => filter.attempt === undefined || c.attempt === filter.attempt)
        .map((c) => c.data),
    );
  }

  text(filter: { stepId?: string; stream?: OutputChunk['stream']; attempt?: number } = {}): string {
    return this.bytes(filter).toString('utf8');
  }
}
