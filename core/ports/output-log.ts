import type { Readable } from 'node:stream';

/**
 * The full output of each host as one object, kept beside the chunks in the store: S3 on AWS,
 * a file in the data folder locally. One writer per host appends in order and finishes once.
 */
export interface OutputLog {
  append(runId: string, targetId: string, data: Buffer): Promise<void>;
  /** Makes the log complete and readable (S3 completes the multipart upload here). */
  finish(runId: string, targetId: string): Promise<void>;
  /** The finished log, or undefined when there is none. */
  open(runId: string, targetId: string): Promise<Readable | undefined>;
}
