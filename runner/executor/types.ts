import type { Clock } from '../../core/clock';
import type { StoredChunk } from '../../core/runs/schema';
import type { ConnectionErrorCategory } from '../connection-error';

/**
 * The job executor's vocabulary and ports. The executor runs the steps of one job run on hosts; it
 * talks to a host through `HostSession` (runner/ssh/session.ts implements it over SSH) and hands
 * output to an `OutputSink` (the run store's output items and blob log on the real path, an
 * in-memory list in tests).
 */

// ---------------------------------------------------------------------------------------------
// Ports

export interface RemoteExit {
  /** null when the command was ended by a signal, or the host reported no status. */
  exitCode: number | null;
  /** As `SIGTERM`, when the host reported one. */
  signal?: string;
}

/** One command running on the host, seen through its channel. */
export interface RemoteProcess {
  /** Settles once all output has been delivered; rejects (with a ConnectionError) when the connection is lost first. */
  readonly exit: Promise<RemoteExit>;
  /** A best-effort protocol-level signal to the command (SSH `signal` request). */
  signal(name: string): void;
  /** Backpressure: stop and restart delivering output. */
  pause(): void;
  resume(): void;
  /** Stops listening: closes the channel (the command may keep running; see host-run.ts for how steps are stopped). */
  close(): void;
}

export interface SpawnOptions {
  /** Protocol-level environment (SSH `env` requests), which the host may drop (OpenSSH's AcceptEnv). */
  env?: Readonly<Record<string, string>> | undefined;
  /** Written to the command's stdin; stdin is not closed afterwards. */
  stdin?: string | Buffer | undefined;
  /** Raw bytes in arrival order; the first may come before `spawn` has resolved. */
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
  /** Aborts opening the channel. */
  signal?: AbortSignal | undefined;
}

/** One open connection to a host; all steps of a host run reuse it. */
export interface HostSession {
  spawn(command: string, opts: SpawnOptions): Promise<RemoteProcess>;
  close(): Promise<void>;
}

/** One attempt of a step, running on the host. */
export interface StepProcess {
  /** Settles once all output has been delivered; rejects (with a ConnectionError) when the connection is lost first. */
  readonly exit: Promise<RemoteExit>;
  /** Backpressure: stop and restart delivering output. */
  pause(): void;
  resume(): void;
  /**
   * Stops the attempt and everything it started on the host; resolves once the host has answered how
   * that went. Calling it again returns the same answer.
   */
  stop(): Promise<Termination>;
}

export interface StepLaunch {
  step: StepSpec;
  /** `OPSC_PARAM_*` names and values. */
  env: Readonly<Record<string, string>>;
  /** As the step host chose it for this connection. */
  transport: 'env' | 'preamble';
  /** Raw bytes in arrival order. */
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
  /** Aborts starting the attempt. */
  signal: AbortSignal;
}

/**
 * How steps run on one kind of host, over one open connection: POSIX hosts over SSH
 * (ssh-steps.ts), Windows hosts over WinRM. The executor keeps timing, retries, output and cancel;
 * the step host knows how to start a step and how to stop it for good.
 */
export interface StepHost {
  /** How parameters reach the steps on this connection; asked once, and only when there are parameters. */
  parameterTransport(wanted: ParameterTransport): Promise<'env' | 'preamble'>;
  startStep(launch: StepLaunch): Promise<StepProcess>;
  close(): Promise<void>;
}

/**
 * Opens a connection: an SSH session (whose steps run as ssh-steps.ts says) or a step host of
 * another protocol. The signal cancels the attempt only: an established connection must stay open
 * when the signal fires, because the executor still needs it to stop the steps it started.
 */
export type HostConnector = (signal: AbortSignal) => Promise<HostSession | StepHost>;

/** Output as core defines it (core/runs/schema.ts); the sink decides how to store it. */
export type OutputChunk = StoredChunk;

/**
 * Where output goes. `write` is called with chunks in `seq` order, one call at a time (the next
 * call starts after the previous one settled), at least every flush interval while output flows.
 * A rejection is final: the executor stops the host's current step and reports OUTPUT_SINK, since a
 * run whose output cannot be kept must not go on silently.
 */
export interface OutputSink {
  write(chunks: readonly OutputChunk[]): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Input

export type Interpreter = 'sh' | 'bash' | 'python3';

export interface StepSpec {
  id: string;
  /**
   * A command is a shell command line (run by `sh` over SSH, by cmd over WinRM); a script runs under
   * its interpreter (sh by default; SSH only); PowerShell needs a WinRM host.
   */
  kind: 'command' | 'script' | 'powershell';
  /** Only for scripts. */
  interpreter?: Interpreter | undefined;
  content: string;
  /** Per attempt. */
  timeoutSeconds: number;
  /**
   * A failed or timed-out attempt is tried again up to `count` times, waiting `backoffSeconds`
   * before the first retry and twice as long before each further one (each wait at most 600 s).
   */
  retries: { count: number; backoffSeconds: number };
  /** When the step still fails after its retries, go on with the next step; the host's status is not affected. */
  continueOnError: boolean;
}

/**
 * How parameter values reach a step; either way they are environment variables `OPSC_PARAM_<name>`
 * (the parameter's name as it is, case kept) and never part of a command line.
 * - `env`: SSH `env` requests. The values never pass through a shell parser on the host, but OpenSSH
 *   drops names its `AcceptEnv` does not list (stock configs accept only LANG and LC_*), so the step
 *   checks that each one arrived and fails with exit code 125 and an explanation when one did not.
 * - `preamble`: `export OPSC_PARAM_x='…'` lines at the top of the shell program the executor sends on
 *   stdin, single-quoted (a quote inside becomes '\''), which POSIX sh reads literally. Works with
 *   any sshd configuration.
 * - `auto` (default): asks the host once per connection whether it accepts `OPSC_PARAM_*` (an SSH
 *   `env` request with a random value and a command that echoes it) and uses `env` when it does,
 *   `preamble` otherwise.
 */
export type ParameterTransport = 'auto' | 'env' | 'preamble';

export interface HostRunOptions {
  /** How long a stopped step's process group gets between TERM and KILL. Default 5 s. */
  killGraceSeconds?: number | undefined;
  parameterTransport?: ParameterTransport | undefined;
  /** Output batching: flush at least this often while output flows. Default 150 ms. */
  flushIntervalMs?: number | undefined;
  /** Output batching: largest chunk, and the batch size that triggers a flush. Default 64 KiB. */
  maxChunkBytes?: number | undefined;
  /** Output not yet acknowledged by the sink beyond which reading from the host pauses. Default 1 MiB. */
  highWaterBytes?: number | undefined;
}

export interface HostRunInput {
  /** A connector (the executor opens the connection and closes it at the end) or an open connection (the caller keeps it). */
  connection: HostConnector | HostSession | StepHost;
  steps: readonly StepSpec[];
  parameters: Readonly<Record<string, string>>;
  /** Replaced by `******` in all output (empty strings are ignored). */
  secureValues: readonly string[];
  signal: AbortSignal;
  options?: HostRunOptions | undefined;
}

export interface HostRunDeps {
  output: OutputSink;
  clock: Clock;
}

// ---------------------------------------------------------------------------------------------
// Results

/** `skipped`: not run because an earlier step failed; `cancelled`: stopped, or not run, because the run was cancelled. */
export type StepStatus = 'succeeded' | 'failed' | 'timed_out' | 'cancelled' | 'skipped';

/**
 * How a stopped step (timeout, cancel, output sink failure) ended on the host:
 * `graceful` — its process group was gone within the grace period after TERM;
 * `killed` — it needed KILL, after which nothing of it was left;
 * `incomplete` — something was left after KILL, or it could not be checked (see host-run.ts).
 */
export type Termination = 'graceful' | 'killed' | 'incomplete';

export interface StepResult {
  id: string;
  status: StepStatus;
  /** Of the last attempt, when it ended on its own. */
  exitCode?: number;
  signal?: string;
  /** Of the last attempt, when the executor stopped it. */
  termination?: Termination;
  attempts: number;
  /** Absent when the step never started. */
  startedAt?: string;
  finishedAt?: string;
}

export type HostStatus = 'succeeded' | 'failed' | 'unreachable' | 'cancelled' | 'timed_out';

/**
 * Why a host did not get through: a ConnectionError category (for `unreachable`, and for a
 * connection lost during the steps), OUTPUT_SINK when output could not be stored, INTERNAL for
 * anything else (a bug; the message says what).
 */
export type HostErrorCategory = ConnectionErrorCategory | 'OUTPUT_SINK' | 'INTERNAL';

export interface HostResult {
  status: HostStatus;
  steps: StepResult[];
  errorCategory?: HostErrorCategory;
  /** Never contains a credential or a secure value. */
  errorMessage?: string;
  /** How parameters were passed, when there were any. */
  parameterTransport?: 'env' | 'preamble';
  startedAt: string;
  finishedAt: string;
}

/** Thrown (as a rejection) for input the schemas should have refused; nothing has run. */
export class ExecutorInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutorInputError';
  }
}
