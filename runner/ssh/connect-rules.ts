import ssh2, { type PasswordAuthMethod, type PublicKeyAuthMethod } from 'ssh2';
import type { SshAuth } from './client';
import { ConnectionError, type ConnectionErrorCategory } from './connection-error';

/**
 * The rules every SSH connection of the runner follows, shared by the probe's client (client.ts)
 * and the executor's streaming session (session.ts): how keys are parsed before anything goes on
 * the wire, and how ssh2's failures become ConnectionError categories with our own wording and no
 * secret in them.
 */
const { utils } = ssh2;

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

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
const UNREACHABLE_CODES = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
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
 * Parses a private key up front so that a bad key or passphrase is reported as such, in our own
 * words (the parser's messages are not ours to vouch for), before anything goes on the wire.
 */
export const authMethodOf = (username: string, auth: SshAuth): PasswordAuthMethod | PublicKeyAuthMethod => {
  if (auth.kind === 'password') return { type: 'password', username, password: auth.password } satisfies PasswordAuthMethod;
  const parsed = utils.parseKey(auth.privateKey, auth.passphrase);
  if (parsed instanceof Error) {
    const why = /no passphrase given/i.test(parsed.message)
      ? 'it is encrypted and no passphrase was given'
      : /passphrase|decrypt|integrity/i.test(parsed.message)
        ? 'the passphrase is wrong'
        : 'its format is not supported or it is damaged';
    throw new ConnectionError('AUTH_FAILED', `The private key could not be used: ${why}.`);
  }
  if (!parsed.isPrivateKey()) throw new ConnectionError('AUTH_FAILED', 'The private key could not be used: it is a public key.');
  return { type: 'publickey', username, key: parsed } satisfies PublicKeyAuthMethod;
};

export const secretsOf = (auth: SshAuth): string[] =>
  auth.kind === 'password' ? [auth.password] : auth.passphrase === undefined ? [] : [auth.passphrase];
