import type { Socket } from 'node:net';
import type { Client as Ssh2Client, ClientChannel } from 'ssh2';
import type { SshConnectOptions } from './client';
import { abortErrorOf, ConnectionError } from '../connection-error';
import { classify, establishSsh, redact, type FailureContext as Context, type Ssh2Error } from './connect-rules';

/**
 * A streaming SSH session for the job executor: the same connection rules as `connectSsh` in
 * client.ts (host key checked before authenticating, one auth method, failures as ConnectionError
 * categories, no secret in any message), plus what client.ts's bounded `exec` cannot do: hand
 * output over as it arrives, write to the command's stdin, and let the caller apply backpressure.
 *
 * Kept apart from client.ts so that the probe's code path stays as it is; both follow the same
 * connection rules (connect-rules.ts).
 *
 * One difference from connectSsh: `signal` cancels the connection *attempt* only. An established
 * session stays open when it is aborted, because the executor still needs it to stop the commands it
 * started (a closed connection leaves them running on the host).
 */


export interface SshSpawnOptions {
  /** Sent as SSH `env` requests; OpenSSH applies only names its AcceptEnv allows and drops the rest silently. */
  env?: Readonly<Record<string, string>> | undefined;
  /**
   * Written to the command's stdin once the channel is open. Stdin is never closed (no EOF), as in
   * client.ts: OpenSSH and ssh2 honour `signal` requests only while the client side is open. A
   * command that should see end-of-input must know where its input ends (a shell reading a script
   * that ends with `exit` does).
   */
  stdin?: string | Buffer | undefined;
  /**
   * Raw bytes, in arrival order, as SSH delivers them: a chunk may end inside a UTF-8 character.
   * The first output can arrive before `spawn` has resolved (it may come in the same packet batch
   * as the server's answer to the exec request).
   */
  onStdout: (chunk: Buffer) => void;
  onStderr: (chunk: Buffer) => void;
  /** Aborting before the channel is open rejects with the abort reason (and closes the channel if it opens later). */
  signal?: AbortSignal | undefined;
}

export interface SshExit {
  /** null when the command was ended by a signal, or the server reported no status. */
  exitCode: number | null;
  /** As `SIGTERM`, when the server reported one. */
  signal?: string;
}

export interface SshProcess {
  /**
   * Settles once both output streams have ended and the channel is closed, so no output comes after
   * it. Rejects with a ConnectionError when the connection ends first.
   */
  readonly exit: Promise<SshExit>;
  /** An SSH `signal` request (`TERM`, `KILL`…); OpenSSH delivers it only with privilege separation. */
  signal(name: string): void;
  /** Stops reading output: the server stops sending once the channel window is used up. */
  pause(): void;
  resume(): void;
  /** Closes the channel; the command may keep running on the host. */
  close(): void;
}

export interface SshSession {
  /** The host key's fingerprint in OpenSSH's format, `SHA256:<base64 without padding>`. */
  readonly fingerprint: string;
  /** Opens an exec channel; rejects with a ConnectionError when the connection is gone or the server refuses. */
  spawn(command: string, opts: SshSpawnOptions): Promise<SshProcess>;
  /** Ends the connection; resolves once the socket is closed. Processes still running are rejected. */
  close(): Promise<void>;
}

const CLOSE_GRACE_MS = 2_000;
export const connectSshSession = (opts: SshConnectOptions): Promise<SshSession> =>
  establishSsh(opts, (client, sock, ctx) => openSession(client, sock, ctx, ctx.presented ?? ''));

const openSession = (client: Ssh2Client, sock: Socket, ctx: Context, fingerprint: string): SshSession => {
  let closed = false;
  let endReason: Error | undefined;
  const running = new Set<(error: Error) => void>();
  const closeWaiters: (() => void)[] = [];
  let dropTimer: NodeJS.Timeout | undefined;
  const lost = () => endReason ?? new ConnectionError('PROTOCOL', `The connection to ${ctx.target} was closed.`, { hostKeyFingerprint: fingerprint });

  client.on('error', (err: Ssh2Error) => {
    endReason ??= classify(err, ctx);
  });
  client.on('close', () => {
    closed = true;
    clearTimeout(dropTimer);
    const reason = lost();
    for (const stop of running) stop(reason);
    running.clear();
    for (const done of closeWaiters.splice(0)) done();
  });

  const spawn = (command: string, opts: SshSpawnOptions): Promise<SshProcess> =>
    new Promise<SshProcess>((resolve, reject) => {
      if (closed || endReason !== undefined) {
        reject(lost());
        return;
      }
      if (opts.signal?.aborted) {
        reject(abortErrorOf(opts.signal));
        return;
      }
      let opened = false;
      const onAbort = () => {
        if (opened || !opts.signal) return;
        running.delete(failOpen);
        reject(abortErrorOf(opts.signal));
      };
      const failOpen = (error: Error) => {
        opts.signal?.removeEventListener('abort', onAbort);
        reject(error);
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      running.add(failOpen);
      try {
        client.exec(command, opts.env === undefined ? {} : { env: { ...opts.env } }, (err, channel) => {
          running.delete(failOpen);
          opts.signal?.removeEventListener('abort', onAbort);
          if (err) {
            reject(new ConnectionError('PROTOCOL', `${ctx.target} would not run the command: ${redact(err.message, ctx.secrets)}`, { hostKeyFingerprint: fingerprint }));
            return;
          }
          if (opts.signal?.aborted) {
            // Aborted while the channel was opening: nothing was written, so the command reads end of input.
            channel.close();
            return;
          }
          opened = true;
          resolve(processOf(channel, opts, running));
          if (opts.stdin !== undefined && opts.stdin.length > 0) channel.write(opts.stdin);
        });
      } catch (e) {
        running.delete(failOpen);
        opts.signal?.removeEventListener('abort', onAbort);
        reject(new ConnectionError('PROTOCOL', `The connection to ${ctx.target} is closed: ${e instanceof Error ? e.message : String(e)}`, { hostKeyFingerprint: fingerprint }));
      }
    });

  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (closed) {
        resolve();
        return;
      }
      closeWaiters.push(resolve);
      endReason ??= new ConnectionError('PROTOCOL', `The connection to ${ctx.target} was closed by the runner.`, { hostKeyFingerprint: fingerprint });
      client.end();
      dropTimer ??= setTimeout(() => sock.destroy(), CLOSE_GRACE_MS);
    });

  return { fingerprint, spawn, close };
};

const processOf = (channel: ClientChannel, opts: SshSpawnOptions, running: Set<(error: Error) => void>): SshProcess => {
  let status: SshExit = { exitCode: null };
  let settle!: { resolve: (exit: SshExit) => void; reject: (error: Error) => void };
  const exit = new Promise<SshExit>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Rejections are for the caller's await; an unobserved one must not crash the runner.
  exit.catch(() => undefined);
  let done = false;
  const finish = (error?: Error) => {
    if (done) return;
    done = true;
    running.delete(finish);
    if (error) settle.reject(error);
    else settle.resolve(status);
  };
  running.add(finish);

  channel.on('data', (chunk: Buffer) => {
    opts.onStdout(chunk);
  });
  channel.stderr.on('data', (chunk: Buffer) => {
    opts.onStderr(chunk);
  });
  channel.on('exit', (code: number | null, signalName?: string) => {
    status = signalName === undefined ? { exitCode: code } : { exitCode: code, signal: signalName };
  });
  let open = 2;
  const onStreamClosed = () => {
    if (--open === 0) finish();
  };
  channel.on('close', onStreamClosed);
  channel.stderr.on('close', onStreamClosed);

  return {
    exit,
    signal: (name) => {
      channel.signal(name);
    },
    pause: () => {
      channel.pause();
      channel.stderr.pause();
    },
    resume: () => {
      channel.resume();
      channel.stderr.resume();
    },
    close: () => {
      channel.close();
    },
  };
};
