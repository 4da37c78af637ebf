/**
 * Why a connection to a target failed, in the few categories an operator can act on: fix the
 * name (DNS), the port or firewall (REFUSED), the network path or the host's load (TIMEOUT), the
 * credential (AUTH_FAILED), the trusted host key (HOST_KEY_MISMATCH, SSH), the server's TLS
 * certificate (TLS, WinRM over HTTPS: trust its CA or opt out), or the server itself (PROTOCOL).
 * Shared by the SSH and WinRM clients. The category is what the console shows and what retries
 * decide on; the message says what happened in words. Neither ever carries a password,
 * passphrase or key.
 */
export const connectionErrorCategories = ['DNS', 'REFUSED', 'TIMEOUT', 'AUTH_FAILED', 'HOST_KEY_MISMATCH', 'TLS', 'PROTOCOL'] as const;
export type ConnectionErrorCategory = (typeof connectionErrorCategories)[number];

export class ConnectionError extends Error {
  /** The fingerprint the server presented, when the handshake got that far (for trust on first use and mismatch reports). */
  readonly hostKeyFingerprint: string | undefined;
  /** The system error code behind it (ECONNREFUSED, ENOTFOUND…), for diagnostics; never a secret. */
  readonly code: string | undefined;

  constructor(
    readonly category: ConnectionErrorCategory,
    message: string,
    details: { hostKeyFingerprint?: string | undefined; code?: string | undefined } = {},
  ) {
    super(message);
    this.name = 'ConnectionError';
    this.hostKeyFingerprint = details.hostKeyFingerprint;
    this.code = details.code;
  }
}

/** System error codes of a failed name lookup, and of a network path that does not reach the host. */
export const DNS_CODES: ReadonlySet<string> = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA']);
export const UNREACHABLE_CODES: ReadonlySet<string> = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

export const isConnectionError = (e: unknown): e is ConnectionError => e instanceof ConnectionError;

/**
 * The error an aborted operation rejects with: the signal's own reason when it is an error, as
 * Node's APIs do. Duck-typed, because the default reason is a DOMException that may come from
 * another realm (as under jest) and so fail `instanceof Error`.
 */
export const abortErrorOf = (signal: AbortSignal): Error => {
  const reason: unknown = signal.reason;
  const errorLike =
    reason instanceof Error ||
    (typeof reason === 'object' && reason !== null && typeof Reflect.get(reason, 'name') === 'string' && typeof Reflect.get(reason, 'message') === 'string');
  return errorLike ? (reason as Error) : new DOMException('The operation was aborted.', 'AbortError');
};
