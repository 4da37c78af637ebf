/**
 * Redaction of secure values from one output stream, on bytes, as the stream arrives.
 *
 * Every occurrence of a secret (its UTF-8 bytes) is replaced by `******`; occurrences that overlap
 * or touch become one `******`. A secret split across two (or more) arrivals is still found: the last
 * `longest secret − 1` bytes are held back until the next arrival shows whether they begin a secret,
 * and the bytes just before the emitted point are kept (not re-emitted) so that an occurrence that
 * began inside an already redacted stretch is recognised and its remainder swallowed. The result
 * does not depend on how the stream was split.
 */
export const REDACTION = '******';
const MARK = Buffer.from(REDACTION);
const EMPTY = Buffer.alloc(0);

export class StreamRedactor {
  private readonly secrets: Buffer[];
  private readonly hold: number;
  /** Raw bytes before the emitted point (at most `hold`), for occurrences that began there. */
  private context: Buffer = EMPTY;
  /** Raw bytes after the emitted point. */
  private pending: Buffer = EMPTY;

  constructor(secureValues: readonly string[]) {
    const unique = [...new Set(secureValues.filter((v) => v !== ''))];
    this.secrets = unique.map((v) => Buffer.from(v, 'utf8'));
    this.hold = Math.max(0, ...this.secrets.map((s) => s.length - 1));
  }

  /** Returns what can be emitted now (possibly nothing). */
  push(data: Buffer): Buffer {
    if (this.secrets.length === 0) return data;
    return this.process(Buffer.concat([this.context, this.pending, data]), false);
  }

  /** The stream ended: returns the rest. */
  end(): Buffer {
    if (this.secrets.length === 0 || this.pending.length === 0) return EMPTY;
    return this.process(Buffer.concat([this.context, this.pending]), true);
  }

  private process(buf: Buffer, final: boolean): Buffer {
    const emittedUpTo = this.context.length;
    const intervals = this.occurrences(buf);
    // Everything before `cut` is decided: no occurrence that is not complete in `buf` can start there.
    let cut = final ? buf.length : Math.max(emittedUpTo, buf.length - this.hold);
    for (const [start, end] of intervals) {
      if (start < cut && end > cut) cut = end;
    }
    const out: Buffer[] = [];
    let pos = emittedUpTo;
    for (const [start, end] of intervals) {
      if (end <= emittedUpTo) continue;
      if (start >= cut) break;
      if (start >= emittedUpTo) {
        if (start > pos) out.push(buf.subarray(pos, start));
        out.push(MARK);
      }
      // An occurrence that began before the emitted point continues a `******` already emitted.
      pos = Math.max(pos, end);
    }
    if (pos < cut) out.push(buf.subarray(pos, cut));
    this.context = Buffer.from(buf.subarray(Math.max(0, cut - this.hold), cut));
    this.pending = Buffer.from(buf.subarray(cut));
    return out.length === 1 && out[0] !== undefined ? Buffer.from(out[0]) : Buffer.concat(out);
  }

  /** All occurrences of all secrets, merged where they overlap, in order. */
  private occurrences(buf: Buffer): [number, number][] {
    const found: [number, number][] = [];
    for (const secret of this.secrets) {
      for (let at = buf.indexOf(secret); at !== -1; at = buf.indexOf(secret, at + 1)) found.push([at, at + secret.length]);
    }
    if (found.length <= 1) return found;
    found.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [start, end] of found) {
      const last = merged.at(-1);
      if (last && start < last[1]) last[1] = Math.max(last[1], end);
      else merged.push([start, end]);
    }
    return merged;
  }
}
