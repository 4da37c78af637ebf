/** NTLMv2 authentication and message security for WinRM; see runner/winrm/README.md. */
export { NtlmClient, DEFAULT_NTLM_VERSION, type NtlmClientOptions } from './client';
export { NtlmServer, type NtlmServerOptions, type NtlmIdentity } from './server';
export { NtlmSession, type NtlmRole, type SealedMessage } from './session';
export { NtlmError, isNtlmError, type NtlmErrorCode } from './errors';
export { tlsServerEndPoint } from './crypto';
