import type { Socket } from 'node:net';
import type { Client as Ssh2Client, ClientChannel } from 'ssh2';
import { abortErrorOf, ConnectionError } from '../connection-error';
import { classify, establishSsh, redact, type FailureContext } from './connect-rules';

export { sshFingerprint } from './connect-rules';

/**
 * The runner's SSH client: one connection to one target, on ssh2 (pure JavaScript; its optional
 * native crypto is not built). It verifies the host key before anything is sent to authenticate,
 * turns every failure into a ConnectionError with a category an operator can act on, and keeps
 * credential material out of every message it produces.
 */

// ssh2 is CommonJS; under Node's ESM loader only some of its names are visible as named imports.

export type SshAuth = { kind: 'password'; password: string } | { kind: 'key'; privateKey: string; passphrase?: string };

export interface SshConnectOptions {
  host: string;
  port: number;
  username: string;
  auth: SshAuth;
  /**
   * With `expectedFingerprint` (OpenSSH's `SHA256:…`), any other host key ends the handshake
   * before authentication. Without it any key is accepted and reported as `fingerprint`:
   * whether to trust it on first use is the caller's decision.
   */
  hostKey: { expectedFingerprint?: string | undefined };
  /** Budget for name lookup, TCP connect, handshake and authentication together. */
  timeoutMs: number;
  /** Aborting cancels the attempt (rejecting with the abort reason) and, once connected, closes the connection. */
  signal?: AbortSignal | undefined;
}

export interface SshExecOptions {
  timeoutMs: number;
  /** Aborting kills the command (KILL to its process group) and closes its channel; the connection stays usable. */
  signal?: AbortSignal | undefined;
  /** Sent as SSH `env` requests; OpenSSH applies only names its AcceptEnv allows and drops the rest silently. */
  env?: Record<string, string> | undefined;
  /** Per stream; output beyond it is read and dropped, so the command never stalls on a full window. */
  maxOutputBytes?: number | undefined;
}

export interface SshExecResult {
  /** null when the command was ended by a signal, or the server did not report a status. */
  exitCode: number | null;
  /** The signal that ended the command, as `SIGTERM`. */
  signal?: string;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
}

export interface SshConnection {
  /** The host key's fingerprint in OpenSSH's format, `SHA256:<base64 without padding>`. */
  readonly fingerprint: string;
  /**
   * Runs one command and captures its output (bounded: this is for probes, not for streaming
   * job output). The command gets no input: its stdin stays open so that a timed-out or aborted
   * command can still be signalled, so one that waits for input runs into its timeout.
   * A timeout rejects with a TIMEOUT ConnectionError; an abort with the signal's reason.
   */
  exec(command: string, opts: SshExecOptions): Promise<SshExecResult>;
  /** Ends the connection; resolves once the socket is closed. Commands still running are rejected. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
/** How long close() waits for the peer to acknowledge the disconnect before dropping the socket. */
const CLOSE_GRACE_MS = 2_000;


export const connectSsh = (opts: SshConnectOptions): Promise<SshConnection> =>
  establishSsh(opts, (client, sock, ctx) => openConnection(client, sock, { ctx, fingerprint: ctx.presented ?? '', signal: opts.signal }));

const openConnection = (
  client: Ssh2Client,
  sock: Socket,
  { ctx, fingerprint, signal }: { ctx: FailureContext; fingerprint: string; signal: AbortSignal | undefined },
): SshConnection => {
  let closed = false;
  /** Why the connection ended, for commands still running and for later calls. */
  let endReason: Error | undefined;
  const running = new Set<(error: Error) => void>();
  const closeWaiters: (() => void)[] = [];

  let dropTimer: NodeJS.Timeout | undefined;
  const shutDown = (reason: Error) => {
    endReason ??= reason;
    if (closed) return;
    client.end();
    // A peer that never acknowledges the disconnect must not keep the socket (and the runner) alive.
    dropTimer ??= setTimeout(() => sock.destroy(), CLOSE_GRACE_MS);
  };
  const onAbort = () => {
    if (signal) shutDown(abortErrorOf(signal));
  };

  client.on('error', (err) => {
    endReason ??= classify(err, ctx);
  });
  client.on('close', () => {
    closed = true;
    clearTimeout(dropTimer);
    signal?.removeEventListener('abort', onAbort);
    const reason = endReason ?? new ConnectionError('PROTOCOL', `The connection to ${ctx.target} was closed.`, { hostKeyFingerprint: fingerprint });
    for (const stop of running) stop(reason);
    running.clear();
    for (const resolve of closeWaiters.splice(0)) resolve();
  });
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) onAbort();

  const exec = (command: string, opts: SshExecOptions): Promise<SshExecResult> =>
    new Promise<SshExecResult>((resolve, reject) => {
      if (closed || endReason !== undefined) {
        reject(endReason ?? new ConnectionError('PROTOCOL', `The connection to ${ctx.target} is closed.`));
        return;
      }
      if (opts.signal?.aborted) {
        reject(abortErrorOf(opts.signal));
        return;
      }
      const limit = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
      const stdout = boundedCapture(limit);
      const stderr = boundedCapture(limit);
      let channel: ClientChannel | undefined;
      let exit: { code: number | null; signal?: string } = { code: null };
      let done = false;

      const settle = () => {
        if (done) return false;
        done = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onExecAbort);
        running.delete(fail);
        return true;
      };
      // Not one function with an `instanceof Error` test: an abort reason may be a DOMException
      // from another realm (as under jest), and must still be a rejection.
      const fail = (error: Error) => {
        if (!settle()) return;
        if (channel) stopChannel(channel);
        reject(error);
      };
      const succeed = (result: SshExecResult) => {
        if (settle()) resolve(result);
      };
      const onExecAbort = () => {
        if (opts.signal) fail(abortErrorOf(opts.signal));
      };
      const timer = setTimeout(() => {
        fail(new ConnectionError('TIMEOUT', `The command on ${ctx.target} did not finish within ${opts.timeoutMs} ms; it was killed.`, { hostKeyFingerprint: fingerprint }));
      }, opts.timeoutMs);
      opts.signal?.addEventListener('abort', onExecAbort, { once: true });
      running.add(fail);

      try {
        client.exec(command, opts.env === undefined ? {} : { env: opts.env }, (err, ch) => {
          if (err) {
            fail(new ConnectionError('PROTOCOL', `${ctx.target} would not run the command: ${redact(err.message, ctx.secrets)}`, { hostKeyFingerprint: fingerprint }));
            return;
          }
          if (done) {
            // Timed out or aborted while the channel was opening.
            stopChannel(ch);
            return;
          }
          channel = ch;
          ch.on('data', (chunk: Buffer) => {
            stdout.push(chunk);
          });
          ch.stderr.on('data', (chunk: Buffer) => {
            stderr.push(chunk);
          });
          ch.on('exit', (code: number | null, signalName?: string) => {
            exit = signalName === undefined ? { code } : { code, signal: signalName };
          });
          // Both streams must have ended, so that no output arrives after the result is built.
          let open = 2;
          const onStreamClosed = () => {
            if (--open > 0) return;
            succeed({
              exitCode: exit.code,
              ...(exit.signal === undefined ? {} : { signal: exit.signal }),
              stdout: stdout.text(),
              stderr: stderr.text(),
              stdoutTruncated: stdout.truncated(),
              stderrTruncated: stderr.truncated(),
            });
          };
          ch.on('close', onStreamClosed);
          ch.stderr.on('close', onStreamClosed);
        });
      } catch (e) {
        // ssh2 throws synchronously when the socket is no longer writable.
        fail(new ConnectionError('PROTOCOL', `The connection to ${ctx.target} is closed: ${e instanceof Error ? e.message : String(e)}`, { hostKeyFingerprint: fingerprint }));
      }
    });

  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (closed) {
        resolve();
        return;
      }
      closeWaiters.push(resolve);
      shutDown(new ConnectionError('PROTOCOL', `The connection to ${ctx.target} was closed by the runner.`, { hostKeyFingerprint: fingerprint }));
    });

  return { fingerprint, exec, close };
};

/**
 * Ends a command early: KILL to its process group (OpenSSH honours `signal` requests when it runs
 * with privilege separation), then close the channel, since closing alone leaves the process running.
 */
const stopChannel = (channel: ClientChannel) => {
  channel.signal('KILL');
  channel.close();
};

const boundedCapture = (limit: number) => {
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = false;
  return {
    push(chunk: Buffer) {
      const room = limit - kept;
      if (room <= 0) {
        dropped ||= chunk.length > 0;
        return;
      }
      const piece = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (piece.length < chunk.length) dropped = true;
      chunks.push(piece);
      kept += piece.length;
    },
    text: () => Buffer.concat(chunks).toString('utf8'),
    truncated: () => dropped,
  };
};
