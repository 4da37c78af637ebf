import ssh2, { type ParsedKey } from 'ssh2';
import { sshFingerprint } from './client';

/**
 * The public fingerprint of a private key (OpenSSH's `SHA256:…`), so people can tell keys apart
 * without ever seeing one, and so a key that cannot be used (bad format, wrong passphrase) is
 * refused when it is saved rather than at the first run.
 */
// ssh2 is CommonJS: under Node's ESM loader only its default export carries `utils`.
const { parseKey } = (ssh2 as unknown as { utils: { parseKey: (key: string, passphrase?: string) => ParsedKey | ParsedKey[] | Error } }).utils;

export const inspectPrivateKey = (privateKey: string, passphrase?: string): { ok: true; type: string; fingerprint: string } | { ok: false; message: string } => {
  const parsed = parseKey(privateKey, passphrase);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (key === undefined || key instanceof Error) {
    // ssh2's messages name the problem (format, missing or wrong passphrase), never the key.
    const reason = key instanceof Error ? key.message : 'no key found';
    return { ok: false, message: `The private key cannot be used: ${reason}.` };
  }
  return { ok: true, type: key.type, fingerprint: sshFingerprint(key.getPublicSSH()) };
};
