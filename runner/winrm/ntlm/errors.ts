/**
 * What went wrong in NTLM, in the categories a caller acts on: a token or sealed message that is
 * not well formed (MALFORMED), credentials or a MIC that do not verify (AUTH_FAILED: the HTTP layer
 * answers or reports 401), a signature that does not verify on a sealed message (BAD_SIGNATURE:
 * tampering or a lost message; the context cannot continue), something the peer asks for that we
 * refuse to do (UNSUPPORTED, e.g. NTLMv1 or no sealing), or a call out of order (STATE).
 * Messages never carry a password, hash or key.
 */
export type NtlmErrorCode = 'MALFORMED' | 'AUTH_FAILED' | 'BAD_SIGNATURE' | 'UNSUPPORTED' | 'STATE';

export class NtlmError extends Error {
  constructor(
    readonly code: NtlmErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'NtlmError';
  }
}

export const isNtlmError = (e: unknown): e is NtlmError => e instanceof NtlmError;
