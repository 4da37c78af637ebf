import type { CredentialKind, TargetProtocol } from '../../api/types';

export const credentialKinds: readonly CredentialKind[] = ['ssh-key', 'ssh-password', 'winrm-password'];

export const kindLabels: Record<CredentialKind, string> = {
  'ssh-key': 'SSH key',
  'ssh-password': 'SSH password',
  'winrm-password': 'WinRM password',
};

export const kindDescriptions: Record<CredentialKind, string> = {
  'ssh-key': 'A private key (OpenSSH or PEM), with its passphrase if it has one. Linux and other SSH hosts.',
  'ssh-password': 'A password for SSH logins. Linux and other SSH hosts.',
  'winrm-password': 'A local or domain account for WinRM (NTLM or Basic). Windows hosts.',
};

/** Which credentials can log in over a protocol (the API checks the same: core/inventory/targets-service.ts). */
export const compatibleKinds: Record<TargetProtocol, readonly CredentialKind[]> = {
  ssh: ['ssh-key', 'ssh-password'],
  winrm: ['winrm-password'],
};

/** The login as Windows writes it when a domain is set. */
export const loginOf = (c: { username: string; domain?: string | undefined }): string =>
  c.domain === undefined || c.domain === '' ? c.username : `${c.domain}\\${c.username}`;
