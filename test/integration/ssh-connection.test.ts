/**
 * The runner's SSH client and connection test against a real OpenSSH sshd on 127.0.0.1.
 *
 * test/support/sshd.ts starts a private sshd for this file (own config, host key, authorized_keys
 * and pid file in a temporary folder; a free high port; `-D -e` so it dies with the test and logs
 * to us) and stops it after. Password logins need root: sshd checks them against /etc/shadow, so
 * the helper gives the unprivileged system user `opsc-test` (made by .ci/run) a random password
 * for the life of this sshd and takes it away after. CI runs as root; nothing here is skipped.
 */
import { randomInt } from 'node:crypto';
import os from 'node:os';
import { connectSsh, type SshAuth, type SshConnectOptions } from '../../runner/ssh/client';
import { ConnectionError } from '../../runner/connection-error';
import { testConnection } from '../../runner/ssh/probe';
import { authMethodOf } from '../../runner/ssh/connect-rules';
import ssh2 from 'ssh2';
import { freePort, startSilentServer, startTestSshd, type KeyPair, type TestSshd } from '../support/sshd';

const TIMEOUT_MS = 5_000;
// Canaries: none of these may ever show up in an error.
const WRONG_PASSWORD = 'wrong-Passw0rd-canary';
const PASSPHRASE = 'key-Passphrase-canary';

let sshd: TestSshd;
let encryptedKey: KeyPair;
let strangerKey: KeyPair;
/** Never served: its fingerprint stands for the key the host had when it was first trusted. */
let previousHostKey: KeyPair;

beforeAll(async () => {
  sshd = await startTestSshd({ password: true });
  encryptedKey = await sshd.keygen('client_encrypted', { passphrase: PASSPHRASE });
  sshd.authorize(encryptedKey.publicKey);
  strangerKey = await sshd.keygen('client_stranger');
  previousHostKey = await sshd.keygen('previous_host_key');
});
afterAll(() => sshd.stop());

const password = (): SshAuth => ({ kind: 'password', password: sshd.password ?? '' });

const options = (over: Partial<SshConnectOptions> = {}): SshConnectOptions => ({
  host: sshd.host,
  port: sshd.port,
  username: sshd.username,
  auth: password(),
  hostKey: {},
  timeoutMs: TIMEOUT_MS,
  ...over,
});

const connectionErrorOf = async (attempt: Promise<unknown>): Promise<ConnectionError> => {
  try {
    await attempt;
  } catch (e) {
    if (e instanceof ConnectionError) return e;
    throw e;
  }
  throw new Error('expected the attempt to fail');
};

/** The password canary: whatever the error says or carries, no secret is in it. */
const expectNoSecrets = (error: Error) => {
  const everything = `${error.message}\n${String(error.stack)}\n${JSON.stringify(error)}`;
  for (const secret of [sshd.password ?? '', WRONG_PASSWORD, PASSPHRASE, 'PRIVATE KEY']) {
    expect(everything).not.toContain(secret);
  }
};

describe('connectSsh against OpenSSH', () => {
  it('logs in with a password, reports the host key as ssh-keygen fingerprints it, and runs a command', async () => {
    const mark = sshd.log().length;
    const connection = await connectSsh(options());
    try {
      expect(connection.fingerprint).toBe(sshd.hostKeyFingerprint);
      const result = await connection.exec('id -un; echo oops >&2; exit 3', { timeoutMs: TIMEOUT_MS });
      expect(result).toEqual({ exitCode: 3, stdout: `${sshd.username}\n`, stderr: 'oops\n', stdoutTruncated: false, stderrTruncated: false });
    } finally {
      await connection.close();
    }
    await sshd.waitForLog(new RegExp(`Accepted password for ${sshd.username} from 127\\.0\\.0\\.1`), mark);
  });

  it('logs in with a key, against a pinned host key, and passes the environment sshd accepts', async () => {
    const mark = sshd.log().length;
    const connection = await connectSsh(
      options({ auth: { kind: 'key', privateKey: sshd.clientKey.privateKey }, hostKey: { expectedFingerprint: sshd.hostKeyFingerprint } }),
    );
    try {
      const result = await connection.exec('printf "%s|%s" "$OPSC_STEP" "$NOT_ACCEPTED"', {
        timeoutMs: TIMEOUT_MS,
        env: { OPSC_STEP: 'deploy', NOT_ACCEPTED: 'dropped' },
      });
      expect(result).toMatchObject({ exitCode: 0, stdout: 'deploy|' });
    } finally {
      await connection.close();
    }
    await sshd.waitForLog(new RegExp(`Accepted publickey for ${sshd.username} from 127\\.0\\.0\\.1 .*${escape(sshd.clientKey.fingerprint)}`), mark);
  });

  it('logs in with a passphrase-protected key', async () => {
    const connection = await connectSsh(options({ auth: { kind: 'key', privateKey: encryptedKey.privateKey, passphrase: PASSPHRASE } }));
    try {
      await expect(connection.exec('true', { timeoutMs: TIMEOUT_MS })).resolves.toMatchObject({ exitCode: 0 });
    } finally {
      await connection.close();
    }
  });

  it.each(['ed25519', 'ecdsa', 'rsa'] as const)('logs in with an %s key several times with one auth, which signs as ssh2 itself would', async (type) => {
    // prepare
    const key = await sshd.keygen(`client_${type}_reused`, { type });
    sshd.authorize(key.publicKey);
    const auth: SshAuth = { kind: 'key', privateKey: key.privateKey };
    const mark = sshd.log().length;

    // act: three logins with the same auth object (the runner's batch reuses one per credential)
    for (let i = 0; i < 3; i += 1) {
      const connection = await connectSsh(options({ auth }));
      try {
        await expect(connection.exec('true', { timeoutMs: TIMEOUT_MS })).resolves.toMatchObject({ exitCode: 0 });
      } finally {
        await connection.close();
      }
    }

    // assess: sshd accepted this key each time, and the reused key signs as ssh2's own key does
    const accepted = `Accepted publickey for ${sshd.username} from 127\\.0\\.0\\.1 .*${escape(key.fingerprint)}`;
    await sshd.waitForLog(new RegExp(`(?:${accepted}[\\s\\S]*){3}`), mark);
    const method = authMethodOf(sshd.username, auth);
    if (method.type !== 'publickey' || typeof method.key === 'string' || Buffer.isBuffer(method.key)) throw new Error('expected a parsed key');
    // The same auth answers the same parsed key: parsed (and a passphrase's KDF run) once.
    const again = authMethodOf(sshd.username, auth);
    expect(again.type === 'publickey' ? again.key : undefined).toBe(method.key);
    const own = ssh2.utils.parseKey(key.privateKey);
    if (own instanceof Error || Array.isArray(own)) throw new Error('ssh2 could not parse the key');
    const data = Buffer.from('session id and userauth request');
    const signature = method.key.sign(data);
    expect(own.verify(data, signature)).toBe(true);
    // ed25519 and RSA PKCS#1 v1.5 signatures are deterministic: the very same bytes.
    if (type !== 'ecdsa') expect(signature).toEqual(own.sign(data));
    if (type === 'rsa') expect(method.key.sign(data, 'sha512')).toEqual(own.sign(data, 'sha512'));
  });

  it('accepts a pinned fingerprint without the SHA256: prefix or with base64 padding', async () => {
    const body = sshd.hostKeyFingerprint.slice('SHA256:'.length);
    for (const expectedFingerprint of [body, `SHA256:${body}=`]) {
      const connection = await connectSsh(options({ hostKey: { expectedFingerprint } }));
      await connection.close();
    }
  });

  it('answers a wrong password with AUTH_FAILED, without the password in the error', async () => {
    const mark = sshd.log().length;
    const error = await connectionErrorOf(connectSsh(options({ auth: { kind: 'password', password: WRONG_PASSWORD } })));

    expect(error.category).toBe('AUTH_FAILED');
    expect(error.message).toBe(`127.0.0.1:${sshd.port} rejected the password for user '${sshd.username}' (or does not allow password logins).`);
    expect(error.hostKeyFingerprint).toBe(sshd.hostKeyFingerprint);
    expectNoSecrets(error);
    await sshd.waitForLog(new RegExp(`Failed password for ${sshd.username}`), mark);
  });

  it('answers a key the host does not know with AUTH_FAILED', async () => {
    const error = await connectionErrorOf(connectSsh(options({ auth: { kind: 'key', privateKey: strangerKey.privateKey } })));

    expect(error.category).toBe('AUTH_FAILED');
    expect(error.message).toContain(`did not accept the key for user '${sshd.username}'`);
  });

  it('answers an encrypted key with a wrong or missing passphrase with AUTH_FAILED before connecting at all', async () => {
    const silent = await startSilentServer();
    try {
      const at = { host: '127.0.0.1', port: silent.port };
      const wrong = await connectionErrorOf(connectSsh(options({ ...at, auth: { kind: 'key', privateKey: encryptedKey.privateKey, passphrase: WRONG_PASSWORD } })));
      const missing = await connectionErrorOf(connectSsh(options({ ...at, auth: { kind: 'key', privateKey: encryptedKey.privateKey } })));
      const garbage = await connectionErrorOf(connectSsh(options({ ...at, auth: { kind: 'key', privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nbm9wZQ==\n-----END OPENSSH PRIVATE KEY-----\n' } })));

      expect([wrong, missing, garbage].map((e) => [e.category, e.message])).toEqual([
        ['AUTH_FAILED', 'The private key could not be used: the passphrase is wrong.'],
        ['AUTH_FAILED', 'The private key could not be used: it is encrypted and no passphrase was given.'],
        ['AUTH_FAILED', 'The private key could not be used: its format is not supported or it is damaged.'],
      ]);
      for (const e of [wrong, missing, garbage]) expectNoSecrets(e);
      expect(silent.connections()).toBe(0);

      // The same auth again (a batch's next host): refused the same way, without trying the passphrase again.
      const auth: SshAuth = { kind: 'key', privateKey: encryptedKey.privateKey, passphrase: WRONG_PASSWORD };
      const parses = jest.spyOn(ssh2.utils, 'parseKey');
      let again: ConnectionError[];
      let parsed: number;
      try {
        again = [await connectionErrorOf(connectSsh(options({ ...at, auth }))), await connectionErrorOf(connectSsh(options({ ...at, auth })))];
        parsed = parses.mock.calls.length;
      } finally {
        parses.mockRestore();
      }
      expect(again.map((e) => [e.category, e.message])).toEqual([
        ['AUTH_FAILED', 'The private key could not be used: the passphrase is wrong.'],
        ['AUTH_FAILED', 'The private key could not be used: the passphrase is wrong.'],
      ]);
      expect(parsed).toBe(1);
      expect(silent.connections()).toBe(0);
    } finally {
      await silent.close();
    }
  });

  it('answers a closed port with REFUSED', async () => {
    const port = await freePort();
    const error = await connectionErrorOf(connectSsh(options({ port })));

    expect(error).toMatchObject({ category: 'REFUSED', code: 'ECONNREFUSED' });
    expect(error.message).toBe(`127.0.0.1:${port} refused the connection: nothing is listening there, or a firewall rejects it.`);
  });

  it('answers a server that accepts but never speaks SSH with TIMEOUT, within the budget', async () => {
    const silent = await startSilentServer();
    try {
      const started = Date.now();
      const error = await connectionErrorOf(connectSsh(options({ port: silent.port, timeoutMs: 400 })));
      const elapsed = Date.now() - started;

      expect(error.category).toBe('TIMEOUT');
      expect(error.message).toBe(`127.0.0.1:${silent.port} did not complete connecting, the SSH handshake and authentication within 400 ms.`);
      expect(elapsed).toBeGreaterThanOrEqual(390);
      expect(elapsed).toBeLessThan(3_000);
      expect(silent.connections()).toBe(1);
      expectNoSecrets(error);
    } finally {
      await silent.close();
    }
  });

  it('answers a changed host key with HOST_KEY_MISMATCH, and nothing is sent to authenticate', async () => {
    const mark = sshd.log().length;
    const error = await connectionErrorOf(connectSsh(options({ hostKey: { expectedFingerprint: previousHostKey.fingerprint } })));

    expect(error.category).toBe('HOST_KEY_MISMATCH');
    expect(error.hostKeyFingerprint).toBe(sshd.hostKeyFingerprint);
    expect(error.message).toContain(`presented host key ${sshd.hostKeyFingerprint}, not the expected ${previousHostKey.fingerprint}`);
    expectNoSecrets(error);
    // sshd's own account of the connection: it ended during key exchange, before any user or method.
    const seen = await sshd.waitForLog(/Disconnected from 127\.0\.0\.1 port \d+ \[preauth\]/, mark);
    expect(seen).not.toMatch(/Accepted|Failed|Postponed|authenticating user|Invalid user/);
  });

  it('answers a name that does not resolve with DNS', async () => {
    // A generous budget: on a machine without a reachable resolver the lookup fails only after the resolver's own timeouts (EAI_AGAIN).
    const error = await connectionErrorOf(connectSsh(options({ host: 'no-such-host.invalid', timeoutMs: 25_000 })));

    expect(error.category).toBe('DNS');
    expect(error.message).toMatch(/^The host name no-such-host\.invalid could not be resolved/);
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(error.code);
  });

  it('kills a command that outlives its timeout, and the connection stays usable', async () => {
    // A duration no other process is likely to sleep, so pgrep finds only ours.
    const marker = `sleep 29.${String(randomInt(100_000, 999_999))}`;
    const connection = await connectSsh(options());
    try {
      const error = await connectionErrorOf(connection.exec(marker, { timeoutMs: 300 }));
      expect(error.category).toBe('TIMEOUT');

      // OpenSSH signals the session's process group (it runs with privilege separation here).
      let survivors = '';
      for (let i = 0; i < 40; i += 1) {
        const check = await connection.exec(`pgrep -f -u ${sshd.username} '^${marker}$' || true`, { timeoutMs: TIMEOUT_MS });
        survivors = check.stdout.trim();
        if (survivors === '') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(survivors).toBe('');
    } finally {
      await connection.close();
    }
  });
});

describe('testConnection against OpenSSH', () => {
  const target = () => ({ host: sshd.host, port: sshd.port });

  it('reports the OS from uname -srm, the latency and the fingerprint ssh-keygen computes', async () => {
    const result = await testConnection(target(), { username: sshd.username, auth: password() }, { timeoutMs: TIMEOUT_MS });

    expect(result).toEqual({
      ok: true,
      latencyMs: expect.any(Number) as unknown,
      // The same machine, over loopback.
      os: { kernel: os.type(), release: os.release(), machine: os.machine() },
      hostKeyFingerprint: sshd.hostKeyFingerprint,
    });
    if (result.ok) {
      expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      expect(result.latencyMs).toBeLessThan(TIMEOUT_MS);
    }
  });

  it('answers a wrong password with AUTH_FAILED and the fingerprint it saw', async () => {
    const result = await testConnection(target(), { username: sshd.username, auth: { kind: 'password', password: WRONG_PASSWORD } }, { timeoutMs: TIMEOUT_MS });

    expect(result).toEqual({
      ok: false,
      category: 'AUTH_FAILED',
      message: expect.stringContaining('rejected the password') as unknown,
      hostKeyFingerprint: sshd.hostKeyFingerprint,
    });
    expect(JSON.stringify(result)).not.toContain(WRONG_PASSWORD);
  });

  it('answers a changed host key with HOST_KEY_MISMATCH and the key the host presented', async () => {
    const result = await testConnection(
      { ...target(), hostKeyFingerprint: previousHostKey.fingerprint },
      { username: sshd.username, auth: { kind: 'key', privateKey: sshd.clientKey.privateKey } },
      { timeoutMs: TIMEOUT_MS },
    );

    expect(result).toMatchObject({ ok: false, category: 'HOST_KEY_MISMATCH', hostKeyFingerprint: sshd.hostKeyFingerprint });
  });

  it('answers a closed port with REFUSED and no fingerprint', async () => {
    const result = await testConnection({ host: '127.0.0.1', port: await freePort() }, { username: sshd.username, auth: password() }, { timeoutMs: TIMEOUT_MS });

    expect(result).toEqual({ ok: false, category: 'REFUSED', message: expect.stringContaining('refused the connection') as unknown });
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
