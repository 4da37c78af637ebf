import { randomBytes } from 'node:crypto';
import { constants as osConstants } from 'node:os';
import { ExecutorInputError, type Interpreter, type RemoteExit, type StepSpec } from './types';

/**
 * What the executor sends to a host, and how it reads the answers.
 *
 * The login shell only ever sees constant command lines (`BOOTSTRAP_COMMAND`, `PLAIN_SH_COMMAND`),
 * so no step content or parameter value is parsed by it, whatever shell it is (sh, bash, zsh, csh
 * and fish all accept `exec sh -c '…'`). Everything else travels on the channel's stdin as a POSIX
 * sh program, the *envelope*:
 *
 *   printf 'OPSC-PGID <nonce> %s\n' "$$"        ← the step's process group, for stopping it
 *   <parameters: arrival checks, or exports>
 *   . /dev/fd/3 3<<'OPSC_EOF_<random>' </dev/null        (sh: commands and sh scripts)
 *   exec <interpreter> /dev/fd/3 3<<'OPSC_EOF_<random>' </dev/null   (bash, python3)
 *   <step content, verbatim>
 *   OPSC_EOF_<random>
 *   exit $?
 *
 * The step content is the body of a here-document with a quoted, random delimiter, so the envelope
 * shell does not expand anything in it; it is read from fd 3 as a script file, with /dev/null as
 * stdin, so a script that reads stdin cannot swallow anything of ours. An sh step is read by the
 * envelope shell itself (`.`), another interpreter replaces it (`exec`): no process is started for
 * the step beyond what the step starts, which on a fan-out of one quick command is most of the
 * hosts' work (docs/performance.md). The step's exit status is therefore the session's: a step
 * ended by a signal ends the session with that signal, which `shellStatus` turns into 128+n, as
 * `$?` would show it.
 *
 * The envelope shell leads a process group of its own, so the step and everything it starts
 * (unless it starts its own session, as daemons do) share one group whose id is the envelope
 * shell's pid, which it prints first. The executor stops a step by signalling that group from a
 * second channel (`reaperScript`): TERM, up to the grace period for it to go away, then KILL, then a
 * check that nothing of it is left. Under OpenSSH the session's shell leads its group already (sshd
 * calls setsid() for every session), and `exec` keeps the pid: the bootstrap reads its group from
 * /proc with shell builtins only and, when it leads it, reads the envelope itself from its stdin
 * with `.` (positional parameters cleared) when that is a pipe, as OpenSSH gives a session, or
 * runs the envelope shell directly. Otherwise (another SSH
 * server, no /proc) it runs the envelope shell under `setsid -w` (util-linux 2.24+, on every
 * mainstream distribution), or directly when there is no `setsid`. Every exec and fork counts
 * when a step is one quick command: this path saves setsid's fork and three execs, about 2 ms of
 * the host's CPU per step (docs/performance.md).
 */

/** Field 3 of /proc/<pid>/stat after the `(comm) ` is the process group. */
const LEADS_ITS_GROUP = `read -r s 2>/dev/null </proc/$$/stat && s=\${s##*) } && set -- $s && [ "$3" = "$$" ]`;
export const BOOTSTRAP_COMMAND = `exec sh -c '${LEADS_ITS_GROUP} && { [ -p /dev/stdin ] && { unset s; set --; . /dev/stdin; }; exec sh -s; }; if command -v setsid >/dev/null 2>&1; then exec setsid -w sh -s; fi; exec sh -s'`;
/** For the executor's own short programs (the reaper, the env probe), sent on stdin. */
export const PLAIN_SH_COMMAND = 'exec sh -s';

/** Exit status of a step whose parameters did not arrive as SSH environment. */
export const MISSING_ENV_EXIT_CODE = 125;

export const PARAMETER_ENV_PREFIX = 'OPSC_PARAM_';
const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** How the envelope shell reads a step's script from fd 3. */
const RUN_SCRIPT: Record<Interpreter, string> = {
  sh: '.',
  bash: 'exec bash',
  // Unbuffered, so that print() output streams live instead of arriving in 8 KiB blocks.
  python3: 'exec python3 -u',
};

/** POSIX sh single quoting: inside '…' nothing is special but the closing quote. */
export const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/** `OPSC_PARAM_<name>`, the name as it is (parameter names are already valid variable names, so nothing collides). */
export const parameterEnvName = (name: string): string => `${PARAMETER_ENV_PREFIX}${name}`;

/** The parameters as environment variables; refuses names that are not identifiers and values with NUL (which no environment can hold). */
export const parameterEnv = (parameters: Readonly<Record<string, string>>): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (!PARAMETER_NAME.test(name)) throw new ExecutorInputError(`Parameter name '${name}' is not a letter or _ followed by letters, digits or _.`);
    if (value.includes('\0')) throw new ExecutorInputError(`The value of parameter '${name}' contains a NUL character, which an environment variable cannot hold.`);
    env[parameterEnvName(name)] = value;
  }
  return env;
};

/**
 * A step's exit as a shell reports it in `$?`: 128+n when a signal ended it (the session then ends
 * with that signal, since the step is the session's process), the signal's name kept beside it.
 */
export const shellStatus = (exit: RemoteExit): RemoteExit => {
  if (exit.exitCode !== null || exit.signal === undefined) return exit;
  const number = (osConstants.signals as Record<string, number | undefined>)[exit.signal];
  return number === undefined ? exit : { exitCode: 128 + number, signal: exit.signal };
};

/** Refuses what cannot be sent as a script: a NUL, which shells cut scripts at. */
export const checkStep = (step: StepSpec): void => {
  if (step.content.includes('\0')) throw new ExecutorInputError(`Step '${step.id}' contains a NUL character.`);
  if (step.kind === 'command' && step.interpreter !== undefined) throw new ExecutorInputError(`Step '${step.id}' is a command; only scripts have an interpreter.`);
  if (!(step.timeoutSeconds > 0)) throw new ExecutorInputError(`Step '${step.id}' needs a positive timeout.`);
  if (!Number.isInteger(step.retries.count) || step.retries.count < 0 || !(step.retries.backoffSeconds >= 0)) {
    throw new ExecutorInputError(`Step '${step.id}' has invalid retries.`);
  }
};

export const newNonce = (): string => randomBytes(12).toString('hex');

export interface EnvelopeInput {
  nonce: string;
  step: StepSpec;
  /** `OPSC_PARAM_*` names and values. */
  env: Readonly<Record<string, string>>;
  transport: 'env' | 'preamble';
}

export const buildEnvelope = ({ nonce, step, env, transport }: EnvelopeInput): string => {
  const content = step.content.endsWith('\n') ? step.content : `${step.content}\n`;
  const lines = new Set(content.split('\n'));
  let delimiter = `OPSC_EOF_${randomBytes(16).toString('hex')}`;
  while (lines.has(delimiter)) delimiter = `OPSC_EOF_${randomBytes(16).toString('hex')}`;
  const run = RUN_SCRIPT[step.kind === 'command' ? 'sh' : (step.interpreter ?? 'sh')];

  const parameterLines = Object.entries(env).map(([name, value]) =>
    transport === 'preamble'
      ? `export ${name}=${shellQuote(value)}`
      : `if [ -z "\${${name}+set}" ]; then printf '%s\\n' ${shellQuote(missingEnvMessage(name))} >&2; exit ${MISSING_ENV_EXIT_CODE}; fi`,
  );
  return [
    `printf 'OPSC-PGID ${nonce} %s\\n' "$$"`,
    ...parameterLines,
    `${run} /dev/fd/3 3<<'${delimiter}' </dev/null`,
    `${content}${delimiter}`,
    'exit $?',
    '',
  ].join('\n');
};

const missingEnvMessage = (name: string) =>
  `opsconductor: parameter ${name} did not reach the host: its sshd drops environment variables its AcceptEnv does not list. ` +
  `Add "AcceptEnv ${PARAMETER_ENV_PREFIX}*" to the host's sshd_config, or pass parameters in the script preamble.`;

/** Asks the host whether an `OPSC_PARAM_*` variable sent as SSH environment arrives: it echoes the value. */
export const ENV_PROBE_NAME = `${PARAMETER_ENV_PREFIX}OPSC_PROBE`;
export const envProbeScript = (): string => `printf '%s' "\${${ENV_PROBE_NAME}-}"\nexit 0\n`;

export type ReaperVerdict = 'gone' | 'terminated' | 'killed' | 'survived';

/**
 * Stops process group `pgid`: TERM, then up to `graceMs` for it to be gone, then KILL, then up to
 * 5 s for it to be gone. Answers one word: `gone` (nothing to stop), `terminated`, `killed`,
 * `survived`. "Gone" means no process of the group is left except zombies (a zombie is already dead;
 * it waits for its parent, or for init, to collect it), checked with `ps` when it can run and with
 * `kill -0` otherwise. A process the step started as another user (sudo) cannot be signalled and
 * would be reported as `survived`.
 */
export const reaperScript = (pgid: number, graceMs: number): string => {
  if (!Number.isSafeInteger(pgid) || pgid <= 1) throw new Error(`not a process group: ${String(pgid)}`);
  const graceTenths = Math.max(0, Math.ceil(graceMs / 100));
  return `pg=${pgid}
alive() {
  kill -s 0 -- "-$pg" 2>/dev/null || return 1
  s=$(ps -A -o pgid= -o stat= 2>/dev/null) || return 0
  printf '%s\\n' "$s" | awk -v g="$pg" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit f ? 0 : 1 }'
}
gone_within() {
  n=0
  while alive; do
    [ "$n" -ge "$1" ] && return 1
    if sleep 0.1 2>/dev/null; then n=$((n + 1)); else sleep 1; n=$((n + 10)); fi
  done
  return 0
}
alive || { echo gone; exit 0; }
kill -s TERM -- "-$pg" 2>/dev/null
if gone_within ${graceTenths}; then echo terminated; exit 0; fi
kill -s KILL -- "-$pg" 2>/dev/null
if gone_within 50; then echo killed; else echo survived; fi
exit 0
`;
};

export const parseReaperVerdict = (stdout: string): ReaperVerdict | undefined => {
  const word = stdout.trim().split(/\s+/).at(-1);
  return word === 'gone' || word === 'terminated' || word === 'killed' || word === 'survived' ? word : undefined;
};

/**
 * Finds the envelope's `OPSC-PGID <nonce> <pgid>` line in stdout and takes it out. Whatever comes
 * before it (a login shell's rc file may print something) is output like any other; until the line
 * is found only the few bytes that could be its beginning are held back.
 */
export class PgidMarker {
  private readonly prefix: Buffer;
  private buffered: Buffer = Buffer.alloc(0);
  private found = false;

  constructor(nonce: string) {
    this.prefix = Buffer.from(`OPSC-PGID ${nonce} `);
  }

  push(chunk: Buffer): { output: Buffer; pgid?: number } {
    if (this.found) return { output: chunk };
    const buf = Buffer.concat([this.buffered, chunk]);
    const at = buf.indexOf(this.prefix);
    if (at === -1) {
      const keep = Math.min(buf.length, this.prefix.length - 1);
      this.buffered = Buffer.from(buf.subarray(buf.length - keep));
      return { output: buf.subarray(0, buf.length - keep) };
    }
    const newline = buf.indexOf(0x0a, at + this.prefix.length);
    if (newline === -1) {
      if (buf.length - at > this.prefix.length + 24) {
        // Not our line after all (no pid is that long): pass it on.
        this.found = true;
        this.buffered = Buffer.alloc(0);
        return { output: buf };
      }
      this.buffered = Buffer.from(buf.subarray(at));
      return { output: buf.subarray(0, at) };
    }
    this.found = true;
    this.buffered = Buffer.alloc(0);
    const digits = buf.subarray(at + this.prefix.length, newline).toString('latin1');
    const output = Buffer.concat([buf.subarray(0, at), buf.subarray(newline + 1)]);
    return /^\d{1,10}$/.test(digits) ? { output, pgid: Number(digits) } : { output };
  }

  /** The stream ended: whatever was held back. */
  end(): Buffer {
    const rest = this.buffered;
    this.buffered = Buffer.alloc(0);
    return rest;
  }
}
