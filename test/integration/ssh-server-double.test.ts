/**
 * The runner's SSH client against an in-process ssh2.Server: the things a real sshd will not do on
 * demand (exit by signal, no exit status, a flood of output, a dropped connection, a handshake
 * that hangs in authentication) and what the server sees of ours (signal requests, channel and
 * connection closes, authentication attempts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Server, type AuthContext, type ServerChannel } from 'ssh2';
import { connectSsh, DEFAULT_MAX_OUTPUT_BYTES, type SshConnection, type SshConnectOptions } from '../../runner/ssh/client';
import { ConnectionError } from '../../runner/connection-error';
import { testConnection } from '../../runner/ssh/probe';
import { fingerprintOfFile } from '../support/sshd';
import { ed25519KeyPair } from '../support/ssh-keys';

const USER = 'ops';
const PASSWORD = 'double-Passw0rd-canary';
const TIMEOUT_MS = 5_000;

/** What the double saw of one client connection. */
interface Seen {
  authAttempts: number;
  signals: string[];
  channelsClosed: number;
  closed: Promise<void>;
  isClosed: () => boolean;
}

interface Double {
  port: number;
  hostKeyFingerprint: string;
  connections: Seen[];
  /** Resolves with the authentication the double is holding when `holdAuthentication` is on. */
  heldAuthentication: Promise<AuthContext>;
  holdAuthentication: boolean;
  close(): Promise<void>;
}

const later = () => {
  let resolve!: (value: AuthContext) => void;
  const promise = new Promise<AuthContext>((r) => (resolve = r));
  return { promise, resolve };
};

/** Writes through backpressure, so a flood arrives whole however small the client's window. */
const writeAll = async (channel: ServerChannel, data: Buffer, chunk = 16 * 1024) => {
  for (let at = 0; at < data.length; at += chunk) {
    if (!channel.write(data.subarray(at, at + chunk))) await new Promise((r) => channel.once('drain', r));
  }
};

const commands: Record<string, (channel: ServerChannel, env: Record<string, string>, end: () => void) => void | Promise<void>> = {
  'exit-3': (channel) => {
    channel.write('to stdout\n');
    channel.stderr.write('to stderr\n');
    channel.exit(3);
    channel.end();
  },
  ok: (channel) => {
    channel.write('fine\n');
    channel.exit(0);
    channel.end();
  },
  killed: (channel) => {
    channel.exit('KILL', false, '');
    channel.end();
  },
  'no-status': (channel) => {
    channel.end();
  },
  flood: async (channel) => {
    await writeAll(channel, Buffer.alloc(200 * 1024, 'a'));
    channel.stderr.write('err');
    channel.exit(0);
    channel.end();
  },
  utf8: (channel) => {
    // "✓ día" with both multi-byte characters cut between two packets.
    const bytes = Buffer.from('✓ día', 'utf8');
    channel.write(bytes.subarray(0, 1));
    channel.write(bytes.subarray(1, 5));
    channel.write(bytes.subarray(5));
    channel.exit(0);
    channel.end();
  },
  env: (channel, env) => {
    channel.write(JSON.stringify(env));
    channel.exit(0);
    channel.end();
  },
  hang: () => undefined,
  drop: (_channel, _env, end) => {
    end();
  },
  'uname -srm': (channel) => {
    channel.write('Linux 6.1.0-double x86_64\n');
    channel.exit(0);
    channel.end();
  },
};

const startDouble = async (variant: { uname?: (channel: ServerChannel) => void } = {}): Promise<Double> => {
  const hostKey = ed25519KeyPair();
  const dir = mkdtempSync(path.join(tmpdir(), 'opsc-ssh-double-'));
  writeFileSync(path.join(dir, 'host_key.pub'), `${hostKey.public}\n`);
  const hostKeyFingerprint = await fingerprintOfFile(path.join(dir, 'host_key.pub'));
  rmSync(dir, { recursive: true, force: true });

  const held = later();
  const double: Omit<Double, 'port' | 'close'> = { hostKeyFingerprint, connections: [], heldAuthentication: held.promise, holdAuthentication: false };
  const table = variant.uname ? { ...commands, 'uname -srm': variant.uname } : commands;

  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    let closed = false;
    let onClosed: () => void = () => undefined;
    const seen: Seen = {
      authAttempts: 0,
      signals: [],
      channelsClosed: 0,
      closed: new Promise<void>((r) => (onClosed = r)),
      isClosed: () => closed,
    };
    double.connections.push(seen);
    client.on('error', () => undefined);
    client.on('close', () => {
      closed = true;
      onClosed();
    });
    client.on('authentication', (ctx) => {
      seen.authAttempts += 1;
      if (double.holdAuthentication) {
        held.resolve(ctx);
        return;
      }
      if (ctx.method === 'password' && ctx.username === USER && ctx.password === PASSWORD) ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        const env: Record<string, string> = {};
        // Neither request asks for a reply from us (ssh2 passes no accept then).
        session.on('env', (_accept, _reject, info) => {
          env[info.key] = info.val;
        });
        session.on('signal', (_accept, _reject, info) => {
          seen.signals.push(info.name);
        });
        session.on('exec', (acceptExec, reject, info) => {
          const run = table[info.command];
          if (!run) {
            reject();
            return;
          }
          const channel = acceptExec();
          // Read stdin as sshd does; ssh2 reports a channel closed only once its input has been read to the end.
          channel.resume();
          channel.on('close', () => {
            seen.channelsClosed += 1;
          });
          void run(channel, env, () => client.end());
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('the double has no address');

  return Object.assign(double, {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  });
};

let double: Double;
beforeEach(async () => {
  double = await startDouble();
});
afterEach(() => double.close());

const options = (over: Partial<SshConnectOptions> = {}): SshConnectOptions => ({
  host: '127.0.0.1',
  port: double.port,
  username: USER,
  auth: { kind: 'password', password: PASSWORD },
  hostKey: {},
  timeoutMs: TIMEOUT_MS,
  ...over,
});

const withConnection = async (use: (connection: SshConnection, seen: Seen) => Promise<void>, over: Partial<SshConnectOptions> = {}) => {
  const connection = await connectSsh(options(over));
  const seen = double.connections.at(-1);
  if (!seen) throw new Error('the double saw no connection');
  try {
    await use(connection, seen);
  } finally {
    await connection.close();
  }
};

/** The rejection, whatever realm it comes from (an abort's DOMException is not `instanceof Error` under jest). */
const rejectionOf = async (attempt: Promise<unknown>): Promise<Error> => {
  try {
    await attempt;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the attempt to fail');
};

const waitFor = async (condition: () => boolean, what: string) => {
  for (let i = 0; i < 200 && !condition(); i += 1) await new Promise((r) => setTimeout(r, 10));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
};

describe('exec against an ssh2 server double', () => {
  it('reports the exit code with stdout and stderr apart', async () => {
    await withConnection(async (connection) => {
      await expect(connection.exec('exit-3', { timeoutMs: TIMEOUT_MS })).resolves.toEqual({
        exitCode: 3,
        stdout: 'to stdout\n',
        stderr: 'to stderr\n',
        stdoutTruncated: false,
        stderrTruncated: false,
      });
      await expect(connection.exec('ok', { timeoutMs: TIMEOUT_MS })).resolves.toMatchObject({ exitCode: 0, stdout: 'fine\n', stderr: '' });
    });
  });

  it('reports a command ended by a signal, and one the server gave no status for', async () => {
    await withConnection(async (connection) => {
      const killed = await connection.exec('killed', { timeoutMs: TIMEOUT_MS });
      const silent = await connection.exec('no-status', { timeoutMs: TIMEOUT_MS });

      expect(killed).toMatchObject({ exitCode: null, signal: 'SIGKILL' });
      expect(silent.exitCode).toBeNull();
      expect(silent).not.toHaveProperty('signal');
    });
  });

  it('keeps at most 64 KB of each stream by default, reads the rest and says it was cut', async () => {
    await withConnection(async (connection) => {
      const result = await connection.exec('flood', { timeoutMs: TIMEOUT_MS });
      const small = await connection.exec('flood', { timeoutMs: TIMEOUT_MS, maxOutputBytes: 10 });

      expect(result.stdout).toBe('a'.repeat(DEFAULT_MAX_OUTPUT_BYTES));
      expect(result).toMatchObject({ exitCode: 0, stderr: 'err', stdoutTruncated: true, stderrTruncated: false });
      expect(small).toMatchObject({ stdout: 'a'.repeat(10), stderr: 'err'.slice(0, 10), stdoutTruncated: true });
    });
  });

  it('decodes UTF-8 that arrives split across packets', async () => {
    await withConnection(async (connection) => {
      await expect(connection.exec('utf8', { timeoutMs: TIMEOUT_MS })).resolves.toMatchObject({ stdout: '✓ día' });
    });
  });

  it('sends the environment as env requests', async () => {
    await withConnection(async (connection) => {
      const result = await connection.exec('env', { timeoutMs: TIMEOUT_MS, env: { OPSC_RUN: 'run_1', LANG: 'C.UTF-8' } });
      expect(JSON.parse(result.stdout)).toEqual({ OPSC_RUN: 'run_1', LANG: 'C.UTF-8' });
    });
  });

  it('signals KILL and closes the channel of a command that outlives its timeout; the connection stays usable', async () => {
    await withConnection(async (connection, seen) => {
      const error = await rejectionOf(connection.exec('hang', { timeoutMs: 200 }));

      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ category: 'TIMEOUT', message: `The command on 127.0.0.1:${double.port} did not finish within 200 ms; it was killed.` });
      await waitFor(() => seen.channelsClosed === 1, 'the channel to close');
      expect(seen.signals).toEqual(['KILL']);
      await expect(connection.exec('ok', { timeoutMs: TIMEOUT_MS })).resolves.toMatchObject({ exitCode: 0 });
    });
  });

  it('stops a command whose signal is aborted, rejecting with the abort reason', async () => {
    await withConnection(async (connection, seen) => {
      const controller = new AbortController();
      const running = connection.exec('hang', { timeoutMs: TIMEOUT_MS, signal: controller.signal });
      setTimeout(() => {
        controller.abort();
      }, 50);

      const error = await rejectionOf(running);
      expect(error.name).toBe('AbortError');
      expect(error).toBe(controller.signal.reason);
      await waitFor(() => seen.channelsClosed === 1, 'the channel to close');
      expect(seen.signals).toEqual(['KILL']);
      expect(seen.isClosed()).toBe(false);
      await expect(connection.exec('ok', { timeoutMs: TIMEOUT_MS, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    });
  });

  it('rejects a command the server refuses to run with PROTOCOL', async () => {
    await withConnection(async (connection) => {
      const error = await rejectionOf(connection.exec('no-such-command', { timeoutMs: TIMEOUT_MS }));
      expect(error).toMatchObject({ category: 'PROTOCOL', message: expect.stringMatching(/^127\.0\.0\.1:\d+ would not run the command/) as unknown });
    });
  });

  it('rejects a running command with PROTOCOL when the server drops the connection', async () => {
    await withConnection(async (connection) => {
      const error = await rejectionOf(connection.exec('drop', { timeoutMs: TIMEOUT_MS }));
      expect(error).toMatchObject({ category: 'PROTOCOL', message: `The connection to 127.0.0.1:${double.port} was closed.` });
      await expect(connection.exec('ok', { timeoutMs: TIMEOUT_MS })).rejects.toMatchObject({ category: 'PROTOCOL' });
    });
  });
});

describe('the connection against an ssh2 server double', () => {
  it('reports the host key fingerprint as ssh-keygen computes it', async () => {
    await withConnection((connection) => {
      expect(connection.fingerprint).toBe(double.hostKeyFingerprint);
      return Promise.resolve();
    });
  });

  it('close() ends the connection on the server side and rejects later commands', async () => {
    const connection = await connectSsh(options());
    const seen = double.connections[0];
    await connection.close();

    await seen?.closed;
    expect(seen?.isClosed()).toBe(true);
    await expect(connection.exec('ok', { timeoutMs: TIMEOUT_MS })).rejects.toBeInstanceOf(ConnectionError);
    await connection.close();
  });

  it('closes the connection when its signal is aborted, rejecting running commands with the abort reason', async () => {
    const controller = new AbortController();
    const connection = await connectSsh(options({ signal: controller.signal }));
    const seen = double.connections[0];
    const running = connection.exec('hang', { timeoutMs: TIMEOUT_MS });
    await waitFor(() => seen !== undefined, 'the connection');

    controller.abort(new Error('run cancelled'));

    await expect(running).rejects.toThrow('run cancelled');
    await seen?.closed;
    expect(seen?.isClosed()).toBe(true);
  });

  it('an abort during authentication drops the connection and rejects with the abort reason', async () => {
    double.holdAuthentication = true;
    const controller = new AbortController();
    const connecting = connectSsh(options({ signal: controller.signal }));
    await double.heldAuthentication;

    controller.abort();

    await expect(connecting).rejects.toMatchObject({ name: 'AbortError' });
    await double.connections[0]?.closed;
  });

  it('an already aborted signal never connects', async () => {
    const controller = new AbortController();
    controller.abort();

    await expect(connectSsh(options({ signal: controller.signal }))).rejects.toMatchObject({ name: 'AbortError' });
    expect(double.connections).toHaveLength(0);
  });

  it('a host key other than the pinned one ends the handshake before any authentication', async () => {
    const other = await startDouble();
    try {
      const error = await rejectionOf(connectSsh(options({ hostKey: { expectedFingerprint: other.hostKeyFingerprint } })));

      expect(error).toMatchObject({ category: 'HOST_KEY_MISMATCH', hostKeyFingerprint: double.hostKeyFingerprint });
      await double.connections[0]?.closed;
      expect(double.connections[0]?.authAttempts).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('a wrong password is AUTH_FAILED and the password is in no error', async () => {
    const error = await rejectionOf(connectSsh(options({ auth: { kind: 'password', password: `${PASSWORD}-wrong` } })));

    expect(error).toMatchObject({ category: 'AUTH_FAILED' });
    expect(`${error.message}\n${String(error.stack)}\n${JSON.stringify(error)}`).not.toContain(PASSWORD);
    expect(double.connections[0]?.authAttempts).toBe(1);
  });

  it('a server that holds authentication past the budget is TIMEOUT', async () => {
    double.holdAuthentication = true;
    const error = await rejectionOf(connectSsh(options({ timeoutMs: 300 })));

    expect(error).toMatchObject({ category: 'TIMEOUT' });
    await double.connections[0]?.closed;
  });
});

describe('testConnection against an ssh2 server double', () => {
  const credential = { username: USER, auth: { kind: 'password' as const, password: PASSWORD } };

  it('parses uname -srm', async () => {
    const result = await testConnection({ host: '127.0.0.1', port: double.port }, credential, { timeoutMs: TIMEOUT_MS });

    expect(result).toMatchObject({ ok: true, os: { kernel: 'Linux', release: '6.1.0-double', machine: 'x86_64' }, hostKeyFingerprint: double.hostKeyFingerprint });
    await double.connections[0]?.closed;
  });

  it('answers PROTOCOL with the fingerprint when uname is missing or says something odd', async () => {
    const noUname = await startDouble({
      uname: (channel) => {
        channel.stderr.write("sh: 1: uname: not found\n");
        channel.exit(127);
        channel.end();
      },
    });
    const odd = await startDouble({
      uname: (channel) => {
        channel.write('Windows\n');
        channel.exit(0);
        channel.end();
      },
    });
    try {
      const missing = await testConnection({ host: '127.0.0.1', port: noUname.port }, credential, { timeoutMs: TIMEOUT_MS });
      const strange = await testConnection({ host: '127.0.0.1', port: odd.port }, credential, { timeoutMs: TIMEOUT_MS });

      expect(missing).toEqual({
        ok: false,
        category: 'PROTOCOL',
        message: 'Connected and logged in, but `uname -srm` failed (exit 127): sh: 1: uname: not found. Is this a Unix-like host?',
        hostKeyFingerprint: noUname.hostKeyFingerprint,
      });
      expect(strange).toEqual({
        ok: false,
        category: 'PROTOCOL',
        message: 'Connected and logged in, but `uname -srm` answered something unexpected: Windows.',
        hostKeyFingerprint: odd.hostKeyFingerprint,
      });
    } finally {
      await noUname.close();
      await odd.close();
    }
  });

  it('lets an abort through as an exception: a cancelled test has no result', async () => {
    const controller = new AbortController();
    controller.abort();

    await expect(testConnection({ host: '127.0.0.1', port: double.port }, credential, { timeoutMs: TIMEOUT_MS, signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});
