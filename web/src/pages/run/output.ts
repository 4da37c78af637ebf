/** One line of a host's output. */
export interface OutputLine {
  text: string;
  stderr: boolean;
}

/** About this many lines are kept per host (up to 10,000 more between trims); older ones are dropped (the count is shown). */
export const MAX_LINES = 200_000;

const fromBase64 = (b64: string): Uint8Array => {
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

/**
 * Turns a host's output chunks (base64 bytes, stdout and stderr interleaved) into lines. Each
 * stream has its own streaming TextDecoder and its own unfinished last line, so a character or a
 * line split across chunks comes out whole.
 */
export class LineBuffer {
  readonly lines: OutputLine[] = [];
  dropped = 0;
  private readonly decoders = { stdout: new TextDecoder('utf-8'), stderr: new TextDecoder('utf-8') };
  private readonly partial = { stdout: '', stderr: '' };

  push(stream: 'stdout' | 'stderr', base64: string): void {
    this.add(stream, this.decoders[stream].decode(fromBase64(base64), { stream: true }));
  }

  /** The output is complete: flush the decoders and the unfinished lines. */
  end(): void {
    for (const stream of ['stdout', 'stderr'] as const) {
      this.add(stream, this.decoders[stream].decode());
      if (this.partial[stream] !== '') {
        this.append(this.partial[stream], stream === 'stderr');
        this.partial[stream] = '';
      }
    }
  }

  /** Lines plus the unfinished ones, for display while output is still coming. */
  pendingLines(): OutputLine[] {
    return (['stdout', 'stderr'] as const).filter((s) => this.partial[s] !== '').map((s) => ({ text: this.partial[s], stderr: s === 'stderr' }));
  }

  private add(stream: 'stdout' | 'stderr', text: string): void {
    if (text === '') return;
    const parts = (this.partial[stream] + text).split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const part of parts) this.append(part.endsWith('\r') ? part.slice(0, -1) : part, stream === 'stderr');
  }

  private append(text: string, stderr: boolean): void {
    this.lines.push({ text, stderr });
    // Trimmed in batches: splicing the front of a large array for every line would be quadratic.
    if (this.lines.length > MAX_LINES + 10_000) {
      const excess = this.lines.length - MAX_LINES;
      this.lines.splice(0, excess);
      this.dropped += excess;
    }
  }
}
