import { createHash, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { Socket } from 'node:net';
import ssh2, { type Client as Ssh2Client, type ParsedKey, type PasswordAuthMethod, type PublicKeyAuthMethod } from 'ssh2';
import type { SshAuth, SshConnectOptions } from './client';
import { abortErrorOf, ConnectionError, DNS_CODES, UNREACHABLE_CODES, type ConnectionErrorCategory } from '../connection-error';
import type { CredentialMaterial } from '../../core/inventory/credential-schema';

/**
 * The rules every SSH connection of the runner follows, shared by the probe's client (client.ts)
 * and the executor's streaming session (session.ts): how a connection is opened (host key checked
 * before authenticating, one auth method, keepalives), how keys are parsed before anything goes on
 * the wire, and how ssh2's failures become ConnectionError categories with our own wording and no
 * secret in them.
 */
const { Client, utils } = ssh2;

/** A dead peer (a host gone without a FIN, a NAT that dropped the flow) is noticed in about a minute. */
const KEEPALIVE_INTERVAL_MS = 15_000;
const KEEPALIVE_COUNT_MAX = 4;

/** OpenSSH's fingerprint of a public key blob (the wire format ssh2 hands the host verifier). */
export const sshFingerprint = (publicKeyBlob: Buffer): string =>
  `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;


/** Accepts what people paste: with or without the `SHA256:` prefix and base64 padding. */
export const normalizeFingerprint = (fingerprint: string): string => {
  const trimmed = fingerprint.trim();
  const body = trimmed.startsWith('SHA256:') ? trimmed.slice('SHA256:'.length) : trimmed;
  return `SHA256:${body.replace(/=+$/, '')}`;
};

/** What ssh2 attaches to its errors: a level saying which stage failed, and a system or disconnect code. */
export interface Ssh2Error extends Error {
  level?: string;
  code?: string | number;
}

// SSH_MSG_DISCONNECT reasons a server uses to end authentication (RFC 4253 §11.1).
const AUTH_DISCONNECT_REASONS = new Set([13, 14, 15]);

export interface FailureContext {
  target: string;
  username: string;
  auth: SshAuth['kind'];
  timeoutMs: number;
  /** Set by the host verifier: the key the server presented, and whether it was refused. */
  presented: string | undefined;
  mismatchWith: string | undefined;
  secrets: readonly string[];
}

/** Belt and braces: no library message we pass on may echo a password or passphrase. */
export const redact = (message: string, secrets: readonly string[]): string =>
  secrets.reduce((m, secret) => (secret === '' ? m : m.split(secret).join('[redacted]')), message);

export const classify = (err: Ssh2Error, ctx: FailureContext): ConnectionError => {
  const code = typeof err.code === 'string' ? err.code : undefined;
  const make = (category: ConnectionErrorCategory, message: string) =>
    new ConnectionError(category, redact(message, ctx.secrets), { hostKeyFingerprint: ctx.presented, code });
  const { target } = ctx;

  if (ctx.mismatchWith !== undefined) {
    return make(
      'HOST_KEY_MISMATCH',
      `${target} presented host key ${ctx.presented ?? '(unknown)'}, not the expected ${ctx.mismatchWith}. ` +
        'The host may have been reinstalled, or someone may be intercepting the connection; nothing was sent to authenticate.',
    );
  }
  if ((code !== undefined && DNS_CODES.has(code)) || err.level === 'client-dns') {
    const host = target.slice(0, target.lastIndexOf(':'));
    return make('DNS', `The host name ${host} could not be resolved${code === 'EAI_AGAIN' ? ' (temporary DNS failure)' : ''}.`);
  }
  if (code === 'ECONNREFUSED') return make('REFUSED', `${target} refused the connection: nothing is listening there, or a firewall rejects it.`);
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return make('REFUSED', `${target} is unreachable from the runner (${code}).`);
  if (code === 'ETIMEDOUT' || err.level === 'client-timeout') {
    return err.message === 'Keepalive timeout'
      ? make('TIMEOUT', `${target} stopped answering keepalives.`)
      : make('TIMEOUT', `${target} did not complete connecting, the SSH handshake and authentication within ${ctx.timeoutMs} ms.`);
  }
  if (err.level === 'client-authentication' || (typeof err.code === 'number' && AUTH_DISCONNECT_REASONS.has(err.code))) {
    return make(
      'AUTH_FAILED',
      ctx.auth === 'password'
        ? `${target} rejected the password for user '${ctx.username}' (or does not allow password logins).`
        : `${target} did not accept the key for user '${ctx.username}'.`,
    );
  }
  if (code === 'ECONNRESET' || code === 'EPIPE') return make('PROTOCOL', `${target} reset the connection before the SSH session was ready.`);
  if (err.message === 'Connection lost before handshake') {
    return make('PROTOCOL', `${target} closed the connection before the SSH handshake; it may not be an SSH server, or it turned this client away.`);
  }
  if (err.level === 'client-socket') return make('PROTOCOL', `Network error talking to ${target}${code === undefined ? '' : ` (${code})`}.`);
  return make('PROTOCOL', `The SSH handshake with ${target} failed: ${err.message}`);
};

/**
 * The hash each key type signs with when ssh2 names none (RFC 4253 §6.6, RFC 5656 §6.2.1, RFC 8709;
 * RSA keys are always given rsa-sha2-256/512 or ssh-rsa's sha1 by ssh2).
 */
const SIGNATURE_HASH: Readonly<Record<string, string | null>> = {
  'ssh-ed25519': null,
  'ecdsa-sha2-nistp256': 'sha256',
  'ecdsa-sha2-nistp384': 'sha384',
  'ecdsa-sha2-nistp521': 'sha512',
  'ssh-rsa': 'sha1',
};

/**
 * ssh2 signs with the key's PEM text, which OpenSSL decodes again for every signature: about 0.4 ms
 * on the test machine, ten times the signature itself, and a runner signs once per host with the
 * same few keys. This key signs with a KeyObject made once; everything else is the parsed key's.
 */
const signingOnce = (parsed: ParsedKey): ParsedKey => {
  const hash = SIGNATURE_HASH[parsed.type];
  if (hash === undefined) return parsed;
  let key: KeyObject;
  try {
    key = createPrivateKey(parsed.getPrivatePEM());
  } catch {
    return parsed;
  }
  // ssh2 recognises a parsed key by a symbol it reads through the prototype chain.
  return Object.create(parsed, {
    sign: {
      value: (data: Buffer | string, algo?: string): Buffer | Error => {
        try {
          return sign(algo ?? hash, typeof data === 'string' ? Buffer.from(data) : data, key);
        } catch (e) {
          // As ssh2's own sign: an Error returned, which it reports as a failed authentication.
          return e instanceof Error ? e : new Error(String(e));
        }
      },
    },
  }) as ParsedKey;
};

/**
 * Keys parsed per credential's auth object, or why they cannot be used: a batch makes one auth per
 * credential and connects many hosts with it, and a wrong passphrase costs its key derivation too.
 */
const parsedKeys = new WeakMap<SshAuth, ParsedKey | ConnectionError>();

const parseKeyOf = (auth: Extract<SshAuth, { kind: 'key' }>): ParsedKey | ConnectionError => {
  const parsed = utils.parseKey(auth.privateKey, auth.passphrase);
  if (parsed instanceof Error) {
    const why = /no passphrase given/i.test(parsed.message)
      ? 'it is encrypted and no passphrase was given'
      : /passphrase|decrypt|integrity/i.test(parsed.message)
        ? 'the passphrase is wrong'
        : 'its format is not supported or it is damaged';
    return new ConnectionError('AUTH_FAILED', `The private key could not be used: ${why}.`);
  }
  if (!parsed.isPrivateKey()) return new ConnectionError('AUTH_FAILED', 'The private key could not be used: it is a public key.');
  return signingOnce(parsed);
};

/**
 * Parses a private key up front so that a bad key or passphrase is reported as such, in our own
 * words (the parser's messages are not ours to vouch for), before anything goes on the wire.
 */
export const authMethodOf = (username: string, auth: SshAuth): PasswordAuthMethod | PublicKeyAuthMethod => {
  if (auth.kind === 'password') return { type: 'password', username, password: auth.password } satisfies PasswordAuthMethod;
  let key = parsedKeys.get(auth);
  if (key === undefined) {
    key = parseKeyOf(auth);
    parsedKeys.set(auth, key);
  }
  // Each host its own error (with its own stack), the same words.
  if (key instanceof ConnectionError) throw new ConnectionError(key.category, key.message);
  return { type: 'publickey', username, key } satisfies PublicKeyAuthMethod;
};

const authsOfMaterial = new WeakMap<CredentialMaterial, SshAuth>();
/**
 * A credential's material as SSH authentication (WinRM passwords are for WinRM targets only). One
 * auth per material object: the hosts of a batch, or the targets of a bulk connection test, share
 * their credential's material (`loginsOf`), so its key is parsed once (`authMethodOf`).
 */
export const sshAuthOf = (material: CredentialMaterial): SshAuth => {
  let auth = authsOfMaterial.get(material);
  if (auth === undefined) {
    auth = material.kind === 'ssh-key' ? { kind: 'key', privateKey: material.privateKey, ...(material.passphrase === undefined ? {} : { passphrase: material.passphrase }) } : { kind: 'password', password: material.password };
    authsOfMaterial.set(material, auth);
  }
  return auth;
};

export const secretsOf = (auth: SshAuth): string[] =>
  auth.kind === 'password' ? [auth.password] : auth.passphrase === undefined ? [] : [auth.passphrase];

/**
 * Opens an authenticated SSH connection on a socket of our own (so an abort or a close can always
 * drop it: ssh2's destroy() does nothing once the socket is half-closed) and hands the ready client
 * to `onReady`, which must attach its own 'error' listener. Until then, an abort cancels the attempt.
 */
export const establishSsh = <T>(opts: SshConnectOptions, onReady: (client: Ssh2Client, sock: Socket, ctx: FailureContext) => T): Promise<T> => {
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(abortErrorOf(signal));
  let authMethod: PasswordAuthMethod | PublicKeyAuthMethod;
  try {
    authMethod = authMethodOf(opts.username, opts.auth);
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
  const expected = opts.hostKey.expectedFingerprint === undefined ? undefined : normalizeFingerprint(opts.hostKey.expectedFingerprint);
  const ctx: FailureContext = {
    target: `${opts.host}:${opts.port}`,
    username: opts.username,
    auth: opts.auth.kind,
    timeoutMs: opts.timeoutMs,
    presented: undefined,
    mismatchWith: undefined,
    secrets: secretsOf(opts.auth),
  };

  return new Promise<T>((resolve, reject) => {
    const client = new Client();
    const sock = new Socket();
    let settled = false;

    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      sock.destroy();
      reject(error);
    };
    const onAbort = () => {
      if (signal) fail(abortErrorOf(signal));
    };
    const onError = (err: Ssh2Error) => {
      fail(classify(err, ctx));
    };
    const onClose = () => {
      fail(new ConnectionError('PROTOCOL', `The connection to ${ctx.target} closed before the SSH session was ready.`, { hostKeyFingerprint: ctx.presented }));
    };

    client.on('error', onError);
    client.on('close', onClose);
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      // Hand over to the caller's listeners; there must always be an 'error' listener, since ssh2
      // emits errors at any time and an unheard 'error' would crash the runner.
      const ready = onReady(client, sock, ctx);
      client.removeListener('error', onError);
      client.removeListener('close', onClose);
      resolve(ready);
    });
    signal?.addEventListener('abort', onAbort, { once: true });

    sock.setNoDelay(true);
    sock.connect({ host: opts.host, port: opts.port });
    try {
      client.connect({
        sock,
        host: opts.host,
        port: opts.port,
        username: opts.username,
        // Exactly the one method this credential is for: no 'none' probe, no agent, no keyboard-interactive.
        authHandler: [authMethod],
        readyTimeout: opts.timeoutMs,
        keepaliveInterval: KEEPALIVE_INTERVAL_MS,
        keepaliveCountMax: KEEPALIVE_COUNT_MAX,
        // Runs during key exchange, before the session is encrypted: refusing here means no
        // credential ever reaches a server we do not trust.
        hostVerifier: (key: Buffer): boolean => {
          const fingerprint = sshFingerprint(key);
          ctx.presented = fingerprint;
          if (expected !== undefined && fingerprint !== expected) {
            ctx.mismatchWith = expected;
            return false;
          }
          return true;
        },
      });
    } catch (e) {
      fail(new ConnectionError('PROTOCOL', redact(`Could not start an SSH connection to ${ctx.target}: ${e instanceof Error ? e.message : String(e)}`, ctx.secrets)));
    }
  });
};
