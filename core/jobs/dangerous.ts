/**
 * The dangerous-command guard: finds the commands in a job step that can destroy a host or cut it off (deleting `/`,
 * formatting a disk, a fork bomb, a shutdown, a firewall flush …), so that saving the job can warn and starting a run
 * can insist on an explicit confirmation. docs/dangerous-commands.md lists the rules and the workflow; keep this file,
 * that page and test/unit/core/dangerous.test.ts in step.
 *
 * A step is read the way its shell would read it, as far as that can be done without running it: a small tokenizer
 * per shell splits the text into simple commands (after `;`, `&&`, `||`, `|`, newlines, inside `$( … )`, backticks,
 * blocks), drops comments and quoting, and peels off prefixes such as `sudo` or `call`; each rule then looks at one
 * command name and its arguments. Arguments are data: `echo "rm -rf /"` prints and `grep shutdown log` searches.
 * Scripts that a command hands to a shell (`sh -c '…'`, `eval`, a here-document fed to `bash`, `cmd /c`,
 * `Invoke-Expression`, `powershell -Command`) are read as scripts in their turn.
 *
 * It is a guard against accidents, not a sandbox: what is only known at run time (`$CMD`, `rm -rf "$DIR"/`, a
 * downloaded script) is out of its sight, and it would rather miss an odd spelling than cry wolf on ordinary scripts.
 */

export type DangerShell = 'posix' | 'powershell' | 'cmd';

export interface DangerRule {
  /** Stable: jobs and runs refer to it, so it is never renamed or reused. */
  id: string;
  title: string;
  /** Why it is dangerous, for the person who has to decide whether to go ahead. */
  explanation: string;
  shells: DangerShell[];
}

export interface DangerFinding {
  ruleId: string;
  title: string;
  explanation: string;
  /** 1-based line and column (UTF-16 code units) in the step's content where the command starts. */
  line: number;
  column: number;
  /** The command as written, on one line, at most EXCERPT_LENGTH characters (then `…`). */
  excerpt: string;
}

const ruleText = {
  'posix.rm-root': {
    title: 'Recursive delete of /, a home folder or a system folder',
    explanation:
      'rm -r (or find -delete) on /, /*, ~, $HOME or a folder such as /etc, /usr, /var, /boot or /home deletes the operating system or everyone\'s data; the host stops working and only a restore brings it back. A job has no terminal to answer prompts, so -r without -f is just as destructive.',
    shells: ['posix'],
  },
  'posix.mkfs': {
    title: 'Creating a file system',
    explanation: 'mkfs and mke2fs write a new, empty file system over whatever the device held; the old data is gone.',
    shells: ['posix'],
  },
  'posix.wipefs': {
    title: 'Erasing file-system signatures',
    explanation: 'wipefs -a (or -o) erases the signatures that identify file systems and partition tables, so the disk no longer mounts or boots.',
    shells: ['posix'],
  },
  'posix.disk-overwrite': {
    title: 'Writing over a disk device',
    explanation:
      'dd of=, a > redirection, tee, cp, shred, blkdiscard, sgdisk --zap-all or parted mklabel aimed at a disk such as /dev/sda or /dev/nvme0n1 overwrites the partition table and file systems below the operating system; nothing on the disk survives.',
    shells: ['posix'],
  },
  'posix.fork-bomb': {
    title: 'Fork bomb',
    explanation: 'A function that starts two copies of itself, in a pipe or in the background, fills the process table within seconds; the host stops responding, SSH included, until it is power-cycled.',
    shells: ['posix'],
  },
  'posix.chmod-root': {
    title: 'Changing permissions of / or a system folder',
    explanation: 'chmod -R on / or a system folder (or any chmod of / itself) breaks sudo, SSH and services that check permissions; there is no way back short of a reinstall.',
    shells: ['posix'],
  },
  'posix.chown-root': {
    title: 'Changing ownership of / or a system folder',
    explanation: 'chown -R or chgrp -R on / or a system folder takes setuid programs, keys and service files away from their owners; sudo and SSH stop working.',
    shells: ['posix'],
  },
  'posix.shutdown': {
    title: 'Shutting down or restarting the host',
    explanation:
      'shutdown, reboot, halt, poweroff, init/telinit 0, 1 or 6, systemctl poweroff/reboot/rescue or a write to /proc/sysrq-trigger takes the host away: everything it serves stops, the run loses its connection, and a host that does not come back needs someone at the console.',
    shells: ['posix'],
  },
  'posix.mv-root': {
    title: 'Moving /, a home folder or a system folder away',
    explanation: 'mv of /, /*, ~ or a system folder (mv /* /dev/null is the classic) pulls the operating system out from under itself, as surely as deleting it.',
    shells: ['posix'],
  },
  'posix.truncate-passwd': {
    title: 'Emptying or deleting the account database',
    explanation: 'Overwriting (>, tee, truncate, cp /dev/null) or deleting /etc/passwd, /etc/shadow, /etc/group, /etc/gshadow or /etc/sudoers removes every account, root included; nobody can log in or use sudo.',
    shells: ['posix'],
  },
  'posix.crontab-remove': {
    title: 'Removing a crontab',
    explanation: 'crontab -r deletes every scheduled job of the user at once, without a backup; it is one key away from crontab -e.',
    shells: ['posix'],
  },
  'posix.firewall-flush': {
    title: 'Flushing or disabling the firewall',
    explanation: 'iptables -F, nft flush ruleset or ufw disable/reset removes every rule at once: with a default DROP policy the host locks everyone out, SSH included; with ACCEPT it is open to the network.',
    shells: ['posix'],
  },
  'posix.userdel-root': {
    title: 'Deleting the root account',
    explanation: 'userdel or deluser of root leaves the host without its administrator account; sudo, cron and many services stop working.',
    shells: ['posix'],
  },
  'powershell.format-volume': {
    title: 'Formatting a volume',
    explanation: 'Format-Volume writes a new, empty file system over the volume; everything on it is gone.',
    shells: ['powershell'],
  },
  'powershell.clear-disk': {
    title: 'Clearing a disk',
    explanation: 'Clear-Disk removes all partitions (and with -RemoveData all data) from the disk.',
    shells: ['powershell'],
  },
  'powershell.remove-partition': {
    title: 'Removing a partition',
    explanation: 'Remove-Partition deletes the partition and everything on it; on the system disk the host no longer boots.',
    shells: ['powershell'],
  },
  'powershell.remove-item-root': {
    title: 'Recursive delete of a drive root, the profile or a system folder',
    explanation:
      'Remove-Item -Recurse (or rm, ri, del, rd, erase, rmdir) on C:\\, $env:SystemDrive, $env:SystemRoot, Program Files, Users, ~ or a registry hive deletes the operating system or everyone\'s data; only a restore brings it back.',
    shells: ['powershell'],
  },
  'powershell.stop-computer': {
    title: 'Shutting down or restarting the computer',
    explanation: 'Stop-Computer and Restart-Computer take the host (or the hosts named) away: everything it serves stops, the run loses its connection, and a host that does not come back needs someone at the console.',
    shells: ['powershell'],
  },
  'powershell.disable-netadapter': {
    title: 'Disabling every network adapter',
    explanation: 'Disable-NetAdapter for all adapters (-Name *, or everything Get-NetAdapter lists) cuts the host off the network, WinRM included; only the console can turn them back on.',
    shells: ['powershell'],
  },
  'windows.format': {
    title: 'Formatting a drive',
    explanation: 'format X: writes a new, empty file system over the drive; everything on it is gone.',
    shells: ['cmd', 'powershell'],
  },
  'windows.shutdown': {
    title: 'Shutting down or restarting Windows',
    explanation: 'shutdown /s, /r, /p, /g or /h takes the host away: everything it serves stops, the run loses its connection, and a host that does not come back needs someone at the console.',
    shells: ['cmd', 'powershell'],
  },
  'windows.diskpart': {
    title: 'Running diskpart',
    explanation: 'diskpart (interactive, with /s or with commands piped in) can clean, repartition and format disks; one wrong "select disk" erases the system disk.',
    shells: ['cmd', 'powershell'],
  },
  'windows.bcdedit-delete': {
    title: 'Deleting a boot entry',
    explanation: 'bcdedit /delete removes an entry from the boot configuration; deleting the current one leaves Windows unable to start.',
    shells: ['cmd', 'powershell'],
  },
  'cmd.rd-root': {
    title: 'Recursive delete of a drive root, the profile or a system folder',
    explanation: 'rd /s (rmdir /s) on C:\\, %SystemDrive%, %SystemRoot%, Program Files, Users or %USERPROFILE% deletes the operating system or everyone\'s data; /q only removes the last prompt.',
    shells: ['cmd'],
  },
  'cmd.del-root': {
    title: 'Recursive file delete on a drive root, the profile or a system folder',
    explanation: 'del /s (erase /s) on C:\\, %SystemDrive%, %SystemRoot%, Program Files, Users or %USERPROFILE% deletes every file below it, the operating system\'s included.',
    shells: ['cmd'],
  },
} satisfies Record<string, Omit<DangerRule, 'id'>>;

type RuleId = keyof typeof ruleText;

export const dangerRules: readonly DangerRule[] = Object.freeze(
  (Object.keys(ruleText) as RuleId[]).map((id) => ({ id, ...ruleText[id], shells: [...ruleText[id].shells] })),
);

const EXCERPT_LENGTH = 120;
// `sh -c "sh -c '…'"` and the like are read this many levels deep, no further.
const MAX_SCRIPT_NESTING = 4;
// `$( $( … ) )` deeper than this is skipped rather than read, so that no input can exhaust the stack.
const MAX_SUBSTITUTION_NESTING = 32;

type Report = (rule: RuleId, start: number, end: number) => void;

// ---------------------------------------------------------------------------------------------------------------------
// Words and sources, shared by the three tokenizers

/** How a character of a word was written: unquoted, in double quotes, literal (single quotes, escaped), or the unknown result of a substitution. */
type CharKind = 'u' | 'd' | 'l' | 'x';

interface Word {
  /** The value after quote removal; variables and substitutions keep their source text. */
  text: string;
  /** One CharKind per character of text: `$HOME` expands, `'$HOME'` does not. */
  kinds: string;
  /** Where each character of text is in the step's content. */
  map: number[];
  start: number;
  end: number;
}

/** Text to tokenize, and where each of its characters is in the step's content (they differ for a script read out of a quoted argument). */
interface Source {
  text: string;
  at: (index: number) => number;
}

class WordBuilder {
  text = '';
  kinds = '';
  readonly map: number[] = [];

  add(ch: string, kind: CharKind, at: number): void {
    this.text += ch;
    this.kinds += kind;
    this.map.push(at);
  }

  build(start: number, end: number): Word {
    return { text: this.text, kinds: this.kinds, map: this.map, start, end };
  }
}

const contentSource = (text: string): Source => ({ text, at: (i) => i });
const sliceSource = (src: Source, from: number, to: number): Source => ({ text: src.text.slice(from, to), at: (i) => src.at(from + i) });
const wordSource = (w: Word): Source => ({ text: w.text, at: (i) => w.map[i] ?? w.end });
/** Offset in the content just after the character before `index`. */
const endOf = (src: Source, index: number): number => (index > 0 ? src.at(Math.min(index, src.text.length) - 1) + 1 : src.at(0));

/** The words joined by single spaces, the way `eval`, `cmd /c` and `powershell -Command` join their arguments. */
const joinedSource = (words: readonly Word[]): Source => {
  let text = '';
  const map: number[] = [];
  words.forEach((w, k) => {
    if (k > 0) {
      text += ' ';
      map.push(words[k - 1]?.end ?? w.start);
    }
    text += w.text;
    map.push(...w.map);
  });
  const end = words.at(-1)?.end ?? 0;
  return { text, at: (i) => map[i] ?? end };
};

const sliceWord = (w: Word, from: number): Word => ({
  text: w.text.slice(from),
  kinds: w.kinds.slice(from),
  map: w.map.slice(from),
  start: w.map[from] ?? w.end,
  end: w.end,
});

const isOneOf = (ch: string, chars: string): boolean => ch !== '' && chars.includes(ch);
const isUnquoted = (w: Word | undefined, text: string): boolean => w !== undefined && w.text === text && /^u*$/.test(w.kinds);
/** A POSIX word whose value depends on a variable or a substitution. */
const hasExpansion = (w: Word): boolean => {
  for (let k = 0; k < w.text.length; k++) {
    const kind = w.kinds.charAt(k);
    if (kind === 'x' || (w.text.charAt(k) === '$' && kind !== 'l')) return true;
  }
  return false;
};

// ---------------------------------------------------------------------------------------------------------------------
// POSIX shells: tokenizer

interface RedirectToken {
  kind: 'redirect';
  op: string;
  target: Word | undefined;
  start: number;
  end: number;
  /** For `<<` and `<<-`: the here-document. */
  heredoc?: Source;
}
type PosixToken = { kind: 'word'; word: Word } | { kind: 'op'; op: string; start: number; end: number } | RedirectToken;

const POSIX_BREAK = new Set([' ', '\t', '\r', '\n', ';', '&', '|', '(', ')', '<', '>']);
const POSIX_OPERATORS = [';;&', ';;', ';&', '&&', '||', '|&', ';', '&', '|', '(', ')'];
const POSIX_REDIRECT = /^\d*(?:&>>|&>|>>|>&|>\||>|<<<|<<-|<<|<>|<&|<)/;

class PosixLexer {
  readonly tokens: PosixToken[] = [];
  private i: number;
  private depth = 0;
  private readonly heredocs: { token: RedirectToken; delimiter: string; stripTabs: boolean }[] = [];

  /**
   * `scripts` collects the token lists of what `$( … )`, backticks and `<( … )` run; `closer`: this lexer reads the
   * inside of a `$(` and stops after its `)`; `level`: how deep such substitutions are nested.
   */
  constructor(
    private readonly src: Source,
    start: number,
    private readonly scripts: PosixToken[][],
    private readonly closer: boolean,
    private readonly level: number,
  ) {
    this.i = start;
  }

  /** Reads tokens to the end of the text, or just past the closing `)`; returns where it stopped. */
  run(): number {
    const t = this.src.text;
    for (;;) {
      this.skipBlanks();
      if (this.i >= t.length) return this.i;
      const c = t.charAt(this.i);
      if (c === '#') {
        while (this.i < t.length && t.charAt(this.i) !== '\n') this.i++;
        continue;
      }
      if (c === '\n') {
        this.op('\n');
        this.readHeredocs();
        continue;
      }
      if ((c === '<' || c === '>') && t.charAt(this.i + 1) === '(') {
        this.tokens.push({ kind: 'word', word: this.word() });
        continue;
      }
      const redirect = POSIX_REDIRECT.exec(t.slice(this.i, this.i + 16));
      const op = POSIX_OPERATORS.find((o) => t.startsWith(o, this.i));
      if (redirect) this.redirect(redirect[0]);
      else if (op === ')' && this.depth === 0 && this.closer) return this.i + 1;
      else if (op !== undefined) {
        if (op === '(') this.depth++;
        if (op === ')') this.depth = Math.max(0, this.depth - 1);
        this.op(op);
      } else this.tokens.push({ kind: 'word', word: this.word() });
    }
  }

  private skipBlanks(): void {
    const t = this.src.text;
    for (;;) {
      const c = t.charAt(this.i);
      if (c === ' ' || c === '\t' || c === '\r') this.i++;
      else if (c === '\\' && t.charAt(this.i + 1) === '\n') this.i += 2;
      else if (c === '\\' && t.startsWith('\r\n', this.i + 1)) this.i += 3;
      else return;
    }
  }

  private op(op: string): void {
    this.tokens.push({ kind: 'op', op, start: this.src.at(this.i), end: endOf(this.src, this.i + op.length) });
    this.i += op.length;
  }

  private redirect(text: string): void {
    const start = this.src.at(this.i);
    this.i += text.length;
    const op = text.replace(/^\d+/, '');
    this.skipBlanks();
    const c = this.src.text.charAt(this.i);
    const target = c !== '' && !POSIX_BREAK.has(c) ? this.word() : undefined;
    const token: RedirectToken = { kind: 'redirect', op, target, start, end: target?.end ?? endOf(this.src, this.i) };
    this.tokens.push(token);
    if (target && (op === '<<' || op === '<<-')) this.heredocs.push({ token, delimiter: target.text, stripTabs: op === '<<-' });
  }

  /** After a newline: the bodies of the here-documents started on the line just ended. */
  private readHeredocs(): void {
    const t = this.src.text;
    for (const h of this.heredocs.splice(0)) {
      const bodyStart = this.i;
      let lineStart = this.i;
      for (;;) {
        if (lineStart >= t.length) {
          h.token.heredoc = sliceSource(this.src, bodyStart, t.length);
          this.i = t.length;
          break;
        }
        const newline = t.indexOf('\n', lineStart);
        const lineEnd = newline < 0 ? t.length : newline;
        const line = t.slice(lineStart, lineEnd).replace(/\r$/, '');
        if ((h.stripTabs ? line.replace(/^\t+/, '') : line) === h.delimiter) {
          h.token.heredoc = sliceSource(this.src, bodyStart, lineStart);
          this.i = Math.min(lineEnd + 1, t.length);
          break;
        }
        lineStart = lineEnd + 1;
      }
    }
  }

  private word(): Word {
    const t = this.src.text;
    const b = new WordBuilder();
    const from = this.i;
    while (this.i < t.length) {
      const c = t.charAt(this.i);
      if ((c === '<' || c === '>') && t.charAt(this.i + 1) === '(') this.substitution(b, this.i + 2);
      else if (POSIX_BREAK.has(c)) break;
      else if (c === '\\') this.escaped(b);
      else if (c === "'") this.singleQuoted(b);
      else if (c === '"') this.doubleQuoted(b);
      else if (c === '$') this.dollar(b, 'u');
      else if (c === '`') this.backquoted(b);
      else this.copy(b, 1, 'u');
    }
    // Callers start a word only at a character that is not a break, so this never fires; it keeps the loop finite.
    if (this.i === from) this.i++;
    return b.build(this.src.at(from), endOf(this.src, this.i));
  }

  private copy(b: WordBuilder, length: number, kind: CharKind): void {
    const end = Math.min(this.i + length, this.src.text.length);
    for (; this.i < end; this.i++) b.add(this.src.text.charAt(this.i), kind, this.src.at(this.i));
  }

  private escaped(b: WordBuilder): void {
    const t = this.src.text;
    const n = t.charAt(this.i + 1);
    if (n === '\n') this.i += 2;
    else if (t.startsWith('\r\n', this.i + 1)) this.i += 3;
    else if (n === '') this.i++;
    else {
      this.i++;
      this.copy(b, 1, 'l');
    }
  }

  private singleQuoted(b: WordBuilder): void {
    const t = this.src.text;
    this.i++;
    while (this.i < t.length && t.charAt(this.i) !== "'") this.copy(b, 1, 'l');
    this.i = Math.min(this.i + 1, t.length);
  }

  private doubleQuoted(b: WordBuilder): void {
    const t = this.src.text;
    this.i++;
    while (this.i < t.length) {
      const c = t.charAt(this.i);
      const n = t.charAt(this.i + 1);
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === '\\' && n === '\n') this.i += 2;
      else if (c === '\\' && isOneOf(n, '$`"\\')) {
        this.i++;
        this.copy(b, 1, 'l');
      } else if (c === '$') this.dollar(b, 'd');
      else if (c === '`') this.backquoted(b);
      else this.copy(b, 1, 'd');
    }
  }

  private dollar(b: WordBuilder, kind: 'u' | 'd'): void {
    const t = this.src.text;
    const n = t.charAt(this.i + 1);
    if (t.startsWith('$((', this.i)) this.arithmetic(b);
    else if (n === '(') this.substitution(b, this.i + 2);
    else if (n === '{') {
      let j = this.i + 2;
      for (let depth = 1; j < t.length && depth > 0; j++) {
        if (t.charAt(j) === '{') depth++;
        else if (t.charAt(j) === '}') depth--;
      }
      this.copy(b, j - this.i, kind);
    } else if (kind === 'u' && n === "'") {
      // $'…': backslash escapes, otherwise literal
      this.i += 2;
      while (this.i < t.length && t.charAt(this.i) !== "'") {
        if (t.charAt(this.i) === '\\' && this.i + 1 < t.length) this.i++;
        this.copy(b, 1, 'l');
      }
      this.i = Math.min(this.i + 1, t.length);
    } else if (kind === 'u' && n === '"') {
      this.i++;
      this.doubleQuoted(b);
    } else {
      const name = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-])/.exec(t.slice(this.i + 1, this.i + 256));
      this.copy(b, 1 + (name?.[0].length ?? 0), kind);
    }
  }

  private arithmetic(b: WordBuilder): void {
    const t = this.src.text;
    let j = this.i + 3;
    for (let depth = 0; j < t.length; j++) {
      const c = t.charAt(j);
      if (c === '(') depth++;
      else if (c === ')' && depth > 0) depth--;
      else if (c === ')') {
        j += t.charAt(j + 1) === ')' ? 2 : 1;
        break;
      }
    }
    this.copy(b, j - this.i, 'x');
  }

  /** `$(`, `<(` or `>(` at this.i, its script starting at bodyFrom: read as a script of its own, its value unknown. */
  private substitution(b: WordBuilder, bodyFrom: number): void {
    let end: number;
    if (this.level < MAX_SUBSTITUTION_NESTING) {
      const inner = new PosixLexer(this.src, bodyFrom, this.scripts, true, this.level + 1);
      end = inner.run();
      this.scripts.push(inner.tokens);
    } else {
      end = bodyFrom;
      for (let depth = 0; end < this.src.text.length && depth >= 0; end++) {
        if (this.src.text.charAt(end) === '(') depth++;
        else if (this.src.text.charAt(end) === ')') depth--;
      }
    }
    this.copy(b, end - this.i, 'x');
  }

  private backquoted(b: WordBuilder): void {
    const t = this.src.text;
    let j = this.i + 1;
    let text = '';
    const map: number[] = [];
    while (j < t.length && t.charAt(j) !== '`') {
      if (t.charAt(j) === '\\' && isOneOf(t.charAt(j + 1), '`$\\')) j++;
      text += t.charAt(j);
      map.push(this.src.at(j));
      j++;
    }
    const end = Math.min(j + 1, t.length);
    if (this.level < MAX_SUBSTITUTION_NESTING) {
      const closing = endOf(this.src, end);
      const inner = new PosixLexer({ text, at: (k) => map[k] ?? closing }, 0, this.scripts, false, this.level + 1);
      inner.run();
      this.scripts.push(inner.tokens);
    }
    this.copy(b, end - this.i, 'x');
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// POSIX shells: simple commands

interface PosixCommand {
  words: Word[];
  redirects: RedirectToken[];
  start: number;
  end: number;
  /** Index of its first token, to tell which function body it is in. */
  index: number;
  /** The command before it in a pipeline: what feeds `xargs` or `sh`. */
  pipeIn: PosixCommand | undefined;
  pipedOut: boolean;
  background: boolean;
}

interface FunctionDef {
  name: string;
  start: number;
  end: number;
  /** Token indexes of the body, from its `{` or `(` to the matching `}` or `)`. */
  from: number;
  to: number;
}

// Words that open or continue a compound command; the simple command starts after them.
const RESERVED = new Set(['!', '{', '}', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', 'fi', 'done', 'esac']);

const isOp = (tok: PosixToken | undefined, op: string): boolean => tok?.kind === 'op' && tok.op === op;
const tokenEnd = (tok: PosixToken): number => (tok.kind === 'word' ? tok.word.end : tok.end);
const withoutReserved = (words: readonly Word[]): Word[] => {
  let k = 0;
  for (let w = words[k]; w && RESERVED.has(w.text) && /^u*$/.test(w.kinds); w = words[k]) k++;
  return words.slice(k);
};

/**
 * Splits tokens into simple commands at operators and newlines, keeping what a rule needs of the structure around
 * them: pipelines, `&`, function bodies. `case` patterns (`stop)`, `reboot)`) are skipped, not taken for commands.
 */
const buildPosix = (tokens: readonly PosixToken[]): { commands: PosixCommand[]; functions: FunctionDef[] } => {
  const commands: PosixCommand[] = [];
  const functions: FunctionDef[] = [];
  const cases: { inPattern: boolean }[] = [];
  let current: PosixCommand | undefined;
  let pipeFrom: PosixCommand | undefined;

  const finish = (how: 'pipe' | 'background' | 'end'): void => {
    // Nothing to finish: `a |`, a newline, then `b` is still one pipeline.
    if (current === undefined) return;
    current.pipedOut = how === 'pipe';
    current.background = how === 'background';
    commands.push(current);
    pipeFrom = how === 'pipe' ? current : undefined;
    current = undefined;
  };
  const open = (index: number, start: number): PosixCommand =>
    (current ??= { words: [], redirects: [], start, end: start, index, pipeIn: pipeFrom, pipedOut: false, background: false });

  /** Records the function `name`, defined from `start`, whose body follows tokens[k] (after an optional `()` and newlines); returns the body's index. */
  const define = (name: Word, start: number, k: number): number => {
    let from = k;
    if (isOp(tokens[from], '(') && isOp(tokens[from + 1], ')')) from += 2;
    while (isOp(tokens[from], '\n')) from++;
    const first = tokens[from];
    const braces = first?.kind === 'word';
    const opens = (tok: PosixToken | undefined) => (braces ? tok?.kind === 'word' && isUnquoted(tok.word, '{') : isOp(tok, '('));
    const closes = (tok: PosixToken | undefined) => (braces ? tok?.kind === 'word' && isUnquoted(tok.word, '}') : isOp(tok, ')'));
    let to = from;
    if (opens(first)) {
      for (let depth = 0; to < tokens.length; to++) {
        if (opens(tokens[to])) depth++;
        else if (closes(tokens[to]) && --depth === 0) break;
      }
    }
    const last = tokens[Math.min(to, tokens.length - 1)];
    functions.push({ name: name.text, start, end: last ? tokenEnd(last) : name.end, from, to });
    return from;
  };

  let k = 0;
  while (k < tokens.length) {
    const tok = tokens[k];
    if (tok === undefined) break;
    const kase = cases.at(-1);
    if (kase?.inPattern) {
      if (tok.kind === 'word' && isUnquoted(tok.word, 'esac')) cases.pop();
      else if (isOp(tok, ')')) kase.inPattern = false;
      k++;
      continue;
    }
    if (tok.kind === 'word') {
      if (current === undefined && kase && isUnquoted(tok.word, 'esac')) {
        cases.pop();
        k++;
        continue;
      }
      const command = open(k, tok.word.start);
      command.words.push(tok.word);
      command.end = tok.word.end;
      const lead = withoutReserved(command.words);
      const [keyword, name, third] = lead;
      if (lead.length === 3 && isUnquoted(keyword, 'case') && isUnquoted(third, 'in')) {
        current = undefined;
        cases.push({ inPattern: true });
      } else if (lead.length === 2 && keyword && name && isUnquoted(keyword, 'function')) {
        current = undefined;
        k = define(name, keyword.start, k + 1);
        continue;
      }
      k++;
      continue;
    }
    if (tok.kind === 'redirect') {
      const command = open(k, tok.start);
      command.redirects.push(tok);
      command.end = tok.end;
      k++;
      continue;
    }
    const name = current?.words[0];
    if (tok.op === '(' && name && current?.words.length === 1 && current.redirects.length === 0 && isOp(tokens[k + 1], ')')) {
      current = undefined;
      k = define(name, name.start, k);
      continue;
    }
    if (tok.op === '|' || tok.op === '|&') finish('pipe');
    else if (tok.op === '&') finish('background');
    else {
      finish('end');
      if (kase && (tok.op === ';;' || tok.op === ';&' || tok.op === ';;&')) kase.inPattern = true;
    }
    k++;
  }
  finish('end');
  return { commands, functions };
};

// ---------------------------------------------------------------------------------------------------------------------
// POSIX shells: paths and options

/** A path the guard could resolve: absolute, or relative to the home folder (`~`, `$HOME`). */
interface PosixPath {
  home: boolean;
  segments: string[];
}

// Top-level folders whose loss breaks the system or destroys everyone's data; /tmp, /mnt and /media are not among them.
const SYSTEM_FOLDERS = new Set(['bin', 'boot', 'dev', 'etc', 'home', 'lib', 'lib32', 'lib64', 'libx32', 'opt', 'proc', 'root', 'run', 'sbin', 'snap', 'srv', 'sys', 'usr', 'var']);
const SYSTEM_SUBFOLDERS = new Set(['usr/bin', 'usr/sbin', 'usr/lib', 'usr/lib32', 'usr/lib64', 'usr/libexec', 'usr/local', 'usr/share', 'usr/include', 'var/lib']);
const ACCOUNT_FILES = new Set(['etc/passwd', 'etc/shadow', 'etc/group', 'etc/gshadow', 'etc/sudoers']);
const BLOCK_DEVICE =
  /^\/dev\/(?:(?:s|h|v|xv)d[a-z*?]+\d*|nvme\d+n\d+(?:p\d+)?|mmcblk\d+(?:p\d+)?|r?disk\d+(?:s\d+)?|md\d+(?:p\d+)?|dm-\d+|mapper\/.+|disk\/by-[a-z-]+\/.+)$/;

/**
 * Where a word points, or undefined when that depends on something unknown: a variable other than HOME, a
 * substitution, a glob other than a final `*`, a relative path while the working directory is unknown. A final `*`
 * stands for the folder itself: deleting everything in `/` is as bad as deleting `/`.
 */
const resolvePosixPath = (w: Word, cwd: PosixPath | undefined): PosixPath | undefined => {
  let base: PosixPath;
  let from = 0;
  const home = /^(?:~[A-Za-z0-9._-]*|\$HOME|\$\{HOME\})(?=\/|$)/.exec(w.text);
  if (home && (w.text.startsWith('~') ? w.kinds.charAt(0) === 'u' : w.kinds.charAt(0) !== 'l')) {
    base = { home: true, segments: [] };
    from = home[0].length;
  } else if (w.text.startsWith('/')) base = { home: false, segments: [] };
  else if (cwd) base = cwd;
  else return undefined;
  const rest = sliceWord(w, from);
  if (hasExpansion(rest)) return undefined;

  const parts: { text: string; glob: boolean }[] = [{ text: '', glob: false }];
  for (let k = 0; k < rest.text.length; k++) {
    const ch = rest.text.charAt(k);
    const part = parts.at(-1);
    if (ch === '/') parts.push({ text: '', glob: false });
    else if (part) {
      part.text += ch;
      part.glob ||= isOneOf(ch, '*?[') && rest.kinds.charAt(k) === 'u';
    }
  }
  const named = parts.filter((p) => p.text !== '' && p.text !== '.');
  const segments = [...base.segments];
  let inHome = base.home;
  for (const [k, part] of named.entries()) {
    if (part.glob) {
      if (part.text === '*' && k === named.length - 1) break;
      return undefined;
    }
    if (part.text !== '..') segments.push(part.text);
    else if (segments.length > 0) segments.pop();
    else if (inHome) {
      // ~/.. is the folder that holds the home folders
      inHome = false;
      segments.push('home');
    }
  }
  return { home: inHome, segments };
};

const isProtectedPath = (p: PosixPath): boolean => {
  if (p.home || p.segments.length === 0) return p.segments.length === 0;
  const joined = p.segments.join('/');
  return p.segments.length === 1 ? SYSTEM_FOLDERS.has(joined) : SYSTEM_SUBFOLDERS.has(joined);
};
const isRootPath = (p: PosixPath | undefined): boolean => p !== undefined && !p.home && p.segments.length === 0;
const isBlockDevice = (w: Word): boolean => w.text.startsWith('/dev/') && (BLOCK_DEVICE.test(w.text) || hasExpansion(sliceWord(w, 5)));

interface Options {
  /** Short flags as letters (`r`), long ones with their dashes (`--recursive`). */
  flags: Set<string>;
  values: Map<string, Word[]>;
  operands: Word[];
}

/**
 * GNU-style options: `-abc` is three flags, `--name[=value]`, `--` ends the options. `takesValue` lists the flags
 * (`u`, `--user`) that take a value, attached (`-uroot`, `--user=root`) or as the next word. Options may follow
 * operands, as GNU getopt allows, unless `stopAtFirstOperand`: for a prefix such as `sudo` the first operand starts
 * the command it runs.
 */
const parseOptions = (args: readonly Word[], takesValue: readonly string[] = [], stopAtFirstOperand = false): Options => {
  const flags = new Set<string>();
  const values = new Map<string, Word[]>();
  const operands: Word[] = [];
  const setValue = (flag: string, w: Word) => values.set(flag, [...(values.get(flag) ?? []), w]);
  for (let k = 0; k < args.length; k++) {
    const w = args[k];
    if (w === undefined) break;
    const t = w.text;
    if (t === '--') {
      operands.push(...args.slice(k + 1));
      break;
    }
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      const name = eq < 0 ? t : t.slice(0, eq);
      flags.add(name);
      const next = args[k + 1];
      if (eq >= 0) setValue(name, sliceWord(w, eq + 1));
      else if (takesValue.includes(name) && next) {
        setValue(name, next);
        k++;
      }
    } else if (t.startsWith('-') && t.length > 1) {
      for (let c = 1; c < t.length; c++) {
        const flag = t.charAt(c);
        flags.add(flag);
        if (!takesValue.includes(flag)) continue;
        const next = args[k + 1];
        if (c + 1 < t.length) setValue(flag, sliceWord(w, c + 1));
        else if (next) {
          setValue(flag, next);
          k++;
        }
        break;
      }
    } else if (stopAtFirstOperand) {
      operands.push(...args.slice(k));
      break;
    } else operands.push(w);
  }
  return { flags, values, operands };
};

const hasAny = (o: Options, ...flags: string[]): boolean => flags.some((f) => o.flags.has(f));

// ---------------------------------------------------------------------------------------------------------------------
// POSIX shells: prefixes

interface Wrapper {
  takesValue: readonly string[];
  /** False when these options make the prefix not run its operands (`command -v rm`, `sudo -l rm`). */
  runs?: (o: Options) => boolean;
}

// Commands that run the command in their operands: the rules look through them.
const WRAPPERS = new Map<string, Wrapper>([
  [
    'sudo',
    {
      takesValue: ['u', 'g', 'h', 'p', 'C', 'T', 'r', 't', 'U', 'D', '--user', '--group', '--host', '--prompt', '--close-from', '--command-timeout', '--role', '--type', '--other-user', '--chdir'],
      runs: (o) => !hasAny(o, 'e', 'l', 'V', '--edit', '--list', '--version'),
    },
  ],
  ['doas', { takesValue: ['u', 'C'] }],
  ['env', { takesValue: ['u', 'C', '--unset', '--chdir'] }],
  ['nohup', { takesValue: [] }],
  ['exec', { takesValue: ['a'] }],
  ['command', { takesValue: [], runs: (o) => !hasAny(o, 'v', 'V') }],
  ['builtin', { takesValue: [] }],
  ['time', { takesValue: ['f', 'o', '--format', '--output'] }],
  ['nice', { takesValue: ['n', '--adjustment'] }],
  ['ionice', { takesValue: ['c', 'n', 'p', 'P', 'u', '--class', '--classdata', '--pid', '--pgid', '--uid'] }],
  ['timeout', { takesValue: ['s', 'k', '--signal', '--kill-after'] }],
  ['stdbuf', { takesValue: ['i', 'o', 'e', '--input', '--output', '--error'] }],
  ['setsid', { takesValue: [] }],
  ['busybox', { takesValue: [] }],
  ['xargs', { takesValue: ['I', 'n', 'P', 'L', 's', 'd', 'E', 'a', '--max-args', '--max-procs', '--max-lines', '--max-chars', '--delimiter', '--eof', '--arg-file', '--replace'] }],
]);

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=/;
const isAssignment = (w: Word): boolean => {
  const m = ASSIGNMENT.exec(w.text);
  return m !== null && /^u*$/.test(w.kinds.slice(0, m[0].length));
};
/** `/usr/bin/rm` runs `rm`. */
const posixName = (text: string): string => text.slice(text.lastIndexOf('/') + 1);

interface Invocation {
  name: string;
  args: Word[];
  /** Run by xargs: more operands come from the command piped in. */
  viaXargs: boolean;
}

/** The command a simple command runs, after reserved words, assignments and prefixes; undefined when it runs none or its name is not known until run time. */
const unwrapPosix = (words: readonly Word[]): Invocation | undefined => {
  let rest = [...words];
  let viaXargs = false;
  for (;;) {
    rest = withoutReserved(rest);
    while (rest[0] && isAssignment(rest[0])) rest = rest.slice(1);
    const first = rest[0];
    if (first === undefined || hasExpansion(first)) return undefined;
    const name = posixName(first.text);
    const wrapper = WRAPPERS.get(name);
    if (wrapper === undefined) return { name, args: rest.slice(1), viaXargs };
    const o = parseOptions(rest.slice(1), wrapper.takesValue, true);
    if (wrapper.runs && !wrapper.runs(o)) return undefined;
    // timeout's first operand is the duration
    rest = name === 'timeout' ? o.operands.slice(1) : o.operands;
    viaXargs ||= name === 'xargs';
  }
};

// ---------------------------------------------------------------------------------------------------------------------
// POSIX shells: rules

interface PosixContext {
  command: PosixCommand;
  cwd: PosixPath | undefined;
  hit: (rule: RuleId) => void;
  /** Reads a script that this command hands to a shell. */
  nested: (shell: DangerShell, source: Source) => void;
  isProtected: (w: Word) => boolean;
  isAccountFile: (w: Word) => boolean;
}
type PosixCheck = (inv: Invocation, x: PosixContext) => void;

const isProtectedWord = (w: Word, cwd: PosixPath | undefined): boolean => {
  const p = resolvePosixPath(w, cwd);
  return p !== undefined && isProtectedPath(p);
};

// Tests that make a find pick some files rather than everything under its start (-type alone does not).
const FIND_NARROWING = new Set([
  '-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-lname', '-ilname', '-mtime', '-mmin',
  '-atime', '-amin', '-ctime', '-cmin', '-newer', '-anewer', '-cnewer', '-newermt', '-newerct', '-newerat', '-used', '-size',
  '-user', '-group', '-uid', '-gid', '-nouser', '-nogroup', '-perm', '-empty', '-links', '-inum', '-samefile', '-fstype',
]);
const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

const parseFind = (args: readonly Word[]): { starts: Word[]; expression: Word[] } => {
  let k = 0;
  for (let t = args[k]?.text; t !== undefined && /^-(?:[HLP]|D|O\d*)$/.test(t); t = args[k]?.text) k += t === '-D' ? 2 : 1;
  const starts: Word[] = [];
  for (let w = args[k]; w !== undefined && !/^[-(!]/.test(w.text); w = args[k]) {
    starts.push(w);
    k++;
  }
  return { starts, expression: args.slice(k) };
};

/** A find over `/`, a home or a system folder that does not narrow what it finds. */
const findsEverything = (args: readonly Word[], cwd: PosixPath | undefined): boolean => {
  const { starts, expression } = parseFind(args);
  const everything = starts.length === 0 ? cwd !== undefined && isProtectedPath(cwd) : starts.some((w) => isProtectedWord(w, cwd));
  return everything && !expression.some((w) => FIND_NARROWING.has(w.text));
};

/** Whether the command piped into xargs lists `/`, a home or a system folder (`echo / | xargs rm -rf`). */
const listsProtectedPaths = (command: PosixCommand | undefined, cwd: PosixPath | undefined): boolean => {
  const inv = command && unwrapPosix(command.words);
  if (inv === undefined) return false;
  if (inv.name === 'find') return findsEverything(inv.args, cwd);
  return ['ls', 'echo', 'printf'].includes(inv.name) && parseOptions(inv.args).operands.some((w) => isProtectedWord(w, cwd));
};

const checkRm: PosixCheck = (inv, x) => {
  const o = parseOptions(inv.args);
  const recursive = hasAny(o, 'r', 'R', '--recursive');
  const target = o.operands.some(x.isProtected) || (inv.viaXargs && listsProtectedPaths(x.command.pipeIn, x.cwd));
  // --no-preserve-root exists only to delete `/`: whatever the operand looks like, that is the intent.
  if (recursive && (target || o.flags.has('--no-preserve-root'))) x.hit('posix.rm-root');
  if (o.operands.some(x.isAccountFile)) x.hit('posix.truncate-passwd');
};

const checkFind: PosixCheck = (inv, x) => {
  const { expression } = parseFind(inv.args);
  const deletes = expression.some((w, k) => w.text === '-delete' || (FIND_EXEC.has(w.text) && posixName(expression[k + 1]?.text ?? '') === 'rm'));
  if (deletes && findsEverything(inv.args, x.cwd)) x.hit('posix.rm-root');
};

const checkMv: PosixCheck = (inv, x) => {
  const o = parseOptions(inv.args, ['t', 'S', '--target-directory', '--suffix']);
  const sources = hasAny(o, 't', '--target-directory') ? o.operands : o.operands.slice(0, -1);
  if (sources.some(x.isProtected)) x.hit('posix.mv-root');
  if (sources.some(x.isAccountFile)) x.hit('posix.truncate-passwd');
};

const checkCp: PosixCheck = (inv, x) => {
  const o = parseOptions(inv.args, ['t', 'S', '--target-directory', '--suffix']);
  const directory = o.values.get('t') ?? o.values.get('--target-directory');
  const target = directory?.[0] ?? o.operands.at(-1);
  const sources = directory ? o.operands : o.operands.slice(0, -1);
  if (target && isBlockDevice(target)) x.hit('posix.disk-overwrite');
  if (target && x.isAccountFile(target) && sources.some((w) => w.text === '/dev/null')) x.hit('posix.truncate-passwd');
};

const checkTee: PosixCheck = (inv, x) => {
  const o = parseOptions(inv.args);
  if (o.operands.some(isBlockDevice)) x.hit('posix.disk-overwrite');
  if (!hasAny(o, 'a', '--append') && o.operands.some(x.isAccountFile)) x.hit('posix.truncate-passwd');
};

const checkTruncate: PosixCheck = (inv, x) => {
  if (parseOptions(inv.args, ['s', 'r', 'o', '--size', '--reference']).operands.some(x.isAccountFile)) x.hit('posix.truncate-passwd');
};

const checkDd: PosixCheck = (inv, x) => {
  if (inv.args.some((w) => w.text.startsWith('of=') && isBlockDevice(sliceWord(w, 3)))) x.hit('posix.disk-overwrite');
};

const erasesDevice =
  (takesValue: readonly string[]): PosixCheck =>
  (inv, x) => {
    if (parseOptions(inv.args, takesValue).operands.some(isBlockDevice)) x.hit('posix.disk-overwrite');
  };

const checkWipefs: PosixCheck = (inv, x) => {
  // Without -a or -o wipefs only lists the signatures.
  if (hasAny(parseOptions(inv.args, ['o', 't', 'O', '--offset', '--types', '--output']), 'a', 'o', '--all', '--offset')) x.hit('posix.wipefs');
};

/** chmod, chown and chgrp: recursive on a protected folder, or on `/` itself at all. */
const changesOwnershipOrMode =
  (rule: 'posix.chmod-root' | 'posix.chown-root'): PosixCheck =>
  (inv, x) => {
    let recursive = false;
    let reference = false;
    let optionsDone = false;
    const operands: Word[] = [];
    for (const w of inv.args) {
      const t = w.text;
      if (optionsDone) operands.push(w);
      else if (t === '--') optionsDone = true;
      else if (t.startsWith('--')) {
        recursive ||= t === '--recursive';
        reference ||= t.startsWith('--reference');
      } else if (/^-[RcfvhHLP]+$/.test(t)) recursive ||= t.includes('R');
      // anything else, `-w` included, is the mode or owner, or a file
      else operands.push(w);
    }
    const files = reference ? operands : operands.slice(1);
    const hits = files.some((w) => {
      const p = resolvePosixPath(w, x.cwd);
      return p !== undefined && (isRootPath(p) || (recursive && isProtectedPath(p)));
    });
    if (hits) x.hit(rule);
  };

const POWER_VERBS = new Set(['poweroff', 'reboot', 'halt', 'kexec', 'soft-reboot', 'rescue', 'emergency']);
const POWER_TARGETS = new Set(['poweroff', 'reboot', 'halt', 'kexec', 'soft-reboot', 'rescue', 'emergency', 'runlevel0', 'runlevel1', 'runlevel6']);
const SYSTEMCTL_VALUES = ['H', 'M', 't', 'p', 's', 'n', 'o', '--host', '--machine', '--type', '--property', '--signal', '--lines', '--output', '--root', '--kill-whom', '--job-mode', '--state', '--what', '--when'];

const checkShutdown: PosixCheck = (inv, x) => {
  // -c cancels a pending shutdown, -k only warns the users
  if (!hasAny(parseOptions(inv.args), 'c', 'k', '--cancel', '--help')) x.hit('posix.shutdown');
};
const checkReboot: PosixCheck = (inv, x) => {
  if (!parseOptions(inv.args).flags.has('--help')) x.hit('posix.shutdown');
};
const checkInit: PosixCheck = (inv, x) => {
  if (['0', '1', '6', 's', 'S'].includes(parseOptions(inv.args).operands[0]?.text ?? '')) x.hit('posix.shutdown');
};
const checkSystemctl: PosixCheck = (inv, x) => {
  const [verb, ...units] = parseOptions(inv.args, SYSTEMCTL_VALUES).operands.map((w) => w.text);
  const target = (unit: string) => POWER_TARGETS.has(unit.replace(/\.target$/, ''));
  if ((verb !== undefined && POWER_VERBS.has(verb)) || ((verb === 'isolate' || verb === 'start') && units.some(target))) x.hit('posix.shutdown');
};

const checkCrontab: PosixCheck = (inv, x) => {
  if (hasAny(parseOptions(inv.args, ['u']), 'r', '--remove')) x.hit('posix.crontab-remove');
};
const checkIptables: PosixCheck = (inv, x) => {
  if (inv.args.some((w) => w.text === '-F' || w.text === '--flush')) x.hit('posix.firewall-flush');
};
const checkNft: PosixCheck = (inv, x) => {
  // `nft flush ruleset`, or the same as one argument
  if (/(?:^|[\s;])flush\s+ruleset\b/.test(inv.args.map((w) => w.text).join(' '))) x.hit('posix.firewall-flush');
};
const checkUfw: PosixCheck = (inv, x) => {
  const verb = parseOptions(inv.args).operands[0]?.text;
  if (verb === 'disable' || verb === 'reset') x.hit('posix.firewall-flush');
};
const checkUserdel: PosixCheck = (inv, x) => {
  const o = parseOptions(inv.args, ['R', 'P', '--root', '--prefix', '--conf', '--backup-to']);
  if (o.operands.some((w) => w.text === 'root')) x.hit('posix.userdel-root');
};

/** A shell reading its commands from stdin: a here-document, a here-string, or what echo or printf pipe in. */
const readStdinScript = (x: PosixContext): void => {
  for (const r of x.command.redirects) {
    if (r.heredoc) x.nested('posix', r.heredoc);
    else if (r.op === '<<<' && r.target) x.nested('posix', wordSource(r.target));
  }
  const feeder = x.command.pipeIn && unwrapPosix(x.command.pipeIn.words);
  if (feeder?.name === 'echo' || feeder?.name === 'printf') x.nested('posix', joinedSource(feeder.args.filter((w) => !/^-[neE]+$/.test(w.text))));
};

const checkShell: PosixCheck = (inv, x) => {
  const { args } = inv;
  let command = false;
  let k = 0;
  for (; k < args.length; k++) {
    const t = args[k]?.text ?? '';
    if (t === '--' || t === '-') {
      k++;
      break;
    }
    if (['-o', '+o', '-O', '+O', '--rcfile', '--init-file'].includes(t)) k++;
    else if (!/^[-+]/.test(t)) break;
    else command ||= /^-[A-Za-z]*c/.test(t);
  }
  const script = args[k];
  if (command && script) x.nested('posix', wordSource(script));
  else if (!command && script === undefined) readStdinScript(x);
};

const checkSu: PosixCheck = (inv, x) => {
  const o = parseOptions(inv.args, ['c', 's', 'g', 'G', 'w', '--command', '--shell', '--group', '--supp-group', '--whitelist-environment']);
  for (const script of [...(o.values.get('c') ?? []), ...(o.values.get('--command') ?? [])]) x.nested('posix', wordSource(script));
};

const checkAt: PosixCheck = (inv, x) => {
  if (!parseOptions(inv.args, ['f', 'q', 't', 'M']).flags.has('f')) readStdinScript(x);
};

const MKFS = /^(?:mkfs(?:\.(?:ext[234]|xfs|btrfs|vfat|fat|msdos|ntfs|exfat|f2fs|minix|cramfs|bfs|jfs|reiserfs|nilfs2|hfs|hfsplus|udf|ocfs2|gfs2))?|mke2fs|mkdosfs|mkntfs|mkexfatfs)$/;

const posixChecks = new Map<string, PosixCheck>([
  ['rm', checkRm],
  ['find', checkFind],
  ['mv', checkMv],
  ['cp', checkCp],
  ['tee', checkTee],
  ['truncate', checkTruncate],
  ['dd', checkDd],
  ['shred', erasesDevice(['n', 's', '--iterations', '--size', '--random-source'])],
  ['blkdiscard', erasesDevice(['o', 'l', 'p', '--offset', '--length', '--step'])],
  [
    'sgdisk',
    (inv, x) => {
      if (inv.args.some((w) => ['-Z', '-z', '-o', '--zap', '--zap-all', '--clear'].includes(w.text))) x.hit('posix.disk-overwrite');
    },
  ],
  [
    'parted',
    (inv, x) => {
      if (inv.args.some((w) => w.text === 'mklabel' || w.text === 'mktable')) x.hit('posix.disk-overwrite');
    },
  ],
  ['wipefs', checkWipefs],
  ['chmod', changesOwnershipOrMode('posix.chmod-root')],
  ['chown', changesOwnershipOrMode('posix.chown-root')],
  ['chgrp', changesOwnershipOrMode('posix.chown-root')],
  ['shutdown', checkShutdown],
  ['reboot', checkReboot],
  ['halt', checkReboot],
  ['poweroff', checkReboot],
  ['init', checkInit],
  ['telinit', checkInit],
  ['systemctl', checkSystemctl],
  ['crontab', checkCrontab],
  ['nft', checkNft],
  ['ufw', checkUfw],
  ['userdel', checkUserdel],
  ['deluser', checkUserdel],
  ['eval', (inv, x) => { x.nested('posix', joinedSource(inv.args)); }],
  ['su', checkSu],
  ['runuser', checkSu],
  ['at', checkAt],
  ['batch', checkAt],
  ...['iptables', 'ip6tables', 'iptables-legacy', 'iptables-nft', 'ip6tables-legacy', 'ip6tables-nft'].map((n): [string, PosixCheck] => [n, checkIptables]),
  ...['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh'].map((n): [string, PosixCheck] => [n, checkShell]),
]);

const WRITES = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);
const TRUNCATES = new Set(['>', '>|', '&>']);

const checkRedirect = (r: RedirectToken, x: PosixContext): void => {
  if (r.target === undefined || !WRITES.has(r.op)) return;
  if (isBlockDevice(r.target)) x.hit('posix.disk-overwrite');
  if (TRUNCATES.has(r.op) && x.isAccountFile(r.target)) x.hit('posix.truncate-passwd');
  const p = resolvePosixPath(r.target, x.cwd);
  if (p && !p.home && p.segments.join('/') === 'proc/sysrq-trigger') x.hit('posix.shutdown');
};

/** `cd` as far as it can be followed, so that `cd / && rm -rf *` is seen for what it is. */
const changeDirectory = (args: readonly Word[], cwd: PosixPath | undefined): PosixPath | undefined => {
  const target = parseOptions(args).operands[0];
  if (target === undefined) return { home: true, segments: [] };
  return target.text === '-' ? undefined : resolvePosixPath(target, cwd);
};

/** Checks one command; returns the working directory for the commands after it. */
const checkPosixCommand = (command: PosixCommand, cwd: PosixPath | undefined, report: Report, depth: number): PosixPath | undefined => {
  const x: PosixContext = {
    command,
    cwd,
    hit: (rule) => {
      report(rule, command.start, command.end);
    },
    nested: (shell, source) => {
      analyse(shell, source, report, depth + 1, cwd);
    },
    isProtected: (w) => isProtectedWord(w, cwd),
    isAccountFile: (w) => {
      const p = resolvePosixPath(w, cwd);
      return p !== undefined && !p.home && ACCOUNT_FILES.has(p.segments.join('/'));
    },
  };
  for (const r of command.redirects) checkRedirect(r, x);
  const inv = unwrapPosix(command.words);
  if (inv === undefined) return cwd;
  if (inv.name === 'cd' || inv.name === 'pushd') return changeDirectory(inv.args, cwd);
  if (MKFS.test(inv.name)) x.hit('posix.mkfs');
  else posixChecks.get(inv.name)?.(inv, x);
  return cwd;
};

/** Two or more argument-less calls of a function to itself in its own body, one of them piped or in the background. */
const checkForkBombs = (commands: readonly PosixCommand[], functions: readonly FunctionDef[], report: Report): void => {
  for (const f of functions) {
    const calls = commands.filter((c) => {
      const words = withoutReserved(c.words);
      return c.index >= f.from && c.index <= f.to && words.length === 1 && words[0]?.text === f.name;
    });
    if (calls.length >= 2 && calls.some((c) => c.pipedOut || c.pipeIn !== undefined || c.background)) report('posix.fork-bomb', f.start, f.end);
  }
};

const analysePosix = (src: Source, report: Report, depth: number, cwd: PosixPath | undefined): void => {
  const scripts: PosixToken[][] = [];
  const lexer = new PosixLexer(src, 0, scripts, false, 0);
  lexer.run();
  for (const tokens of [lexer.tokens, ...scripts]) {
    const { commands, functions } = buildPosix(tokens);
    let dir = cwd;
    for (const command of commands) dir = checkPosixCommand(command, dir, report, depth);
    checkForkBombs(commands, functions, report);
  }
};

// ---------------------------------------------------------------------------------------------------------------------
// Windows paths, shared by PowerShell and cmd

const WINDOWS_VARIABLES = new Map([
  ['systemdrive', 'c:'],
  ['homedrive', 'c:'],
  ['systemroot', 'c:\\windows'],
  ['windir', 'c:\\windows'],
  ['programfiles', 'c:\\program files'],
  ['programfiles(x86)', 'c:\\program files (x86)'],
  ['programw6432', 'c:\\program files'],
  ['programdata', 'c:\\programdata'],
  ['allusersprofile', 'c:\\programdata'],
  ['userprofile', '~'],
]);
const WINDOWS_SYSTEM_FOLDERS = new Set(['windows', 'program files', 'program files (x86)', 'programdata', 'users', 'boot', 'recovery']);
const WINDOWS_SYSTEM_SUBFOLDERS = new Set(['windows\\system32', 'windows\\syswow64', 'windows\\winsxs']);
const REGISTRY_DRIVES = new Set(['hklm', 'hkcu', 'hkcr', 'hku', 'hkcc']);

/**
 * A drive root (`C:\`, `D:`, `\`, `C:\*`), a system folder, the user profile (`~`), or a registry hive or its first
 * level (`HKLM:\SOFTWARE`); variables are expanded by the caller. Drive letters are not told apart: a data drive's
 * root is as much worth a confirmation as the system drive's.
 */
const isProtectedWindowsPath = (path: string | undefined): boolean => {
  if (path === undefined) return false;
  const p = path.trim().toLowerCase().replaceAll('/', '\\').replace(/^(?:microsoft\.powershell\.core\\)?filesystem::/, '');
  let root: 'home' | 'registry' | 'drive';
  let rest: string;
  const drive = /^([a-z]+):/.exec(p);
  if (/^~(?:\\|$)/.test(p)) {
    root = 'home';
    rest = p.slice(1);
  } else if (drive) {
    const name = drive[1] ?? '';
    if (name.length === 1) root = 'drive';
    else if (REGISTRY_DRIVES.has(name)) root = 'registry';
    else return false;
    rest = p.slice(drive[0].length);
  } else if (/^\\(?!\\)/.test(p)) {
    root = 'drive';
    rest = p;
  } else return false;

  const parts = rest.split('\\').filter((s) => s !== '' && s !== '.');
  const segments: string[] = [];
  for (const [k, part] of parts.entries()) {
    if (part === '..') segments.pop();
    else if (part === '*' || part === '*.*') {
      if (k !== parts.length - 1) return false;
    } else if (/[*?]/.test(part)) return false;
    else segments.push(part);
  }
  if (root === 'home') return segments.length === 0;
  if (root === 'registry') return segments.length <= 1;
  if (segments.length === 0) return true;
  return segments.length === 1 ? WINDOWS_SYSTEM_FOLDERS.has(segments.join('\\')) : WINDOWS_SYSTEM_SUBFOLDERS.has(segments.join('\\'));
};

/** `C:\Windows\System32\shutdown.exe` and `Storage\Format-Volume` by the name they run under, lower-case. */
const windowsName = (text: string): string =>
  text
    .toLowerCase()
    .slice(Math.max(text.lastIndexOf('\\'), text.lastIndexOf('/')) + 1)
    .replace(/\.(?:exe|com)$/, '');

const SHUTDOWN_SWITCHES = new Set(['s', 'r', 'p', 'g', 'sg', 'h']);

/** Windows programs that cmd and PowerShell run alike. */
const checkWindowsProgram = (name: string, args: readonly Word[], hit: (rule: RuleId) => void): void => {
  const texts = args.map((w) => w.text.toLowerCase());
  if (name === 'format' && texts.some((t) => /^[a-z]:\\?$/.test(t))) hit('windows.format');
  else if (name === 'shutdown' && texts.some((t) => /^[/-]/.test(t) && SHUTDOWN_SWITCHES.has(t.slice(1)))) hit('windows.shutdown');
  else if (name === 'diskpart') hit('windows.diskpart');
  else if (name === 'bcdedit' && texts.some((t) => t === '/delete' || t === '-delete')) hit('windows.bcdedit-delete');
};

/** The script in `powershell -Command …` (also the default for powershell.exe, not for pwsh), or undefined for -File and -EncodedCommand. */
const powershellScript = (name: string, args: readonly Word[]): Word[] | undefined => {
  for (let k = 0; k < args.length; k++) {
    const t = args[k]?.text.toLowerCase() ?? '';
    if (/^[-/]c(?:o(?:m(?:m(?:a(?:n(?:d)?)?)?)?)?)?$/.test(t)) return args.slice(k + 1);
    if (/^[-/](?:f|file|ec|en|enc|encodedcommand)$/.test(t)) return undefined;
    if (/^[-/](?:executionpolicy|ep|ex|windowstyle|w|version|v|configurationname|workingdirectory|wd|outputformat|of|o|inputformat|if|in|psconsolefile|settingsfile|custompipename)$/.test(t)) k++;
    else if (!/^[-/]/.test(t)) return name === 'pwsh' ? undefined : args.slice(k);
  }
  return undefined;
};

// ---------------------------------------------------------------------------------------------------------------------
// PowerShell: tokenizer

type PsToken = { kind: 'word'; word: Word } | { kind: 'op'; op: string; start: number; end: number };

// PowerShell accepts typographic quotes as quotes (scripts pasted from documents have them).
const PS_SINGLE = "'\u2018\u2019\u201a\u201b";
const PS_DOUBLE = '"\u201c\u201d\u201e';
const PS_BREAK = new Set([' ', '\t', '\r', '\f', '\n', ';', '|', '&', '{', '}', '(', ')', ',']);
const PS_REDIRECT = /^[1-6*]?>>?(?:&[1-6])?/;

class PsLexer {
  readonly tokens: PsToken[] = [];
  private i: number;
  private depth = 0;

  constructor(
    private readonly src: Source,
    start: number,
    private readonly scripts: PsToken[][],
    private readonly closer: boolean,
    private readonly level: number,
  ) {
    this.i = start;
  }

  run(): number {
    const t = this.src.text;
    for (;;) {
      this.skipBlanks();
      if (this.i >= t.length) return this.i;
      const c = t.charAt(this.i);
      const n = t.charAt(this.i + 1);
      const redirect = PS_REDIRECT.exec(t.slice(this.i, this.i + 5));
      if (c === '#') {
        const eol = t.indexOf('\n', this.i);
        this.i = eol < 0 ? t.length : eol;
      } else if (c === '<' && n === '#') {
        const close = t.indexOf('#>', this.i + 2);
        this.i = close < 0 ? t.length : close + 2;
      } else if ((c === '$' || c === '@') && n === '(') {
        this.depth++;
        this.op('(', 2);
      } else if (c === '@' && n === '{') this.op('{', 2);
      else if (redirect) this.redirect(redirect[0]);
      else if (t.startsWith('&&', this.i) || t.startsWith('||', this.i)) this.op(t.slice(this.i, this.i + 2), 2);
      else if (c === ')' && this.depth === 0 && this.closer) return this.i + 1;
      else if (PS_BREAK.has(c)) {
        if (c === '(') this.depth++;
        if (c === ')') this.depth = Math.max(0, this.depth - 1);
        this.op(c, 1);
      } else this.tokens.push({ kind: 'word', word: this.word() });
    }
  }

  private skipBlanks(): void {
    const t = this.src.text;
    for (;;) {
      const c = t.charAt(this.i);
      if (c === ' ' || c === '\t' || c === '\r' || c === '\f') this.i++;
      else if (c === '`' && t.charAt(this.i + 1) === '\n') this.i += 2;
      else if (c === '`' && t.startsWith('\r\n', this.i + 1)) this.i += 3;
      else return;
    }
  }

  private op(op: string, length: number): void {
    this.tokens.push({ kind: 'op', op, start: this.src.at(this.i), end: endOf(this.src, this.i + length) });
    this.i += length;
  }

  /** Output redirections are skipped with their file; nothing here depends on them. */
  private redirect(text: string): void {
    this.i += text.length;
    if (text.includes('&')) return;
    this.skipBlanks();
    const c = this.src.text.charAt(this.i);
    if (c !== '' && !PS_BREAK.has(c)) this.word();
  }

  private copy(b: WordBuilder, length: number, kind: CharKind): void {
    const end = Math.min(this.i + length, this.src.text.length);
    for (; this.i < end; this.i++) b.add(this.src.text.charAt(this.i), kind, this.src.at(this.i));
  }

  private word(): Word {
    const t = this.src.text;
    const b = new WordBuilder();
    const from = this.i;
    const here = /^@(['"])[ \t]*\r?\n/.exec(t.slice(this.i, this.i + 64));
    if (here) {
      const quote = here[1] ?? "'";
      const close = t.indexOf(`\n${quote}@`, this.i + here[0].length - 1);
      this.i += here[0].length;
      const end = close < 0 ? t.length : close;
      this.copy(b, end - this.i, quote === "'" ? 'l' : 'd');
      this.i = close < 0 ? t.length : close + 3;
      return b.build(this.src.at(from), endOf(this.src, this.i));
    }
    while (this.i < t.length) {
      const c = t.charAt(this.i);
      const n = t.charAt(this.i + 1);
      if (c === '`') {
        if (n === '' || n === '\n' || n === '\r') break;
        this.i++;
        this.copy(b, 1, 'l');
      } else if (PS_SINGLE.includes(c)) this.singleQuoted(b);
      else if (PS_DOUBLE.includes(c)) this.doubleQuoted(b);
      else if (c === '$' && n === '(') this.subexpression(b);
      else if (c === '$' && n === '{') {
        const close = t.indexOf('}', this.i);
        this.copy(b, (close < 0 ? t.length : close + 1) - this.i, 'u');
      } else if (PS_BREAK.has(c)) break;
      else this.copy(b, 1, 'u');
    }
    // Callers start a word only at a character that is not a break, so this never fires; it keeps the loop finite.
    if (this.i === from) this.i++;
    return b.build(this.src.at(from), endOf(this.src, this.i));
  }

  private singleQuoted(b: WordBuilder): void {
    const t = this.src.text;
    this.i++;
    while (this.i < t.length) {
      if (!PS_SINGLE.includes(t.charAt(this.i))) this.copy(b, 1, 'l');
      else if (isOneOf(t.charAt(this.i + 1), PS_SINGLE)) {
        this.i++;
        this.copy(b, 1, 'l');
      } else {
        this.i++;
        return;
      }
    }
  }

  private doubleQuoted(b: WordBuilder): void {
    const t = this.src.text;
    this.i++;
    while (this.i < t.length) {
      const c = t.charAt(this.i);
      const n = t.charAt(this.i + 1);
      if (PS_DOUBLE.includes(c) && isOneOf(n, PS_DOUBLE)) {
        this.i++;
        this.copy(b, 1, 'l');
      } else if (PS_DOUBLE.includes(c)) {
        this.i++;
        return;
      } else if (c === '`' && n !== '') {
        this.i++;
        this.copy(b, 1, 'l');
      } else if (c === '$' && n === '(') this.subexpression(b);
      else this.copy(b, 1, 'd');
    }
  }

  /** `$( … )`: statements of their own, their value unknown. */
  private subexpression(b: WordBuilder): void {
    let end: number;
    if (this.level < MAX_SUBSTITUTION_NESTING) {
      const inner = new PsLexer(this.src, this.i + 2, this.scripts, true, this.level + 1);
      end = inner.run();
      this.scripts.push(inner.tokens);
    } else {
      end = this.i + 2;
      for (let depth = 0; end < this.src.text.length && depth >= 0; end++) {
        if (this.src.text.charAt(end) === '(') depth++;
        else if (this.src.text.charAt(end) === ')') depth--;
      }
    }
    this.copy(b, end - this.i, 'x');
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// PowerShell: commands and rules

interface PsCommand {
  /** Each argument is a comma-separated list of words (`C:\temp, C:\`), usually of one. */
  args: Word[][];
  start: number;
  end: number;
  pipeIn: PsCommand | undefined;
  /** Started with `&` or `.`: the first word is the command even when it is a quoted string. */
  invoked: boolean;
}

/** Statements split at `;`, newlines, pipes, `&&`, `||`, braces and parentheses, so that script blocks and subexpressions are read too. */
const buildPs = (tokens: readonly PsToken[]): PsCommand[] => {
  const commands: PsCommand[] = [];
  let current: PsCommand | undefined;
  let pipeFrom: PsCommand | undefined;
  let comma = false;
  const finish = (pipe: boolean): void => {
    if (current === undefined) return;
    commands.push(current);
    pipeFrom = pipe ? current : undefined;
    current = undefined;
    comma = false;
  };
  for (const tok of tokens) {
    if (tok.kind === 'word') {
      current ??= { args: [], start: tok.word.start, end: tok.word.end, pipeIn: pipeFrom, invoked: false };
      const last = current.args.at(-1);
      if (comma && last) last.push(tok.word);
      else current.args.push([tok.word]);
      comma = false;
      current.end = tok.word.end;
    } else if (tok.op === ',') comma = current !== undefined;
    else if (tok.op === '&' && current === undefined) current = { args: [], start: tok.start, end: tok.end, pipeIn: pipeFrom, invoked: true };
    else finish(tok.op === '|');
  }
  finish(false);
  return commands;
};

interface PsSpec {
  names: readonly string[];
  valued: readonly string[];
  aliases?: Readonly<Record<string, string>>;
}
interface PsParams {
  switches: Set<string>;
  values: Map<string, Word[]>;
  positional: Word[][];
}

const PS_COMMON_SWITCHES = ['whatif', 'confirm', 'verbose', 'debug'];
const PS_COMMON_VALUED = ['erroraction', 'warningaction', 'informationaction', 'errorvariable', 'warningvariable', 'informationvariable', 'outvariable', 'outbuffer', 'pipelinevariable', 'progressaction'];
const PS_COMMON_ALIASES: Readonly<Record<string, string>> = {
  wi: 'whatif', cf: 'confirm', vb: 'verbose', db: 'debug', ea: 'erroraction', wa: 'warningaction', infa: 'informationaction',
  ev: 'errorvariable', wv: 'warningvariable', iv: 'informationvariable', ov: 'outvariable', ob: 'outbuffer', pv: 'pipelinevariable', proga: 'progressaction',
};
const PS_KEYWORDS = new Set([
  'if', 'elseif', 'else', 'while', 'for', 'foreach', 'do', 'until', 'switch', 'try', 'catch', 'finally', 'trap', 'function', 'filter', 'workflow',
  'param', 'begin', 'process', 'end', 'return', 'throw', 'exit', 'break', 'continue', 'data', 'class', 'enum', 'using', 'dynamicparam', 'configuration',
]);

/**
 * Parameter binding as PowerShell does it: names are case-insensitive and may be shortened to any unambiguous
 * prefix (`-Rec`, `-r`), `-Name:value` attaches a value, `-Switch:$false` turns a switch off.
 */
const parsePsParams = (args: readonly Word[][], spec: PsSpec): PsParams => {
  const names = [...spec.names, ...PS_COMMON_SWITCHES, ...PS_COMMON_VALUED];
  const valued = new Set([...spec.valued, ...PS_COMMON_VALUED]);
  const aliases: Readonly<Record<string, string>> = { ...PS_COMMON_ALIASES, ...spec.aliases };
  const params: PsParams = { switches: new Set(), values: new Map(), positional: [] };
  for (let k = 0; k < args.length; k++) {
    const arg = args[k];
    const w = arg?.[0];
    if (arg === undefined || w === undefined) break;
    const m = w.kinds.startsWith('u') ? /^-([A-Za-z][\w-]*)(:?)/.exec(w.text) : null;
    if (m === null) {
      params.positional.push(arg);
      continue;
    }
    const given = (m[1] ?? '').toLowerCase();
    const prefixed = names.filter((n) => n.startsWith(given));
    const name = names.includes(given) ? given : (aliases[given] ?? (prefixed.length === 1 ? prefixed[0] : undefined));
    const attached = m[2] === ':';
    if (name === undefined) continue;
    if (valued.has(name)) {
      const value = attached ? [sliceWord(w, m[0].length), ...arg.slice(1)] : args[k + 1];
      if (!attached) k++;
      if (value) params.values.set(name, value);
    } else if (!attached || !['$false', '0'].includes(w.text.slice(m[0].length).toLowerCase())) params.switches.add(name);
  }
  return params;
};

/** A PowerShell path with `$env:…` and `$HOME` expanded; undefined when it holds anything else only known at run time. */
const expandPsPath = (w: Word): string | undefined => {
  let out = '';
  for (let k = 0; k < w.text.length; ) {
    const kind = w.kinds.charAt(k);
    if (kind === 'x') return undefined;
    if (w.text.charAt(k) !== '$' || kind === 'l') {
      out += w.text.charAt(k);
      k++;
      continue;
    }
    const m = /^\$(?:\{env:([^}]+)\}|env:([A-Za-z_][A-Za-z0-9_]*)|\{(home)\}|(home)(?![A-Za-z0-9_:]))/i.exec(w.text.slice(k));
    const env = m?.[1] ?? m?.[2];
    const value = env === undefined ? (m ? '~' : undefined) : WINDOWS_VARIABLES.get(env.toLowerCase());
    if (m === null || value === undefined) return undefined;
    out += value;
    k += m[0].length;
  }
  return out;
};
const isProtectedPsPath = (w: Word): boolean => isProtectedWindowsPath(expandPsPath(w));

interface PsContext {
  command: PsCommand;
  hit: (rule: RuleId) => void;
  nested: (shell: DangerShell, source: Source) => void;
}
type PsCheck = (args: readonly Word[][], x: PsContext) => void;

const PS_ITEM_PATHS = { lp: 'literalpath', pspath: 'literalpath' };
const REMOVE_ITEM: PsSpec = {
  names: ['path', 'literalpath', 'filter', 'include', 'exclude', 'recurse', 'force', 'credential', 'stream'],
  valued: ['path', 'literalpath', 'filter', 'include', 'exclude', 'credential', 'stream'],
  aliases: PS_ITEM_PATHS,
};
const GET_CHILD_ITEM: PsSpec = {
  names: ['path', 'literalpath', 'filter', 'include', 'exclude', 'recurse', 'depth', 'force', 'name', 'attributes', 'directory', 'file', 'hidden', 'readonly', 'system', 'followsymlink'],
  valued: ['path', 'literalpath', 'filter', 'include', 'exclude', 'depth', 'attributes'],
  aliases: PS_ITEM_PATHS,
};
const NET_ADAPTER: PsSpec = {
  names: ['name', 'interfacedescription', 'interfaceindex', 'inputobject', 'includehidden', 'physical', 'cimsession', 'throttlelimit', 'asjob', 'passthru', 'norestart'],
  valued: ['name', 'interfacedescription', 'interfaceindex', 'inputobject', 'cimsession', 'throttlelimit'],
  aliases: { ifalias: 'name', interfacealias: 'name', ifdesc: 'interfacedescription', ifindex: 'interfaceindex' },
};
const REMOVE_ITEM_NAMES = ['remove-item', 'rm', 'ri', 'del', 'rd', 'erase', 'rmdir'];
const LIST_ITEM_NAMES = new Set(['get-childitem', 'gci', 'ls', 'dir', 'get-item', 'gi']);

const itemPaths = (p: PsParams): Word[] => [...(p.values.get('path') ?? []), ...(p.values.get('literalpath') ?? []), ...(p.positional[0] ?? [])];
const psCommandName = (command: PsCommand | undefined): string | undefined => {
  const first = command?.args[0]?.[0];
  return first && windowsName(first.text);
};

/** `Get-ChildItem C:\ | Remove-Item -Recurse`: the listing feeds a recursive delete of a protected folder. */
const listsProtectedItems = (command: PsCommand | undefined, recurse: boolean): boolean => {
  const name = psCommandName(command);
  if (command === undefined || name === undefined || !LIST_ITEM_NAMES.has(name)) return false;
  const p = parsePsParams(command.args.slice(1), GET_CHILD_ITEM);
  const narrowed = p.values.has('filter') || p.values.has('include');
  return (recurse || p.switches.has('recurse')) && !narrowed && itemPaths(p).some(isProtectedPsPath);
};

const checkRemoveItem: PsCheck = (args, x) => {
  const p = parsePsParams(args, REMOVE_ITEM);
  if (p.switches.has('whatif') || p.values.has('include') || p.values.has('filter')) return;
  const paths = itemPaths(p);
  const recurse = p.switches.has('recurse');
  if (paths.length > 0 ? recurse && paths.some(isProtectedPsPath) : listsProtectedItems(x.command.pipeIn, recurse)) x.hit('powershell.remove-item-root');
};

/** Disable-NetAdapter -Name *, or fed by a Get-NetAdapter that lists them all. */
const checkDisableNetAdapter: PsCheck = (args, x) => {
  const p = parsePsParams(args, NET_ADAPTER);
  if (p.switches.has('whatif')) return;
  const everyAdapter = (q: PsParams): boolean => {
    const names = [...(q.values.get('name') ?? q.positional[0] ?? []), ...(q.values.get('interfacedescription') ?? [])];
    return names.length === 0 ? !q.values.has('interfaceindex') && !q.values.has('inputobject') : names.some((w) => w.text === '*');
  };
  const named = p.values.has('name') || p.values.has('interfacedescription') || p.values.has('interfaceindex') || p.values.has('inputobject') || p.positional.length > 0;
  const upstream = x.command.pipeIn;
  if (named ? everyAdapter(p) : upstream !== undefined && psCommandName(upstream) === 'get-netadapter' && everyAdapter(parsePsParams(upstream.args.slice(1), NET_ADAPTER))) {
    x.hit('powershell.disable-netadapter');
  }
};

const unlessWhatIf =
  (rule: RuleId): PsCheck =>
  (args, x) => {
    if (!parsePsParams(args, { names: [], valued: [] }).switches.has('whatif')) x.hit(rule);
  };

const checkInvokeExpression: PsCheck = (args, x) => {
  const p = parsePsParams(args, { names: ['command'], valued: ['command'] });
  const script = p.values.get('command') ?? p.positional[0];
  if (script) x.nested('powershell', joinedSource(script));
};

const checkNestedCmd: PsCheck = (args, x) => {
  const words = args.flat();
  const c = words.findIndex((w) => /^\/[ckr]$/i.test(w.text));
  if (c >= 0) x.nested('cmd', joinedSource(words.slice(c + 1)));
};

const psChecks = new Map<string, PsCheck>([
  ['format-volume', unlessWhatIf('powershell.format-volume')],
  ['clear-disk', unlessWhatIf('powershell.clear-disk')],
  ['remove-partition', unlessWhatIf('powershell.remove-partition')],
  ['stop-computer', unlessWhatIf('powershell.stop-computer')],
  ['restart-computer', unlessWhatIf('powershell.stop-computer')],
  ['disable-netadapter', checkDisableNetAdapter],
  ['invoke-expression', checkInvokeExpression],
  ['iex', checkInvokeExpression],
  ['cmd', checkNestedCmd],
  ...REMOVE_ITEM_NAMES.map((n): [string, PsCheck] => [n, checkRemoveItem]),
  ...['powershell', 'pwsh'].map((n): [string, PsCheck] => [
    n,
    (args, x) => {
      const script = powershellScript(n, args.flat());
      if (script) x.nested('powershell', joinedSource(script));
    },
  ]),
]);

// An empty word can only come from quotes.
const isQuoted = (w: Word): boolean => w.kinds === '' || w.kinds.startsWith('l') || w.kinds.startsWith('d');

const checkPsCommand = (command: PsCommand, report: Report, depth: number): void => {
  let args = command.args;
  let invoked = command.invoked;
  // `$x = Remove-Item …` runs the command; `. .\script.ps1` dot-sources.
  if (args[0]?.[0]?.text.startsWith('$') && /^[-+*/%?]?\??=$/.test(args[1]?.[0]?.text ?? '')) args = args.slice(2);
  if (!invoked && args[0]?.[0] && isUnquoted(args[0][0], '.')) {
    args = args.slice(1);
    invoked = true;
  }
  const first = args[0]?.[0];
  if (first === undefined || first.kinds.includes('x')) return;
  // A string, a variable or a keyword at the start of a statement is an expression, not a command.
  if (!invoked && (isQuoted(first) || first.text.startsWith('$') || PS_KEYWORDS.has(first.text.toLowerCase()))) return;
  const x: PsContext = {
    command,
    hit: (rule) => {
      report(rule, command.start, command.end);
    },
    nested: (shell, source) => {
      analyse(shell, source, report, depth + 1, undefined);
    },
  };
  const name = windowsName(first.text);
  const rest = args.slice(1);
  const check = psChecks.get(name);
  if (check) check(rest, x);
  else checkWindowsProgram(name, rest.flat(), x.hit);
};

const analysePs = (src: Source, report: Report, depth: number): void => {
  const scripts: PsToken[][] = [];
  const lexer = new PsLexer(src, 0, scripts, false, 0);
  lexer.run();
  for (const tokens of [lexer.tokens, ...scripts]) for (const command of buildPs(tokens)) checkPsCommand(command, report, depth);
};

// ---------------------------------------------------------------------------------------------------------------------
// cmd.exe

interface CmdCommand {
  words: Word[];
  start: number;
  end: number;
}

const CMD_BREAK = new Set([' ', '\t', '\r', '\n', '&', '|', '<', '>']);
const CMD_REDIRECT = /^\d?(?:>>?|<)(?:&\d)?/;
const CMD_COMPARISONS = new Set(['==', 'equ', 'neq', 'lss', 'leq', 'gtr', 'geq']);

/**
 * How many leading words are `if …`, `for … do` and `else` around the command they guard, or undefined while such a
 * prefix is incomplete. `if exist x (` opens a block exactly when the prefix covers every word before the `(`.
 */
const cmdControlPrefix = (words: readonly Word[]): number | undefined => {
  const lower = (k: number) => words[k]?.text.toLowerCase();
  let k = 0;
  for (;;) {
    const w = lower(k);
    if (w === 'if') {
      k++;
      if (lower(k) === '/i') k++;
      if (lower(k) === 'not') k++;
      const a = lower(k) ?? '';
      const b = lower(k + 1) ?? '';
      if (['exist', 'defined', 'errorlevel', 'cmdextversion'].includes(a)) k += 2;
      else if (CMD_COMPARISONS.has(b)) k += 3;
      else if (b.startsWith('==') || a.endsWith('==')) k += 2;
      else if (a.includes('==')) k += 1;
      else return undefined;
    } else if (w === 'else') k++;
    else if (w === 'for') {
      const d = words.findIndex((x, n) => n > k && x.text.toLowerCase() === 'do');
      if (d < 0) return undefined;
      k = d + 1;
    } else return k <= words.length ? k : undefined;
    if (k > words.length) return undefined;
  }
};

const parseCmd = (src: Source): CmdCommand[] => {
  const t = src.text;
  const commands: CmdCommand[] = [];
  let i = 0;
  let depth = 0;
  let current: CmdCommand | undefined;
  const finish = (): void => {
    if (current) commands.push(current);
    current = undefined;
  };
  const skipLine = (): void => {
    while (i < t.length && t.charAt(i) !== '\n') i++;
  };
  const readWord = (): Word => {
    const b = new WordBuilder();
    const from = i;
    while (i < t.length) {
      const c = t.charAt(i);
      if (c === '^') {
        // ^ escapes the next character; at the end of a line it continues the line
        const n = t.charAt(i + 1);
        if (n === '\r' && t.charAt(i + 2) === '\n') i += 3;
        else if (n === '\n' || n === '') i += 2;
        else {
          b.add(n, 'l', src.at(i + 1));
          i += 2;
        }
      } else if (c === '"') {
        for (i++; i < t.length && t.charAt(i) !== '"' && t.charAt(i) !== '\n'; i++) b.add(t.charAt(i), 'd', src.at(i));
        if (t.charAt(i) === '"') i++;
      } else if (CMD_BREAK.has(c) || (c === ')' && depth > 0)) break;
      else {
        b.add(c, 'u', src.at(i));
        i++;
      }
    }
    // Callers start a word only at a character that is not a break, so this never fires; it keeps the loop finite.
    if (i === from) i++;
    return b.build(src.at(from), endOf(src, i));
  };

  while (i < t.length) {
    const c = t.charAt(i);
    const n = t.charAt(i + 1);
    const redirect = CMD_REDIRECT.exec(t.slice(i, i + 5));
    if (c === ' ' || c === '\t' || c === '\r') i++;
    else if (c === '^' && (n === '\n' || (n === '\r' && t.charAt(i + 2) === '\n'))) i += n === '\n' ? 2 : 3;
    else if (current === undefined && c === '@') i++;
    // `:label` and `:: comment`
    else if (current === undefined && c === ':') skipLine();
    else if (c === '\n' || c === '&' || c === '|') {
      finish();
      i += (c === '&' || c === '|') && n === c ? 2 : 1;
    } else if (c === '(' && (current === undefined || cmdControlPrefix(current.words) === current.words.length)) {
      depth++;
      current = undefined;
      i++;
    } else if (c === ')' && depth > 0) {
      depth--;
      finish();
      i++;
    } else if (redirect) {
      i += redirect[0].length;
      while (t.charAt(i) === ' ' || t.charAt(i) === '\t') i++;
      if (!redirect[0].includes('&') && i < t.length && !CMD_BREAK.has(t.charAt(i))) readWord();
    } else {
      const word = readWord();
      if (current === undefined && word.text.toLowerCase() === 'rem') skipLine();
      else {
        current ??= { words: [], start: word.start, end: word.end };
        current.words.push(word);
        current.end = word.end;
      }
    }
  }
  finish();
  return commands;
};

/** `%SystemDrive%` and the like expanded; undefined when the path holds a variable whose value is not known. */
const expandCmdPath = (w: Word): string | undefined => {
  let out = '';
  let last = 0;
  for (const m of w.text.matchAll(/%([^%\s]+)%/g)) {
    const value = WINDOWS_VARIABLES.get((m[1] ?? '').toLowerCase());
    if (value === undefined) return undefined;
    out += w.text.slice(last, m.index) + value;
    last = m.index + m[0].length;
  }
  out += w.text.slice(last);
  return /%|![^!\s]+!/.test(out) ? undefined : out;
};

const checkCmdDelete = (name: string, args: readonly Word[], hit: (rule: RuleId) => void): void => {
  // Switches may be run together: `/s/q`; `/a:h` is the switch `a`.
  const switches = args.filter((w) => w.text.startsWith('/')).flatMap((w) => w.text.toLowerCase().split('/').filter(Boolean).map((s) => s.charAt(0)));
  const targets = args.filter((w) => !w.text.startsWith('/'));
  if (switches.includes('s') && targets.some((w) => isProtectedWindowsPath(expandCmdPath(w)))) hit(name === 'rd' || name === 'rmdir' ? 'cmd.rd-root' : 'cmd.del-root');
};

const checkCmdCommand = (command: CmdCommand, report: Report, depth: number): void => {
  const hit = (rule: RuleId): void => {
    report(rule, command.start, command.end);
  };
  let words = command.words.slice(cmdControlPrefix(command.words) ?? command.words.length);
  for (;;) {
    const name = words[0]?.text.toLowerCase();
    if (name === 'call') words = words.slice(1);
    else if (name === 'start') {
      // start ["title"] [/options] command
      let k = 1;
      const title = words[k];
      if (title && isQuoted(title)) k++;
      for (let w = words[k]; w?.text.startsWith('/'); w = words[k]) k += /^\/d$/i.test(w.text) ? 2 : 1;
      words = words.slice(k);
    } else break;
  }
  const first = words[0];
  if (first === undefined) return;
  const name = windowsName(first.text);
  const args = words.slice(1);
  if (name === 'cmd') {
    const c = args.findIndex((w) => /^\/[ckr]$/i.test(w.text));
    if (c >= 0) analyse('cmd', joinedSource(args.slice(c + 1)), report, depth + 1, undefined);
  } else if (name === 'powershell' || name === 'pwsh') {
    const script = powershellScript(name, args);
    if (script) analyse('powershell', joinedSource(script), report, depth + 1, undefined);
  } else if (['rd', 'rmdir', 'del', 'erase'].includes(name)) checkCmdDelete(name, args, hit);
  else checkWindowsProgram(name, args, hit);
};

const analyseCmd = (src: Source, report: Report, depth: number): void => {
  for (const command of parseCmd(src)) checkCmdCommand(command, report, depth);
};

// ---------------------------------------------------------------------------------------------------------------------

function analyse(shell: DangerShell, src: Source, report: Report, depth: number, cwd: PosixPath | undefined): void {
  if (depth > MAX_SCRIPT_NESTING) return;
  if (shell === 'posix') analysePosix(src, report, depth, cwd);
  else if (shell === 'powershell') analysePs(src, report, depth);
  else analyseCmd(src, report, depth);
}

const excerptOf = (content: string, start: number, end: number): string => {
  const text = content
    .slice(start, end)
    .replace(/[\\`^]\r?\n/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH - 1)}…` : text;
};

/**
 * The dangerous commands in a step's content, in the order they appear; one finding per rule and command.
 * `shell` is how the content runs: `posix` for commands and sh/bash scripts over SSH, `powershell` for PowerShell
 * steps, `cmd` for commands on WinRM targets. POSIX names are case-sensitive; PowerShell and cmd ones are not.
 */
export const findDangerousCommands = (content: string, shell: DangerShell): DangerFinding[] => {
  const hits = new Map<string, { rule: RuleId; start: number; end: number }>();
  const report: Report = (rule, start, end) => {
    const key = `${rule}@${start}`;
    if (!hits.has(key)) hits.set(key, { rule, start, end });
  };
  analyse(shell, contentSource(content), report, 0, undefined);

  const lineStarts = [0];
  for (let k = content.indexOf('\n'); k >= 0; k = content.indexOf('\n', k + 1)) lineStarts.push(k + 1);
  const lineOf = (offset: number): number => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };

  return [...hits.values()]
    .sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule))
    .map(({ rule, start, end }) => {
      const line = lineOf(start);
      const { title, explanation } = ruleText[rule];
      return { ruleId: rule, title, explanation, line: line + 1, column: start - (lineStarts[line] ?? 0) + 1, excerpt: excerptOf(content, start, end) };
    });
};
