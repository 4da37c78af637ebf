/**
 * The streaming SSH session (runner/ssh/session.ts) against an in-process ssh2.Server: what a
 * real sshd will not do on demand (end by signal, a flood against a paused reader, a dropped
 * connection, a refused exec) and what the server sees of ours (env and signal requests, stdin).
 */
import { createHash } from 'node:crypto';
import { Server, utils, type ServerChannel } from 'ssh2';
import { ConnectionError } from '../../../runner/connection-error';
import { connectSshSession, type SshSession } from '../../../runner/ssh/session';
import type { SshConnectOptions } from '../../../runner/ssh/client';
import { freePort, startSilentServer } from '../../support/sshd';
import { ed25519KeyPair } from '../../support/ssh-keys';

const USER = 'ops';
const PASSWORD = 'session-Passw0rd-canary';
const FLOOD_BYTES = 6 * 1024 * 1024;

interface Seen {
  env: Record<string, string>;
  signals: string[];
  stdin: string;
}

const writeAll = async (channel: ServerChannel, data: Buffer, chunk = 32 * 1024) => {
  for (let at = 0; at < data.length; at += chunk) {
    if (!channel.write(data.subarray(at, at + chunk))) await new Promise((r) => channel.once('drain', r));
  }
};

const commands: Record<string, (channel: ServerChannel, seen: Seen, drop: () => void) => void | Promise<void>> = {
  talk: (channel) => {
    channel.write('out-1 ');
    channel.stderr.write('err-1 ');
    channel.write(Buffer.from([0xe2, 0x9c]));
    channel.write(Buffer.from([0x93, 0x0a]));
    channel.exit(4);
    channel.end();
  },
  // Answers what arrives on stdin until a line `exit`.
  echo: (channel, seen) => {
    channel.on('data', (d: Buffer) => {
      seen.stdin += d.toString();
      if (seen.stdin.endsWith('exit\n')) {
        channel.write(seen.stdin.toUpperCase());
        channel.exit(0);
        channel.end();
      }
    });
  },
  env: (channel, seen) => {
    channel.write(JSON.stringify(seen.env));
    channel.exit(0);
    channel.end();
  },
  killed: (channel) => {
    channel.exit('KILL', false, '');
    channel.end();
  },
  flood: async (channel) => {
    await writeAll(channel, Buffer.alloc(FLOOD_BYTES, 'f'));
    channel.exit(0);
    channel.end();
  },
  hang: () => undefined,
  drop: (channel, _seen, drop) => {
    channel.write('partial');
    setTimeout(drop, 50);
  },
};

let server: Server;
let port: number;
let hostKeyFingerprint: string;
const seenAll: Seen[] = [];

beforeAll(async () => {
  const hostKey = ed25519KeyPair();
  const parsed = utils.parseKey(hostKey.public);
  if (parsed instanceof Error) throw parsed;
  hostKeyFingerprint = `SHA256:${createHash('sha256').update(parsed.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
  server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'password' && ctx.username === USER && ctx.password === PASSWORD) ctx.accept();
      else ctx.reject(['password']);
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        const seen: Seen = { env: {}, signals: [], stdin: '' };
        seenAll.push(seen);
        session.on('env', (_a, _r, info) => {
          seen.env[info.key] = info.val;
        });
        session.on('signal', (_a, _r, info) => {
          seen.signals.push(info.name);
        });
        session.on('exec', (acceptExec, reject, info) => {
          const run = commands[info.command];
          if (!run) {
            reject();
            return;
          }
          const channel = acceptExec();
          if (info.command !== 'echo') channel.resume();
          void run(channel, seen, () => {
            client.end();
          });
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no address');
  port = address.port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => { resolve(); })));

const options = (over: Partial<SshConnectOptions> = {}): SshConnectOptions => ({
  host: '127.0.0.1',
  port,
  username: USER,
  auth: { kind: 'password', password: PASSWORD },
  hostKey: {},
  timeoutMs: 5_000,
  ...over,
});

const collect = () => {
  const events: [string, string][] = [];
  const out: Buffer[] = [];
  return {
    events,
    out,
    onStdout: (c: Buffer) => {
      out.push(c);
      events.push(['stdout', c.toString('hex')]);
    },
    onStderr: (c: Buffer) => {
      events.push(['stderr', c.toString()]);
    },
  };
};

const failureOf = async (attempt: Promise<unknown>): Promise<Error> => {
  try {
    await attempt;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a failure');
};

const withSession = async (use: (session: SshSession) => Promise<void>) => {
  const session = await connectSshSession(options({ hostKey: { expectedFingerprint: hostKeyFingerprint } }));
  try {
    await use(session);
  } finally {
    await session.close();
  }
};

describe('connectSshSession', () => {
  it('streams stdout and stderr as raw bytes in arrival order and reports the exit status', async () => {
    await withSession(async (session) => {
      const sink = collect();
      const proc = await session.spawn('talk', sink);
      await expect(proc.exit).resolves.toEqual({ exitCode: 4 });
      expect(Buffer.concat(sink.out).toString()).toBe('out-1 ✓\n');
      expect(sink.events[0]).toEqual(['stdout', Buffer.from('out-1 ').toString('hex')]);
      expect(sink.events.some(([stream]) => stream === 'stderr')).toBe(true);
    });
  });

  it('writes stdin without closing it, and sends env requests', async () => {
    await withSession(async (session) => {
      const sink = collect();
      const proc = await session.spawn('echo', { ...sink, stdin: 'line one\nexit\n' });
      await expect(proc.exit).resolves.toEqual({ exitCode: 0 });
      expect(Buffer.concat(sink.out).toString()).toBe('LINE ONE\nEXIT\n');

      const env = collect();
      await (await session.spawn('env', { ...env, env: { OPSC_PARAM_a: "x'y", OTHER: '1' } })).exit;
      expect(JSON.parse(Buffer.concat(env.out).toString())).toEqual({ OPSC_PARAM_a: "x'y", OTHER: '1' });
    });
  });

  it('reports a command ended by a signal, and passes signal requests on', async () => {
    await withSession(async (session) => {
      await expect((await session.spawn('killed', collect())).exit).resolves.toEqual({ exitCode: null, signal: 'SIGKILL' });
      const hanging = await session.spawn('hang', collect());
      hanging.signal('TERM');
      for (let i = 0; i < 250 && seenAll.at(-1)?.signals.length === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(seenAll.at(-1)?.signals).toEqual(['TERM']);
      hanging.close();
      await expect(hanging.exit).resolves.toEqual({ exitCode: null });
    });
  });

  it('stops reading while paused, so the server has to wait, and loses nothing after resume', async () => {
    await withSession(async (session) => {
      let received = 0;
      const proc = await session.spawn('flood', {
        onStdout: (c) => {
          received += c.length;
        },
        onStderr: () => undefined,
      });
      // Some output may have come before spawn() resolved; from here on nothing more may.
      proc.pause();
      const pausedAt = received;
      await new Promise((r) => setTimeout(r, 300));
      // Nothing more was delivered while paused, and the server could not send it all (the window is 2 MiB).
      expect(received).toBe(pausedAt);
      expect(received).toBeLessThan(FLOOD_BYTES);
      proc.resume();
      await expect(proc.exit).resolves.toEqual({ exitCode: 0 });
      expect(received).toBe(FLOOD_BYTES);
    });
  });

  it('rejects a running command when the connection is lost, and refuses new ones', async () => {
    const session = await connectSshSession(options());
    const sink = collect();
    const proc = await session.spawn('drop', sink);
    const error = await failureOf(proc.exit);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(Buffer.concat(sink.out).toString()).toBe('partial');
    await expect(session.spawn('talk', collect())).rejects.toBeInstanceOf(ConnectionError);
    await session.close();
  });

  it('answers a refused exec with PROTOCOL, and an aborted spawn with the abort reason', async () => {
    await withSession(async (session) => {
      const refused = await failureOf(session.spawn('no-such-command', collect()));
      expect(refused).toMatchObject({ category: 'PROTOCOL', message: expect.stringContaining('would not run the command') as unknown });
      const abort = new AbortController();
      abort.abort(new Error('stop it'));
      expect((await failureOf(session.spawn('talk', { ...collect(), signal: abort.signal }))).message).toBe('stop it');
    });
  });

  it('classifies connection failures as client.ts does, without the password', async () => {
    const wrong = await failureOf(connectSshSession(options({ auth: { kind: 'password', password: 'wrong-canary' } })));
    expect(wrong).toMatchObject({ category: 'AUTH_FAILED' });
    expect(wrong.message).not.toContain('wrong-canary');

    const mismatch = await failureOf(connectSshSession(options({ hostKey: { expectedFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } })));
    expect(mismatch).toMatchObject({ category: 'HOST_KEY_MISMATCH', hostKeyFingerprint });

    const closed = await failureOf(connectSshSession(options({ port: await freePort() })));
    expect(closed).toMatchObject({ category: 'REFUSED', code: 'ECONNREFUSED' });

    const silent = await startSilentServer();
    try {
      expect(await failureOf(connectSshSession(options({ port: silent.port, timeoutMs: 300 })))).toMatchObject({ category: 'TIMEOUT' });
      const abort = new AbortController();
      setTimeout(() => {
        abort.abort(new Error('cancelled'));
      }, 50);
      expect((await failureOf(connectSshSession(options({ port: silent.port, signal: abort.signal })))).message).toBe('cancelled');
    } finally {
      await silent.close();
    }
  });

  it('stays open when its connect signal fires after it is established', async () => {
    const abort = new AbortController();
    const session = await connectSshSession(options({ signal: abort.signal }));
    abort.abort();
    await expect((await session.spawn('talk', collect())).exit).resolves.toEqual({ exitCode: 4 });
    await session.close();
    await expect(session.close()).resolves.toBeUndefined();
  });
});
