import { isConnectionError } from '../connection-error';
import { OutputWriter } from './output';
import { REDACTION, StreamRedactor } from './redactor';
import { checkStep, parameterEnv } from './remote-script';
import { sshStepHost } from './ssh-steps';
import {
  type HostErrorCategory,
  type HostResult,
  type HostRunDeps,
  type HostRunInput,
  type HostSession,
  type HostStatus,
  type OutputChunk,
  type RemoteExit,
  type StepHost,
  type StepProcess,
  type StepResult,
  type StepSpec,
  type Termination,
} from './types';

/**
 * Runs a job's steps on one host, in order, over one connection.
 *
 * The step host (ssh-steps.ts for SSH sessions, or one given for another protocol) starts each
 * attempt and knows how to stop it for good. Output goes through a StreamRedactor per stream and the
 * OutputWriter to the sink. A step that outlives its timeout, a cancelled run and a failed output
 * sink stop the attempt, and the outcome is recorded as the step's `termination`. Only once the
 * host has answered does the step count as finished, so when runHost resolves, nothing of a stopped
 * step runs any more (or its termination says otherwise).
 *
 * Statuses: a step succeeds when it exits 0; otherwise it is retried (timeouts too) and finally
 * `failed` or `timed_out`. A failed or timed-out step stops the host (later steps `skipped`) unless
 * it is continue-on-error. The host is `timed_out` when the step that stopped it timed out,
 * `failed` when it failed (or the connection or output sink gave out), `unreachable` when no
 * connection could be opened, `cancelled` when the signal fired before the host finished.
 */

export const DEFAULT_KILL_GRACE_SECONDS = 5;
/** The longest wait before a retry. */
const MAX_BACKOFF_MS = 600_000;

type StopReason = 'timed_out' | 'cancelled' | 'output';

type AttemptOutcome =
  | { kind: 'exited'; exit: RemoteExit }
  | { kind: 'stopped'; reason: StopReason; termination: Termination }
  | { kind: 'lost'; error: Error };

interface HostContext {
  host: StepHost;
  writer: OutputWriter;
  signal: AbortSignal;
  secureValues: readonly string[];
  env: Record<string, string>;
  transport: 'env' | 'preamble';
  now: () => string;
  /** Set by the writer when the sink fails; every running attempt listens. */
  sinkFailed: EventTarget;
}

export const runHost = async (deps: HostRunDeps, input: HostRunInput): Promise<HostResult> => {
  const now = () => deps.clock.now().toISOString();
  // A function, not the property: the signal fires while this function awaits.
  const cancelled = () => input.signal.aborted;
  const startedAt = now();
  for (const step of input.steps) checkStep(step);
  const env = parameterEnv(input.parameters);
  const opts = input.options ?? {};
  const steps: StepResult[] = input.steps.map((s) => ({ id: s.id, status: 'skipped', attempts: 0 }));
  const finish = (status: HostStatus, extra: Partial<Pick<HostResult, 'errorCategory' | 'errorMessage' | 'parameterTransport'>> = {}): HostResult => {
    if (status === 'cancelled') for (const s of steps) if (s.attempts === 0) s.status = 'cancelled';
    // Messages come from connection errors and the sink; belt and braces, no secure value goes out in one.
    if (extra.errorMessage !== undefined) extra.errorMessage = redactText(extra.errorMessage, input.secureValues);
    return { status, steps, ...extra, startedAt, finishedAt: now() };
  };

  if (cancelled()) return finish('cancelled');
  const graceMs = Math.max(0, (opts.killGraceSeconds ?? DEFAULT_KILL_GRACE_SECONDS) * 1000);
  let host: StepHost;
  const owned = typeof input.connection === 'function';
  try {
    host = stepHostOf(typeof input.connection === 'function' ? await input.connection(input.signal) : input.connection, graceMs);
  } catch (e) {
    if (cancelled()) return finish('cancelled');
    if (isConnectionError(e)) return finish('unreachable', { errorCategory: e.category, errorMessage: e.message });
    return finish('failed', { errorCategory: 'INTERNAL', errorMessage: `Could not open a session: ${messageOf(e)}` });
  }

  const writer = new OutputWriter(deps.output, deps.clock, {
    flushIntervalMs: opts.flushIntervalMs,
    maxChunkBytes: opts.maxChunkBytes,
    highWaterBytes: opts.highWaterBytes,
  });
  const sinkFailed = new EventTarget();
  let closing: Promise<void> | undefined;
  writer.onError = () => sinkFailed.dispatchEvent(new Event('failed'));

  try {
    if (cancelled()) return finish('cancelled');
    let transport: 'env' | 'preamble' = 'preamble';
    const hasParameters = Object.keys(env).length > 0;
    if (hasParameters) {
      const wanted = opts.parameterTransport ?? 'auto';
      transport = await host.parameterTransport(wanted);
    }
    const ctx: HostContext = {
      host,
      writer,
      signal: input.signal,
      secureValues: input.secureValues,
      env,
      transport,
      now,
      sinkFailed,
    };
    const transportField = hasParameters ? { parameterTransport: transport } : {};

    let status: HostStatus = 'succeeded';
    let failure: Pick<HostResult, 'errorCategory' | 'errorMessage'> = {};
    for (const [i, step] of input.steps.entries()) {
      const stepResult = steps[i];
      if (stepResult === undefined) continue;
      if (cancelled()) {
        status = 'cancelled';
        break;
      }
      const outcome = await runStep(ctx, step, stepResult);
      if (stepResult.status === 'succeeded') continue;
      if (outcome?.kind === 'lost') {
        status = 'failed';
        failure = isConnectionError(outcome.error)
          ? { errorCategory: outcome.error.category, errorMessage: outcome.error.message }
          : { errorCategory: 'INTERNAL', errorMessage: messageOf(outcome.error) };
        break;
      }
      if (stepResult.status === 'cancelled') {
        status = 'cancelled';
        break;
      }
      if (writer.error !== undefined) {
        status = 'failed';
        break;
      }
      if (step.continueOnError) continue;
      status = stepResult.status === 'timed_out' ? 'timed_out' : 'failed';
      break;
    }
    // The steps are done with the host: its connection closes while the last output is being stored.
    closing = owned ? host.close() : undefined;
    // Awaited (and any failure thrown) in `finally`; until then a failure must not count as unhandled.
    closing?.catch(() => undefined);
    try {
      await writer.close();
    } catch {
      // reported below
    }
    if (writer.error !== undefined) {
      failure = { errorCategory: 'OUTPUT_SINK' satisfies HostErrorCategory, errorMessage: `Output could not be stored: ${messageOf(writer.error)}` };
      if (status !== 'cancelled') status = 'failed';
    }
    return finish(status, { ...failure, ...transportField });
  } catch (e) {
    if (isConnectionError(e)) return finish(cancelled() ? 'cancelled' : 'failed', { errorCategory: e.category, errorMessage: e.message });
    return finish(cancelled() ? 'cancelled' : 'failed', { errorCategory: 'INTERNAL', errorMessage: messageOf(e) });
  } finally {
    // Already closed on the normal path; after an unexpected error, what was written still goes out.
    await writer.close().catch(() => undefined);
    if (owned) await (closing ?? host.close());
  }
};

/** Runs the attempts of one step and fills in its result; returns the last attempt's outcome. */
const runStep = async (ctx: HostContext, step: StepSpec, result: StepResult): Promise<AttemptOutcome | undefined> => {
  let outcome: AttemptOutcome | undefined;
  for (let attempt = 1; attempt <= step.retries.count + 1; attempt += 1) {
    if (attempt > 1) {
      const wait = Math.min(MAX_BACKOFF_MS, step.retries.backoffSeconds * 1000 * 2 ** (attempt - 2));
      if (!(await sleep(wait, ctx.signal))) {
        result.status = 'cancelled';
        return outcome;
      }
    }
    result.startedAt ??= ctx.now();
    result.attempts = attempt;
    outcome = await runAttempt(ctx, step, attempt);
    result.finishedAt = ctx.now();
    delete result.exitCode;
    delete result.signal;
    delete result.termination;
    switch (outcome.kind) {
      case 'exited': {
        const { exitCode, signal } = outcome.exit;
        if (exitCode !== null) result.exitCode = exitCode;
        if (signal !== undefined) result.signal = signal;
        result.status = exitCode === 0 && signal === undefined ? 'succeeded' : 'failed';
        break;
      }
      case 'stopped':
        result.termination = outcome.termination;
        result.status = outcome.reason === 'timed_out' ? 'timed_out' : outcome.reason === 'cancelled' ? 'cancelled' : 'failed';
        break;
      case 'lost':
        result.status = 'failed';
        return outcome;
    }
    if (result.status === 'succeeded' || result.status === 'cancelled' || ctx.writer.error !== undefined) return outcome;
  }
  return outcome;
};

/** One attempt: start it, stream its output, stop it when it must stop. */
const runAttempt = async (ctx: HostContext, step: StepSpec, attempt: number): Promise<AttemptOutcome> => {
  const redactors = { stdout: new StreamRedactor(ctx.secureValues), stderr: new StreamRedactor(ctx.secureValues) };
  let proc: StepProcess | undefined;
  let paused = false;
  const emit = (stream: OutputChunk['stream'], data: Buffer) => {
    if (data.length === 0) return;
    if (!ctx.writer.push(step.id, attempt, stream, data) && !paused) {
      paused = true;
      proc?.pause();
    }
  };
  ctx.writer.onDrain = () => {
    if (!paused) return;
    paused = false;
    proc?.resume();
  };

  let stopReason: StopReason | undefined;
  let stopping: Promise<Termination> | undefined;
  let exited = false;
  // Functions, not the variables: stop() runs from timers and events while this function awaits.
  const stopRequested = () => stopReason !== undefined;
  const isPaused = () => paused;
  const opening = new AbortController();
  const stop = (reason: StopReason) => {
    if (stopReason !== undefined || exited) return;
    stopReason = reason;
    opening.abort();
    if (proc) stopping = proc.stop();
  };
  const timer = setTimeout(() => {
    stop('timed_out');
  }, step.timeoutSeconds * 1000);
  const onCancel = () => {
    stop('cancelled');
  };
  const onSinkFailed = () => {
    stop('output');
  };
  ctx.signal.addEventListener('abort', onCancel, { once: true });
  ctx.sinkFailed.addEventListener('failed', onSinkFailed, { once: true });
  if (ctx.signal.aborted) stop('cancelled');
  if (ctx.writer.error !== undefined) stop('output');

  const stopped = async (): Promise<AttemptOutcome> => ({
    kind: 'stopped',
    reason: stopReason ?? 'cancelled',
    termination: stopping ? await stopping : 'graceful',
  });

  try {
    if (stopRequested()) return await stopped();
    try {
      proc = await ctx.host.startStep({
        step,
        env: ctx.env,
        transport: ctx.transport,
        onStdout: (chunk) => {
          emit('stdout', redactors.stdout.push(chunk));
        },
        onStderr: (chunk) => {
          emit('stderr', redactors.stderr.push(chunk));
        },
        signal: opening.signal,
      });
    } catch (e) {
      // Stopped while the attempt was starting: nothing ran.
      if (stopRequested()) return await stopped();
      return { kind: 'lost', error: e instanceof Error ? e : new Error(String(e)) };
    }
    const running = proc;
    if (isPaused()) running.pause();
    void running.exit.then(
      () => {
        exited = stopReason === undefined;
      },
      () => undefined,
    );
    if (stopRequested()) stopping ??= running.stop();
    let exit: RemoteExit;
    try {
      exit = await running.exit;
    } catch (e) {
      if (stopRequested()) return await stopped();
      return { kind: 'lost', error: e instanceof Error ? e : new Error(String(e)) };
    }
    if (stopRequested()) return await stopped();
    return { kind: 'exited', exit };
  } finally {
    clearTimeout(timer);
    ctx.signal.removeEventListener('abort', onCancel);
    ctx.sinkFailed.removeEventListener('failed', onSinkFailed);
    ctx.writer.onDrain = undefined;
    emit('stdout', redactors.stdout.end());
    emit('stderr', redactors.stderr.end());
  }
};

/** An SSH session runs its steps through the POSIX envelope; any other connection is a step host already. */
const stepHostOf = (connection: HostSession | StepHost, graceMs: number): StepHost =>
  'startStep' in connection ? connection : sshStepHost(connection, graceMs);

/** Resolves true after `ms`, or false as soon as the signal fires. */
const sleep = (ms: number, signal: AbortSignal): Promise<boolean> =>
  new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const redactText = (text: string, secureValues: readonly string[]): string =>
  secureValues.reduce((t, secret) => (secret === '' ? t : t.split(secret).join(REDACTION)), text);
