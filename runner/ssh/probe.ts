import { performance } from 'node:perf_hooks';
import { connectSsh, type SshAuth, type SshConnection, type SshConnectOptions } from './client';
import { isConnectionError, type ConnectionErrorCategory } from '../connection-error';

/**
 * The connection test behind `POST …/targets/{id}/test`: can the runner reach the target, trust
 * its host key, log in with the credential and run a command? Failures are answers here, not
 * exceptions, because a failed test is a normal outcome the console shows with its category.
 */
export interface ProbeTarget {
  host: string;
  port: number;
  /** The fingerprint trusted so far; without one, whatever the host presents is reported for the caller to trust. */
  hostKeyFingerprint?: string | undefined;
}

export interface SshCredential {
  username: string;
  auth: SshAuth;
}

export interface ProbeOptions {
  /** Applies to connecting (with authentication) and, separately, to the `uname` command. */
  timeoutMs: number;
  /** Aborting rejects with the abort reason: a cancelled test has no result. */
  signal?: AbortSignal | undefined;
  /** The SSH client; injected so that the probe can be driven against a double. */
  connect?: (opts: SshConnectOptions) => Promise<SshConnection>;
}

export interface OsInfo {
  /** `uname -s`, e.g. Linux */
  kernel: string;
  /** `uname -r`, e.g. 6.1.0-18-amd64 */
  release: string;
  /** `uname -m`, e.g. x86_64 */
  machine: string;
}

export type ProbeResult =
  | { ok: true; latencyMs: number; os: OsInfo; hostKeyFingerprint: string }
  | { ok: false; category: ConnectionErrorCategory; message: string; hostKeyFingerprint?: string };

const OS_COMMAND = 'uname -srm';

export const testConnection = async (target: ProbeTarget, credential: SshCredential, opts: ProbeOptions): Promise<ProbeResult> => {
  const connect = opts.connect ?? connectSsh;
  const started = performance.now();
  let connection: SshConnection;
  try {
    connection = await connect({
      host: target.host,
      port: target.port,
      username: credential.username,
      auth: credential.auth,
      hostKey: { expectedFingerprint: target.hostKeyFingerprint },
      timeoutMs: opts.timeoutMs,
      signal: opts.signal,
    });
  } catch (e) {
    return failureOf(e);
  }
  // Connect and handshake (authentication included): what an operator feels as "the host is slow".
  const latencyMs = Math.round(performance.now() - started);
  const hostKeyFingerprint = connection.fingerprint;

  try {
    const result = await connection.exec(OS_COMMAND, { timeoutMs: opts.timeoutMs, signal: opts.signal });
    if (result.exitCode !== 0) {
      const why = result.signal ?? `exit ${result.exitCode === null ? 'unknown' : String(result.exitCode)}`;
      return {
        ok: false,
        category: 'PROTOCOL',
        message: `Connected and logged in, but \`${OS_COMMAND}\` failed (${why})${firstLine(result.stderr)}. Is this a Unix-like host?`,
        hostKeyFingerprint,
      };
    }
    const os = parseUname(result.stdout);
    if (!os) {
      return {
        ok: false,
        category: 'PROTOCOL',
        message: `Connected and logged in, but \`${OS_COMMAND}\` answered something unexpected${firstLine(result.stdout)}.`,
        hostKeyFingerprint,
      };
    }
    return { ok: true, latencyMs, os, hostKeyFingerprint };
  } catch (e) {
    return failureOf(e, hostKeyFingerprint);
  } finally {
    await connection.close();
  }
};

/** `uname -srm` prints three words; a release never contains spaces, so exactly three are expected. */
export const parseUname = (stdout: string): OsInfo | undefined => {
  const words = stdout.trim().split(/\s+/);
  const [kernel, release, machine] = words;
  if (words.length !== 3 || !kernel || !release || !machine) return undefined;
  return { kernel, release, machine };
};

const firstLine = (text: string): string => {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  return line === '' ? '' : `: ${line.length > 200 ? `${line.slice(0, 200)}…` : line}`;
};

/** Connection failures become answers; anything else (an abort, a bug) stays an exception. */
const failureOf = (e: unknown, knownFingerprint?: string): ProbeResult => {
  if (!isConnectionError(e)) throw e;
  const hostKeyFingerprint = e.hostKeyFingerprint ?? knownFingerprint;
  return {
    ok: false,
    category: e.category,
    message: e.message,
    ...(hostKeyFingerprint === undefined ? {} : { hostKeyFingerprint }),
  };
};
