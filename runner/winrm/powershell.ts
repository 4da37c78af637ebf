import { DOMParser } from '@xmldom/xmldom';

/**
 * PowerShell over a cmd shell: how a script becomes a command line, and how PowerShell's CLIXML
 * error stream becomes text a person can read.
 */

/** `-EncodedCommand` takes base64 of the script's UTF-16LE bytes, so no character needs quoting. */
export const encodePowerShell = (script: string): string => Buffer.from(script, 'utf16le').toString('base64');

export const decodePowerShell = (encoded: string): string => Buffer.from(encoded, 'base64').toString('utf16le');

const POWERSHELL_FLAGS = ['-NoLogo', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass'] as const;

/**
 * cmd.exe refuses command lines over 8191 characters, and every script character costs about 2.7
 * in `-EncodedCommand` (UTF-16, then base64): a little over 2,900 characters fit.
 */
export const MAX_COMMAND_LINE = 8000;

/**
 * What runs a long script: it reads the whole script from stdin, then runs it as one script block,
 * so it behaves as under `-EncodedCommand` (`exit N` sets the exit code; a failing last statement
 * gives 1). Not `-Command -`, which runs stdin line by line as if typed: multi-line statements would
 * need blank lines after them.
 */
export const STDIN_SCRIPT_BOOTSTRAP = '$ErrorActionPreference = "Continue"; $s = [Console]::In.ReadToEnd(); & ([ScriptBlock]::Create($s))';

export interface PowerShellInvocation {
  command: string;
  args: string[];
  /** The script itself, when it is too long for the command line: sent with Send, then End. */
  stdin: Buffer | undefined;
}

/**
 * Short scripts go on the command line with `-EncodedCommand`. Longer ones go through stdin (Send),
 * not as chunked writes to a file on the host: nothing is left on the host's disk if the run is
 * cancelled, there is no temporary path to choose and clean up, and it needs one Command, not one
 * per chunk. Send messages are split to fit MaxEnvelopeSize by the client.
 */
export const powershellInvocation = (script: string): PowerShellInvocation => {
  const direct = [...POWERSHELL_FLAGS, '-EncodedCommand', encodePowerShell(script)];
  if (['powershell', ...direct].join(' ').length <= MAX_COMMAND_LINE) return { command: 'powershell', args: direct, stdin: undefined };
  return {
    command: 'powershell',
    args: [...POWERSHELL_FLAGS, '-EncodedCommand', encodePowerShell(STDIN_SCRIPT_BOOTSTRAP)],
    stdin: Buffer.from(script, 'utf8'),
  };
};

const CLIXML_MARKER = '#< CLIXML';
const PS_NS = 'http://schemas.microsoft.com/powershell/2004/04';
// Error, Warning, Verbose, Debug and Information records are text; progress records (<Obj S="progress">) are not for people.
const TEXT_STREAMS = new Set(['error', 'warning', 'verbose', 'debug', 'information']);

/** CLIXML escapes characters XML cannot carry as `_xHHHH_` (a CR LF is `_x000D__x000A_`). */
export const unescapeClixml = (s: string): string => s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** The readable text of one `<Objs>` document, or undefined if it is not one. */
export const clixmlText = (objs: string): string | undefined => {
  try {
    const doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(objs, 'text/xml');
    const root = doc.documentElement;
    if (root === null || root.localName !== 'Objs' || root.namespaceURI !== PS_NS) return undefined;
    let out = '';
    for (const s of Array.from(root.getElementsByTagNameNS(PS_NS, 'S'))) {
      if (s.parentNode !== root || !TEXT_STREAMS.has((s.getAttribute('S') ?? '').toLowerCase())) continue;
      out += unescapeClixml(s.textContent ?? '');
    }
    return out;
  } catch {
    return undefined;
  }
};

/**
 * Turns a stderr stream that may carry CLIXML (`#< CLIXML` then `<Objs>…</Objs>`) into plain text,
 * chunk by chunk: text outside CLIXML passes through; an `<Objs>` document is held until it is
 * complete. Whatever could not be decoded is passed on as it came rather than lost.
 */
export class ClixmlStderrDecoder {
  private buffer = '';

  push(text: string): string {
    this.buffer += text;
    let out = '';
    for (;;) {
      if (this.buffer.startsWith(CLIXML_MARKER)) {
        const rest = this.buffer.slice(CLIXML_MARKER.length);
        if (rest === '' || rest === '\r') return out;
        this.buffer = rest.replace(/^\r?\n/, '');
        continue;
      }
      if (this.buffer.startsWith('<Objs')) {
        const end = this.buffer.indexOf('</Objs>');
        if (end < 0) return out;
        const doc = this.buffer.slice(0, end + '</Objs>'.length);
        this.buffer = this.buffer.slice(doc.length);
        out += clixmlText(doc) ?? doc;
        continue;
      }
      const next = [this.buffer.indexOf(CLIXML_MARKER), this.buffer.indexOf('<Objs')].filter((i) => i > 0);
      if (next.length > 0) {
        const cut = Math.min(...next);
        out += this.buffer.slice(0, cut);
        this.buffer = this.buffer.slice(cut);
        continue;
      }
      // Hold back a tail that could be the start of a marker split across chunks.
      let keep = 0;
      for (let n = Math.min(CLIXML_MARKER.length - 1, this.buffer.length); n > 0; n--) {
        const tail = this.buffer.slice(-n);
        if (CLIXML_MARKER.startsWith(tail) || '<Objs'.startsWith(tail)) {
          keep = n;
          break;
        }
      }
      out += this.buffer.slice(0, this.buffer.length - keep);
      this.buffer = this.buffer.slice(this.buffer.length - keep);
      return out;
    }
  }

  end(): string {
    const rest = this.buffer;
    this.buffer = '';
    return rest.startsWith(CLIXML_MARKER) ? rest.slice(CLIXML_MARKER.length).replace(/^\r?\n/, '') : rest;
  }
}

/** Decodes a complete stderr text at once. */
export const decodeClixmlStderr = (text: string): string => {
  const d = new ClixmlStderrDecoder();
  return d.push(text) + d.end();
};
