import { isConnectionError } from '../connection-error';
import {
  BOOTSTRAP_COMMAND,
  buildEnvelope,
  ENV_PROBE_NAME,
  envProbeScript,
  newNonce,
  parseReaperVerdict,
  PgidMarker,
  PLAIN_SH_COMMAND,
  reaperScript,
  type ReaperVerdict,
  shellStatus,
} from './remote-script';
import { ExecutorInputError, type HostSession, type ParameterTransport, type RemoteProcess, type StepHost, type StepLaunch, type StepProcess, type Termination } from './types';

/**
 * Steps on a POSIX host over an SSH session: each attempt is one exec channel running the envelope
 * (remote-script.ts) in its own process group, and a stop runs the reaper against that group on a
 * second channel (TERM, the grace period, KILL, and a check that nothing is left). The step counts
 * as stopped only once the reaper answered, so its verdict is the step's `termination`.
 */

/** How long a stop waits for the step to announce its process group when it has not yet. */
const PGID_WAIT_MS = 5_000;
/** After the reaper, how long the step's channel gets to close on its own before it is closed. */
const CHANNEL_CLOSE_WAIT_MS = 2_000;
/** The reaper's own budget beyond the grace period (TERM wait, KILL wait of 5 s, ps/awk). */
const REAPER_MARGIN_MS = 15_000;
const PROBE_TIMEOUT_MS = 15_000;

export const sshStepHost = (session: HostSession, graceMs: number): StepHost => ({
  parameterTransport: (wanted: ParameterTransport) => (wanted === 'auto' ? probeEnvTransport(session) : Promise.resolve(wanted)),
  startStep: (launch) => startSshStep(session, graceMs, launch),
  close: () => session.close(),
});

const startSshStep = async (session: HostSession, graceMs: number, launch: StepLaunch): Promise<StepProcess> => {
  const { step, env, transport } = launch;
  if (step.kind === 'powershell') throw new ExecutorInputError(`Step '${step.id}' is PowerShell, which needs a WinRM target.`);
  const nonce = newNonce();
  const envelope = buildEnvelope({ nonce, step, env, transport });
  const marker = new PgidMarker(nonce);
  let pgidKnown: (pgid: number) => void = () => undefined;
  const pgid = new Promise<number>((resolve) => {
    pgidKnown = resolve;
  });
  let flushed = false;
  // What the marker held back (the start of a line that might have been it) is output after all.
  const flushMarker = () => {
    if (flushed) return;
    flushed = true;
    launch.onStdout(marker.end());
  };

  const proc = await session.spawn(BOOTSTRAP_COMMAND, {
    env: transport === 'env' ? env : undefined,
    stdin: envelope,
    onStdout: (chunk) => {
      const seen = marker.push(chunk);
      if (seen.pgid !== undefined) pgidKnown(seen.pgid);
      launch.onStdout(seen.output);
    },
    onStderr: launch.onStderr,
    signal: launch.signal,
  });
  const exit = proc.exit.then(
    (e) => {
      flushMarker();
      return shellStatus(e);
    },
    (e: unknown) => {
      flushMarker();
      throw e;
    },
  );
  // Whoever awaits `exit` sees the rejection; this copy must not count as unhandled.
  exit.catch(() => undefined);
  let stopping: Promise<Termination> | undefined;
  return {
    exit,
    pause: () => {
      proc.pause();
    },
    resume: () => {
      proc.resume();
    },
    stop: () => {
      stopping ??= terminate(session, proc, pgid, graceMs).finally(flushMarker);
      return stopping;
    },
  };
};

/**
 * Stops a running attempt: the reaper on a second channel against the step's process group, then
 * makes sure the step's channel closes. Without a known process group (the envelope never got to
 * print it) the best left is an SSH KILL signal, which OpenSSH delivers to the session's group.
 */
const terminate = async (session: HostSession, proc: RemoteProcess, pgid: Promise<number>, graceMs: number): Promise<Termination> => {
  const closed = proc.exit.then(
    () => true,
    () => true,
  );
  const group = await Promise.race([pgid, closed.then(() => undefined), delay(PGID_WAIT_MS).then(() => undefined)]);
  if (group === undefined) {
    proc.signal('KILL');
    proc.close();
    return 'incomplete';
  }
  const verdict = await runReaper(session, group, graceMs);
  if (!(await Promise.race([closed, delay(CHANNEL_CLOSE_WAIT_MS).then(() => false)]))) proc.close();
  switch (verdict) {
    case 'gone':
    case 'terminated':
      return 'graceful';
    case 'killed':
      return 'killed';
    case 'survived':
    case undefined:
      return 'incomplete';
  }
};

const runReaper = async (session: HostSession, pgid: number, graceMs: number): Promise<ReaperVerdict | undefined> => {
  const out: Buffer[] = [];
  const budget = graceMs + REAPER_MARGIN_MS;
  try {
    const reaper = await session.spawn(PLAIN_SH_COMMAND, {
      stdin: reaperScript(pgid, graceMs),
      onStdout: (chunk) => out.push(chunk),
      onStderr: () => undefined,
      signal: AbortSignal.timeout(budget),
    });
    const finished = await Promise.race([reaper.exit.then(() => true), delay(budget).then(() => false)]);
    if (!finished) reaper.close();
  } catch {
    // The connection is gone, or the host would not open a channel in time: nothing more can be done from here.
    return undefined;
  }
  return parseReaperVerdict(Buffer.concat(out).toString('utf8'));
};

/**
 * 'env' when the host accepts `OPSC_PARAM_*` as SSH environment, else 'preamble' (also when the probe
 * itself does not work out, since the preamble works everywhere). A lost connection is passed on.
 */
const probeEnvTransport = async (session: HostSession): Promise<'env' | 'preamble'> => {
  const value = newNonce();
  const out: Buffer[] = [];
  try {
    const probe = await session.spawn(PLAIN_SH_COMMAND, {
      env: { [ENV_PROBE_NAME]: value },
      stdin: envProbeScript(),
      onStdout: (chunk) => out.push(chunk),
      onStderr: () => undefined,
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    const finished = await Promise.race([probe.exit.then(() => true), delay(PROBE_TIMEOUT_MS).then(() => false)]);
    if (!finished) probe.close();
  } catch (e) {
    if (isConnectionError(e)) throw e;
    return 'preamble';
  }
  return Buffer.concat(out).toString('utf8') === value ? 'env' : 'preamble';
};

const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms).unref();
  });
