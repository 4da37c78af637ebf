/**
 * The NTLMv2 cryptography of [MS-NLMP] §3.3.2 and §3.4: response keys, the NTLMv2 and LMv2
 * responses, session keys, the MIC, signing and sealing keys, channel bindings, FILETIMEs.
 *
 * Node 20 runs on OpenSSL 3, which moved MD4 and RC4 to the "legacy" provider: `createHash('md4')`
 * and `createCipheriv('rc4')` throw ERR_OSSL_EVP_UNSUPPORTED unless the whole process starts with
 * `--openssl-legacy-provider`, which we will not impose on the runner. So MD4 comes from js-md4's
 * pure-JS digest and RC4 is written here; everything else (MD5, HMAC-MD5, SHA-2) is node:crypto.
 */
import { createHash, createHmac } from 'node:crypto';
import md4digest from 'js-md4';
import { NtlmError } from './errors';
import { NegotiateFlags, hasFlag } from './messages';

export const md4 = (data: Buffer): Buffer =>
  // js-md4's default export and `.hex()` hand Node callers to crypto.createHash('md4'), which
  // throws under OpenSSL 3; `.arrayBuffer()` always runs its own JavaScript implementation.
  Buffer.from(md4digest.arrayBuffer(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));

export const md5 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

export const hmacMd5 = (key: Buffer, ...parts: Buffer[]): Buffer => {
  const hmac = createHmac('md5', key);
  for (const part of parts) hmac.update(part);
  return hmac.digest();
};

/**
 * RC4 as a stateful stream: NTLM sealing keeps one keystream per direction for the whole
 * connection (WinRM never resets it between messages), and with KEY_EXCH the signature checksum
 * is encrypted with the same stream right after the data, so the position must carry over.
 */
export class Rc4 {
  readonly #s = new Uint8Array(256);
  #i = 0;
  #j = 0;

  constructor(key: Buffer) {
    if (key.length === 0 || key.length > 256) throw new NtlmError('MALFORMED', 'An RC4 key must be 1 to 256 bytes long.');
    const s = this.#s;
    for (let n = 0; n < 256; n++) s[n] = n;
    let j = 0;
    for (let n = 0; n < 256; n++) {
      const sn = s[n] as number;
      j = (j + sn + (key[n % key.length] as number)) & 0xff;
      s[n] = s[j] as number;
      s[j] = sn;
    }
  }

  update(data: Buffer): Buffer {
    const s = this.#s;
    const out = Buffer.allocUnsafe(data.length);
    let i = this.#i;
    let j = this.#j;
    for (let n = 0; n < data.length; n++) {
      i = (i + 1) & 0xff;
      const si = s[i] as number;
      j = (j + si) & 0xff;
      const sj = s[j] as number;
      s[i] = sj;
      s[j] = si;
      out[n] = (data[n] as number) ^ (s[(si + sj) & 0xff] as number);
    }
    this.#i = i;
    this.#j = j;
    return out;
  }
}

/** RC4K of the spec: a one-shot RC4 with a fresh key (used for the encrypted random session key). */
export const rc4k = (key: Buffer, data: Buffer): Buffer => new Rc4(key).update(data);

const utf16 = (text: string) => Buffer.from(text, 'utf16le');

/** NTOWFv2 (§3.3.2): the user's NTLMv2 response key; the user name is upper-cased, the domain is not. */
export const ntowfv2 = (password: string, user: string, domain: string): Buffer =>
  hmacMd5(md4(utf16(password)), utf16(user.toUpperCase() + domain));

/** Windows FILETIME: 100-nanosecond intervals since 1601-01-01 UTC, as 8 little-endian bytes. */
const FILETIME_UNIX_EPOCH = 116444736000000000n;

export const dateToFiletime = (date: Date): Buffer => {
  const buf = Buffer.alloc(8);
  buf.writeBigUInt64LE(BigInt(date.getTime()) * 10000n + FILETIME_UNIX_EPOCH);
  return buf;
};

/** ISO 8601 with the FILETIME's full 100 ns precision (seven fractional digits), as Windows tools print it. */
export const filetimeToIsoString = (filetime: Buffer): string => {
  if (filetime.length !== 8) throw new NtlmError('MALFORMED', 'A FILETIME is 8 bytes long.');
  const value = filetime.readBigUInt64LE(0);
  const seconds = value / 10000000n - FILETIME_UNIX_EPOCH / 10000000n;
  const fraction = (value % 10000000n).toString().padStart(7, '0');
  // Even the largest FILETIME (year 60056) is within Date's range.
  return new Date(Number(seconds) * 1000).toISOString().replace(/\.\d{3}Z$/, `.${fraction}Z`);
};

/**
 * The NTLMv2 client blob ("temp" in §3.3.2): RespType and HiRespType 1, six reserved bytes, the
 * timestamp, the client challenge, four reserved bytes, the AV pairs (ending in MsvAvEOL) and four
 * reserved bytes.
 */
export const ntlmv2ClientBlob = (timestamp: Buffer, clientChallenge: Buffer, avPairs: Buffer): Buffer =>
  Buffer.concat([Buffer.from([1, 1, 0, 0, 0, 0, 0, 0]), timestamp, clientChallenge, Buffer.alloc(4), avPairs, Buffer.alloc(4)]);

/** NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge || temp); the NT response is NTProofStr || temp. */
export const ntProofStr = (responseKeyNt: Buffer, serverChallenge: Buffer, clientBlob: Buffer): Buffer =>
  hmacMd5(responseKeyNt, serverChallenge, clientBlob);

/** LMv2 = HMAC_MD5(ResponseKeyLM, ServerChallenge || ClientChallenge) || ClientChallenge (ResponseKeyLM = ResponseKeyNT in v2). */
export const lmv2Response = (responseKeyLm: Buffer, serverChallenge: Buffer, clientChallenge: Buffer): Buffer =>
  Buffer.concat([hmacMd5(responseKeyLm, serverChallenge, clientChallenge), clientChallenge]);

/**
 * SessionBaseKey = HMAC_MD5(ResponseKeyNT, NTProofStr). For NTLMv2 it is also the KeyExchangeKey
 * (§3.4.5.1: KXKEY returns the session base key unchanged when the LM response is not NTLMv1).
 */
export const sessionBaseKey = (responseKeyNt: Buffer, proof: Buffer): Buffer => hmacMd5(responseKeyNt, proof);

/** MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE || CHALLENGE || AUTHENTICATE with the MIC field zeroed). */
export const computeMic = (exportedSessionKey: Buffer, negotiate: Buffer, challenge: Buffer, authenticateWithZeroMic: Buffer): Buffer =>
  hmacMd5(exportedSessionKey, negotiate, challenge, authenticateWithZeroMic);

export type NtlmDirection = 'client-to-server' | 'server-to-client';

const magic = (text: string) => Buffer.from(`${text}\0`, 'ascii');

/** SIGNKEY (§3.4.5.2), for extended session security. */
export const signKey = (exportedSessionKey: Buffer, direction: NtlmDirection): Buffer =>
  md5(exportedSessionKey, magic(`session key to ${direction} signing key magic constant`));

/** SEALKEY (§3.4.5.3), for extended session security: the key is cut to 16, 7 or 5 bytes by the negotiated strength. */
export const sealKey = (exportedSessionKey: Buffer, flags: number, direction: NtlmDirection): Buffer => {
  const length = hasFlag(flags, NegotiateFlags.KEY_128) ? 16 : hasFlag(flags, NegotiateFlags.KEY_56) ? 7 : 5;
  return md5(exportedSessionKey.subarray(0, length), magic(`session key to ${direction} sealing key magic constant`));
};

/**
 * The MsvAvChannelBindings value: MD5 of a gss_channel_bindings_struct (RFC 2744) whose initiator
 * and acceptor addresses are empty (four zero uint32s) and whose application data is given.
 */
export const channelBindingsHash = (applicationData: Buffer): Buffer => {
  const struct = Buffer.alloc(20);
  struct.writeUInt32LE(applicationData.length, 16);
  return md5(struct, applicationData);
};

// DER object identifiers of certificate signature algorithms whose hash is not MD5 or SHA-1.
const signatureHashes: Record<string, string> = {
  '2a864886f70d01010b': 'sha256', // sha256WithRSAEncryption
  '2a864886f70d01010c': 'sha384',
  '2a864886f70d01010d': 'sha512',
  '2a8648ce3d040302': 'sha256', // ecdsa-with-SHA256
  '2a8648ce3d040303': 'sha384',
  '2a8648ce3d040304': 'sha512',
};
const pssHashes: Record<string, string> = {
  '608648016503040201': 'sha256',
  '608648016503040202': 'sha384',
  '608648016503040203': 'sha512',
};
const RSASSA_PSS = '2a864886f70d01010a';

interface Der {
  tag: number;
  start: number;
  end: number;
}

const readDer = (buf: Buffer, at: number, limit: number): Der => {
  const fail = () => new NtlmError('MALFORMED', 'The server certificate is not valid DER.');
  if (at + 2 > limit) throw fail();
  const tag = buf[at] as number;
  let length = buf[at + 1] as number;
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || start + count > limit) throw fail();
    length = buf.readUIntBE(start, count);
    start += count;
  }
  if (start + length > limit) throw fail();
  return { tag, start, end: start + length };
};

/** The hash RFC 5929 §4.1 picks for a certificate: its signature's hash, or SHA-256 for MD5, SHA-1 and anything else. */
const endPointHashOf = (certDer: Buffer): string => {
  const cert = readDer(certDer, 0, certDer.length);
  const tbs = readDer(certDer, cert.start, cert.end);
  const algorithm = readDer(certDer, tbs.end, cert.end);
  const oid = readDer(certDer, algorithm.start, algorithm.end);
  const oidHex = certDer.subarray(oid.start, oid.end).toString('hex');
  if (oidHex !== RSASSA_PSS) return signatureHashes[oidHex] ?? 'sha256';
  // RSASSA-PSS names its hash in the parameters: SEQUENCE { [0] AlgorithmIdentifier, ... }; absent means SHA-1.
  if (oid.end >= algorithm.end) return 'sha256';
  const params = readDer(certDer, oid.end, algorithm.end);
  if (params.start >= params.end) return 'sha256';
  const first = readDer(certDer, params.start, params.end);
  if (first.tag !== 0xa0) return 'sha256';
  const hashAlgorithm = readDer(certDer, first.start, first.end);
  const hashOid = readDer(certDer, hashAlgorithm.start, hashAlgorithm.end);
  return pssHashes[certDer.subarray(hashOid.start, hashOid.end).toString('hex')] ?? 'sha256';
};

/**
 * The `tls-server-end-point` channel binding (RFC 5929) of a TLS server certificate (DER, as
 * `socket.getPeerCertificate().raw` gives it): the application data that NTLM over HTTPS hashes
 * into MsvAvChannelBindings, so that a relayed handshake fails on another TLS connection.
 */
export const tlsServerEndPoint = (certDer: Buffer): Buffer =>
  Buffer.concat([Buffer.from('tls-server-end-point:', 'ascii'), createHash(endPointHashOf(certDer)).update(certDer).digest()]);
