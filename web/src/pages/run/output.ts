/** One line of a host's output. */
export interface OutputLine {
  text: string;
  stderr: boolean;
}

/** About this many lines are kept per view (up to 10,000 more between trims); older ones are dropped (the count is shown). */
export const MAX_LINES = 200_000;

type Stream = 'stdout' | 'stderr';
const streams = ['stdout', 'stderr'] as const;

const fromBase64 = (b64: string): Uint8Array => {
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

/**
 * Turns one host's output chunks (base64 bytes, stdout and stderr interleaved) into lines. Each
 * stream has its own streaming TextDecoder and its own unfinished last line, so a character or a
 * line split across chunks comes out whole.
 */
export class HostDecoder {
  private readonly decoders = { stdout: new TextDecoder('utf-8'), stderr: new TextDecoder('utf-8') };
  private readonly partial = { stdout: '', stderr: '' };

  /** The lines a chunk finishes. */
  push(stream: Stream, base64: string): OutputLine[] {
    return this.add(stream, this.decoders[stream].decode(fromBase64(base64), { stream: true }));
  }

  /** The output is complete: flush the decoders and the unfinished lines. */
  end(): OutputLine[] {
    const lines: OutputLine[] = [];
    for (const stream of streams) {
      lines.push(...this.add(stream, this.decoders[stream].decode()));
      if (this.partial[stream] !== '') {
        lines.push({ text: this.partial[stream], stderr: stream === 'stderr' });
        this.partial[stream] = '';
      }
    }
    return lines;
  }

  /** The unfinished lines, for display while output is still coming. */
  pendingLines(): OutputLine[] {
    return streams.filter((s) => this.partial[s] !== '').map((s) => ({ text: this.partial[s], stderr: s === 'stderr' }));
  }

  private add(stream: Stream, text: string): OutputLine[] {
    if (text === '') return [];
    const parts = (this.partial[stream] + text).split('\n');
    this.partial[stream] = parts.pop() ?? '';
    return parts.map((part) => ({ text: part.endsWith('\r') ? part.slice(0, -1) : part, stderr: stream === 'stderr' }));
  }
}

/** The lines a view shows, the oldest dropped past MAX_LINES (counted). */
export class LineStore {
  readonly lines: OutputLine[] = [];
  dropped = 0;

  append(lines: readonly OutputLine[]): void {
    for (const line of lines) this.lines.push(line);
    // Trimmed in batches: splicing the front of a large array for every line would be quadratic.
    if (this.lines.length > MAX_LINES + 10_000) {
      const excess = this.lines.length - MAX_LINES;
      this.lines.splice(0, excess);
      this.dropped += excess;
    }
  }
}

/** One host's lines: its decoder feeding a store. */
export class LineBuffer extends LineStore {
  private readonly decoder = new HostDecoder();

  push(stream: Stream, base64: string): void {
    this.append(this.decoder.push(stream, base64));
  }

  end(): void {
    this.append(this.decoder.end());
  }

  pendingLines(): OutputLine[] {
    return this.decoder.pendingLines();
  }
}
