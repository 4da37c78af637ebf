import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * A real OpenSSH sshd for tests, on 127.0.0.1 and a free high port, with its own config, host key,
 * authorized_keys and pid file in a temporary folder that stop() removes. Nothing else on the
 * machine is used or changed, except as follows.
 *
 * How it runs, and why:
 * - As root (CI runs as root, and so does this project's dev container) sshd runs with privilege
 *   separation, as in production, and the tests log in as the unprivileged system user `opsc-test`
 *   (created by `.ci/run`), so that no test command ever runs as root. sshd checks passwords
 *   against /etc/shadow (`UsePAM no`), so password tests set a random password on `opsc-test` for
 *   the life of their sshd and put back '*' ("no password") in stop(). '*' rather than useradd's
 *   '!': sshd without PAM treats '!' as a locked account and refuses even key logins. Only one
 *   password-mode sshd can exist on a machine at a time; a lock file serializes them across jest
 *   workers. sshd needs its privilege separation folder /run/sshd, which is created when missing
 *   (containers without systemd have none).
 * - As another user, sshd runs as that user (no privilege separation) and only that user can log
 *   in, with keys. Password logins cannot work this way (sshd cannot read /etc/shadow), nor can
 *   signalling a session's process, which OpenSSH only does with privilege separation; asking
 *   for a password sshd then fails with an explanation rather than skipping anything.
 */

export const SSHD_PATH = '/usr/sbin/sshd';
export const TEST_USER = 'opsc-test';
const LOOPBACK = '127.0.0.1';
const PASSWORD_LOCK = path.join(tmpdir(), 'opsc-test-sshd-password.lock');

const run = promisify(execFile);

export interface KeyPair {
  privateKey: string;
  publicKey: string;
  /** As `ssh-keygen -lf` prints it: `SHA256:…`. */
  fingerprint: string;
  privateKeyPath: string;
}

export interface TestSshd {
  readonly host: string;
  readonly port: number;
  /** Every port it listens on (the first is `port`). */
  readonly ports: readonly number[];
  /** Who the tests log in as: `opsc-test` as root, else the current user. */
  readonly username: string;
  /** Set when started with `{ password: true }`. */
  readonly password: string | undefined;
  /** The host key's fingerprint as `ssh-keygen -lf` computes it, independently of the code under test. */
  readonly hostKeyFingerprint: string;
  /** A key pair already in authorized_keys. */
  readonly clientKey: KeyPair;
  /** Whether sshd runs with privilege separation (as root), which session signalling needs. */
  readonly privileged: boolean;
  /** Makes a key pair in the temporary folder with ssh-keygen. */
  keygen(name: string, opts?: { passphrase?: string; type?: 'ed25519' | 'rsa' | 'ecdsa' }): Promise<KeyPair>;
  /** Adds a public key to authorized_keys. */
  authorize(publicKey: string): void;
  /** Everything sshd logged so far (`-e`, LogLevel VERBOSE); `log().length` marks a point to read on from. */
  log(): string;
  /** Waits until sshd's log after `from` matches, for assertions about what sshd saw. */
  waitForLog(pattern: RegExp, from?: number, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

/** A port nobody listens on right now (the kernel's choice, released before returning). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });

/** A TCP server on loopback that accepts connections and never says a word: a handshake that never comes. */
export const startSilentServer = async (): Promise<{ port: number; connections(): number; close(): Promise<void> }> => {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, LOOPBACK, resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('silent server has no address');
  return {
    port: address.port,
    connections: () => accepted,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
};

/** `ssh-keygen -lf` of a public key file: the reference fingerprint. */
export const fingerprintOfFile = async (publicKeyPath: string): Promise<string> => {
  const { stdout } = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyPath]);
  const fingerprint = stdout.split(/\s+/)[1];
  if (!fingerprint?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen -lf output: ${stdout}`);
  return fingerprint;
};

export const keygen = async (
  dir: string,
  name: string,
  opts: { passphrase?: string; type?: 'ed25519' | 'rsa' | 'ecdsa' } = {},
): Promise<KeyPair> => {
  const privateKeyPath = path.join(dir, name);
  const type = opts.type ?? 'ed25519';
  await run('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '3072'] : []), '-N', opts.passphrase ?? '', '-C', `opsc-test-${name}`, '-f', privateKeyPath]);
  return {
    privateKey: readFileSync(privateKeyPath, 'utf8'),
    publicKey: readFileSync(`${privateKeyPath}.pub`, 'utf8'),
    fingerprint: await fingerprintOfFile(`${privateKeyPath}.pub`),
    privateKeyPath,
  };
};

/** The OpenSSH version of the installed sshd, to write only options it knows (unknown ones are fatal). */
const sshdVersion = async (): Promise<[number, number]> => {
  // `sshd -V` prints the version (newer releases) or usage with the version (older ones), on stderr, and may exit non-zero.
  const output = await run(SSHD_PATH, ['-V']).then(
    (r) => r.stdout + r.stderr,
    (e: unknown) => {
      const { stdout, stderr } = e as { stdout?: string; stderr?: string };
      return `${stdout ?? ''}${stderr ?? ''}`;
    },
  );
  const match = /OpenSSH_(\d+)\.(\d+)/.exec(output);
  if (!match) throw new Error(`cannot tell the OpenSSH version from: ${output}`);
  return [Number(match[1]), Number(match[2])];
};

const shadowField = async (user: string): Promise<string | undefined> => {
  try {
    const { stdout } = await run('getent', ['shadow', user]);
    return stdout.split(':')[1];
  } catch {
    return undefined;
  }
};

const userExists = async (user: string): Promise<boolean> =>
  run('getent', ['passwd', user]).then(
    () => true,
    () => false,
  );

const setShadowPassword = (user: string, password: string): Promise<void> =>
  new Promise((resolve, reject) => {
    // Through stdin, so the password never appears in a process list.
    const child = spawn('chpasswd', [], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`chpasswd failed (${String(code)}): ${stderr}`));
    });
    child.stdin.end(`${user}:${password}\n`);
  });

const pidAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** A machine-wide lock (O_EXCL file holding our pid); a lock whose process is gone is taken over. */
const acquirePasswordLock = async (timeoutMs = 20_000): Promise<() => void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(PASSWORD_LOCK, 'wx', 0o600);
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        rmSync(PASSWORD_LOCK, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(readFileSync(PASSWORD_LOCK, { encoding: 'utf8', flag: 'r' }).trim());
    if (!Number.isInteger(holder) || holder <= 0 || !pidAlive(holder)) {
      try {
        unlinkSync(PASSWORD_LOCK);
      } catch {
        // another process took it over first
      }
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another password-mode test sshd (pid ${holder}) holds ${PASSWORD_LOCK}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const waitForPort = async (port: number, child: ChildProcess, log: () => string, timeoutMs = 10_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`sshd exited before listening:\n${log()}`);
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: LOOPBACK, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
    if (accepted) return;
    if (Date.now() > deadline) throw new Error(`sshd did not accept connections on ${LOOPBACK}:${port} within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const stopChild = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });

/**
 * `ports`: how many ports the one sshd listens on (OpenSSH allows 16 listening sockets), for the
 * benchmark's many "hosts". `quiet`: log only errors (the benchmark makes thousands of connections).
 */
export const startTestSshd = async (opts: { password?: boolean; ports?: number; quiet?: boolean } = {}): Promise<TestSshd> => {
  if (!existsSync(SSHD_PATH)) throw new Error(`${SSHD_PATH} is missing: install openssh-server (.ci/run does)`);
  const privileged = isRoot();
  const username = privileged ? TEST_USER : userInfo().username;
  if (privileged) {
    if (!(await userExists(TEST_USER))) {
      throw new Error(`the SSH tests log in as the system user ${TEST_USER}; create it as .ci/run does: useradd --create-home --shell /bin/sh --password '*' ${TEST_USER}`);
    }
    if ((await shadowField(TEST_USER))?.startsWith('!')) {
      throw new Error(`${TEST_USER}'s password is locked ('!'), which sshd without PAM refuses even for keys; run: usermod --password '*' ${TEST_USER}`);
    }
    // The privilege separation folder; systemd creates it when it starts the ssh service, containers have none.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  } else if (opts.password) {
    throw new Error(
      'password logins against a real sshd need root: sshd checks them against /etc/shadow, and the test sets the password of the system user opsc-test. CI runs as root.',
    );
  }

  const dir = mkdtempSync(path.join(tmpdir(), 'opsc-sshd-'));
  const cleanups: (() => void | Promise<void>)[] = [
    () => {
      rmSync(dir, { recursive: true, force: true });
    },
  ];
  const cleanUp = async () => {
    for (const step of cleanups.splice(0).reverse()) await step();
  };

  try {
    // sshd reads authorized_keys as the user logging in: the folder must be traversable (not listable) by opsc-test.
    chmodSync(dir, privileged ? 0o711 : 0o700);
    const hostKey = await keygen(dir, 'ssh_host_ed25519_key');
    const clientKey = await keygen(dir, 'client_ed25519');
    const authorizedKeys = path.join(dir, 'authorized_keys');
    writeFileSync(authorizedKeys, clientKey.publicKey, { mode: 0o644 });

    let password: string | undefined;
    if (opts.password) {
      const release = await acquirePasswordLock();
      cleanups.push(release);
      password = `opsc-${randomBytes(18).toString('base64url')}`;
      await setShadowPassword(TEST_USER, password);
      cleanups.push(async () => {
        await run('usermod', ['--password', '*', TEST_USER]);
      });
    }

    const [major, minor] = await sshdVersion();
    const config = (ports: readonly number[]) =>
      [
        `ListenAddress ${LOOPBACK}`,
        ...ports.map((p) => `Port ${String(p)}`),
        // Many clients at once (the benchmark runs 50 handshakes side by side); the default drops some after 10.
        'MaxStartups 1000',
        `HostKey ${hostKey.privateKeyPath}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        `AllowUsers ${username}`,
        'PubkeyAuthentication yes',
        `PasswordAuthentication ${opts.password ? 'yes' : 'no'}`,
        'KbdInteractiveAuthentication no',
        'PermitRootLogin no',
        'UsePAM no',
        // The temporary folder is not owned the way StrictModes wants (it is 0711 under /tmp).
        'StrictModes no',
        'UseDNS no',
        'PrintMotd no',
        'PrintLastLog no',
        'X11Forwarding no',
        'AllowTcpForwarding no',
        'AllowAgentForwarding no',
        'AcceptEnv OPSC_*',
        `LogLevel ${opts.quiet ? 'ERROR' : 'VERBOSE'}`,
        // OpenSSH 9.8 penalizes addresses with failed or unauthenticated connections; the tests make such connections on purpose.
        ...(major > 9 || (major === 9 && minor >= 8) ? ['PerSourcePenalties no'] : []),
        '',
      ].join('\n');

    // The port is free when chosen but could be taken before sshd binds it: try again on another.
    let child: ChildProcess | undefined;
    let port = 0;
    let ports: number[] = [];
    let output = '';
    for (let attempt = 1; ; attempt += 1) {
      ports = [];
      for (let i = 0; i < (opts.ports ?? 1); i++) ports.push(await freePort());
      port = ports[0] ?? 0;
      const configPath = path.join(dir, 'sshd_config');
      writeFileSync(configPath, config(ports), { mode: 0o600 });
      output = '';
      const started = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      started.stderr.on('data', (d: Buffer) => {
        output += d.toString();
      });
      try {
        for (const p of ports) await waitForPort(p, started, () => output);
        child = started;
        break;
      } catch (e) {
        await stopChild(started);
        if (attempt >= 3 || !/Bind to port|Address already in use|Cannot bind/.test(output)) throw e;
      }
    }
    const sshd = child;
    cleanups.push(() => stopChild(sshd));

    const log = () => output;
    return {
      host: LOOPBACK,
      port,
      ports,
      username,
      password,
      hostKeyFingerprint: hostKey.fingerprint,
      clientKey,
      privileged,
      keygen: (name, keyOpts) => keygen(dir, name, keyOpts),
      authorize: (publicKey) => {
        appendFileSync(authorizedKeys, publicKey.endsWith('\n') ? publicKey : `${publicKey}\n`);
      },
      log,
      waitForLog: async (pattern, from = 0, timeoutMs = 5_000) => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const slice = output.slice(from);
          if (pattern.test(slice)) return slice;
          if (Date.now() > deadline) throw new Error(`sshd never logged ${String(pattern)}; it logged:\n${slice}`);
          await new Promise((r) => setTimeout(r, 25));
        }
      },
      stop: cleanUp,
    };
  } catch (e) {
    await cleanUp();
    throw e;
  }
};
