/**
 * The three NTLM messages of [MS-NLMP] §2.2.1 (NEGOTIATE, CHALLENGE, AUTHENTICATE), their AV pairs
 * and the NTLMv2 response structure, encoded and decoded. Decoding treats every length and offset
 * as hostile: a field that points outside the message is an error, never a short or empty read.
 */
import { NtlmError } from './errors';

/** NEGOTIATE flags (§2.2.2.5), by the spec's names without the NTLMSSP_NEGOTIATE_ prefix. */
export const NegotiateFlags = {
  UNICODE: 0x00000001,
  OEM: 0x00000002,
  REQUEST_TARGET: 0x00000004,
  SIGN: 0x00000010,
  SEAL: 0x00000020,
  DATAGRAM: 0x00000040,
  LM_KEY: 0x00000080,
  NTLM: 0x00000200,
  ANONYMOUS: 0x00000800,
  OEM_DOMAIN_SUPPLIED: 0x00001000,
  OEM_WORKSTATION_SUPPLIED: 0x00002000,
  ALWAYS_SIGN: 0x00008000,
  TARGET_TYPE_DOMAIN: 0x00010000,
  TARGET_TYPE_SERVER: 0x00020000,
  EXTENDED_SESSIONSECURITY: 0x00080000,
  IDENTIFY: 0x00100000,
  NON_NT_SESSION_KEY: 0x00400000,
  TARGET_INFO: 0x00800000,
  VERSION: 0x02000000,
  KEY_128: 0x20000000,
  KEY_EXCH: 0x40000000,
  KEY_56: 0x80000000,
} as const;

export const hasFlag = (flags: number, flag: number): boolean => (flags & flag) !== 0;

/** AV pair ids (§2.2.2.1). */
export const AvId = {
  EOL: 0,
  NB_COMPUTER_NAME: 1,
  NB_DOMAIN_NAME: 2,
  DNS_COMPUTER_NAME: 3,
  DNS_DOMAIN_NAME: 4,
  DNS_TREE_NAME: 5,
  FLAGS: 6,
  TIMESTAMP: 7,
  SINGLE_HOST: 8,
  TARGET_NAME: 9,
  CHANNEL_BINDINGS: 10,
} as const;

/** MsvAvFlags bit: the AUTHENTICATE message carries a MIC. */
export const AV_FLAG_MIC_PRESENT = 0x2;

export interface AvPair {
  id: number;
  value: Buffer;
}

/** The VERSION structure (§2.2.2.10); informational only, but part of the bytes a MIC covers. */
export interface NtlmVersion {
  major: number;
  minor: number;
  build: number;
  revision: number;
}

export interface NegotiateMessage {
  flags: number;
  domain?: string | undefined;
  workstation?: string | undefined;
  version?: NtlmVersion | undefined;
}

export interface ChallengeMessage {
  flags: number;
  serverChallenge: Buffer;
  targetName?: string | undefined;
  /** The AV pairs without the closing MsvAvEOL. */
  targetInfo: AvPair[];
  version?: NtlmVersion | undefined;
}

export interface AuthenticateMessage {
  flags: number;
  lmChallengeResponse: Buffer;
  ntChallengeResponse: Buffer;
  domain: string;
  user: string;
  workstation: string;
  encryptedRandomSessionKey: Buffer;
  version?: NtlmVersion | undefined;
  mic?: Buffer | undefined;
}

export interface Ntlmv2Response {
  ntProofStr: Buffer;
  /** Everything after NTProofStr ("temp"), which NTProofStr is computed over. */
  clientBlob: Buffer;
  timestamp: Buffer;
  clientChallenge: Buffer;
  avPairs: AvPair[];
}

const SIGNATURE = Buffer.from('NTLMSSP\0', 'ascii');
/** Where the MIC sits in an AUTHENTICATE message (after the 8-byte VERSION), and where a payload starts when it is there. */
export const MIC_OFFSET = 72;
const AUTHENTICATE_HEADER_WITH_MIC = MIC_OFFSET + 16;

const malformed = (what: string, problem: string) => new NtlmError('MALFORMED', `The NTLM ${what} message is malformed: ${problem}.`);

// ----- decoding ------------------------------------------------------------------------------

interface Field {
  data: Buffer;
  offset: number;
}

const readField = (buf: Buffer, at: number, what: string, name: string): Field => {
  const length = buf.readUInt16LE(at);
  const offset = buf.readUInt32LE(at + 4);
  if (length === 0) return { data: Buffer.alloc(0), offset };
  if (offset + length > buf.length) throw malformed(what, `${name} (${length} bytes at offset ${offset}) lies outside the ${buf.length}-byte message`);
  return { data: Buffer.from(buf.subarray(offset, offset + length)), offset };
};

const checkHeader = (buf: Buffer, type: number, minLength: number, what: string) => {
  if (buf.length < minLength) throw malformed(what, `${buf.length} bytes is shorter than its ${minLength}-byte header`);
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw malformed(what, 'it does not start with the NTLMSSP signature');
  const actual = buf.readUInt32LE(8);
  if (actual !== type) throw malformed(what, `its message type is ${actual}, not ${type}`);
};

const decodeText = (data: Buffer, unicode: boolean, what: string, name: string): string => {
  if (!unicode) return data.toString('latin1');
  if (data.length % 2 !== 0) throw malformed(what, `${name} is not whole UTF-16 characters`);
  return data.toString('utf16le');
};

const readVersion = (buf: Buffer, at: number): NtlmVersion => ({
  major: buf.readUInt8(at),
  minor: buf.readUInt8(at + 1),
  build: buf.readUInt16LE(at + 2),
  revision: buf.readUInt8(at + 7),
});

/** The smallest offset any non-empty payload field starts at: the header cannot extend past it. */
const payloadStart = (fields: Field[], length: number) =>
  fields.reduce((min, f) => (f.data.length > 0 ? Math.min(min, f.offset) : min), length);

/** Reads AV pairs up to MsvAvEOL (required); bytes after it are padding and ignored. */
export const readAvPairs = (buf: Buffer, what = 'AV pair list'): AvPair[] => {
  const pairs: AvPair[] = [];
  let at = 0;
  for (;;) {
    if (at + 4 > buf.length) throw malformed(what, 'the AV pair list does not end with MsvAvEOL');
    const id = buf.readUInt16LE(at);
    const length = buf.readUInt16LE(at + 2);
    if (at + 4 + length > buf.length) throw malformed(what, `AV pair ${id} (${length} bytes) runs past the end of the list`);
    if (id === AvId.EOL) return pairs;
    pairs.push({ id, value: Buffer.from(buf.subarray(at + 4, at + 4 + length)) });
    at += 4 + length;
  }
};

export const decodeNegotiate = (buf: Buffer): NegotiateMessage => {
  const what = 'NEGOTIATE';
  checkHeader(buf, 1, 32, what);
  const flags = buf.readUInt32LE(12);
  const domain = readField(buf, 16, what, 'the domain');
  const workstation = readField(buf, 24, what, 'the workstation');
  const hasVersion = hasFlag(flags, NegotiateFlags.VERSION) && payloadStart([domain, workstation], buf.length) >= 40 && buf.length >= 40;
  return {
    flags,
    domain: domain.data.length > 0 ? decodeText(domain.data, false, what, 'the domain') : undefined,
    workstation: workstation.data.length > 0 ? decodeText(workstation.data, false, what, 'the workstation') : undefined,
    version: hasVersion ? readVersion(buf, 32) : undefined,
  };
};

export const decodeChallenge = (buf: Buffer): ChallengeMessage => {
  const what = 'CHALLENGE';
  checkHeader(buf, 2, 48, what);
  const targetName = readField(buf, 12, what, 'the target name');
  const flags = buf.readUInt32LE(20);
  const unicode = hasFlag(flags, NegotiateFlags.UNICODE);
  const targetInfo = readField(buf, 40, what, 'the target info');
  const hasVersion = hasFlag(flags, NegotiateFlags.VERSION) && payloadStart([targetName, targetInfo], buf.length) >= 56 && buf.length >= 56;
  return {
    flags,
    serverChallenge: Buffer.from(buf.subarray(24, 32)),
    targetName: targetName.data.length > 0 ? decodeText(targetName.data, unicode, what, 'the target name') : undefined,
    targetInfo: targetInfo.data.length > 0 ? readAvPairs(targetInfo.data, what) : [],
    version: hasVersion ? readVersion(buf, 48) : undefined,
  };
};

export const decodeAuthenticate = (buf: Buffer): AuthenticateMessage => {
  const what = 'AUTHENTICATE';
  checkHeader(buf, 3, 64, what);
  const lm = readField(buf, 12, what, 'the LM response');
  const nt = readField(buf, 20, what, 'the NT response');
  const domain = readField(buf, 28, what, 'the domain');
  const user = readField(buf, 36, what, 'the user name');
  const workstation = readField(buf, 44, what, 'the workstation');
  const key = readField(buf, 52, what, 'the session key');
  const flags = buf.readUInt32LE(60);
  const unicode = hasFlag(flags, NegotiateFlags.UNICODE);
  // The optional VERSION and MIC fields exist when the payload leaves room for them (§2.2.1.3).
  const start = payloadStart([lm, nt, domain, user, workstation, key], buf.length);
  return {
    flags,
    lmChallengeResponse: lm.data,
    ntChallengeResponse: nt.data,
    domain: decodeText(domain.data, unicode, what, 'the domain'),
    user: decodeText(user.data, unicode, what, 'the user name'),
    workstation: decodeText(workstation.data, unicode, what, 'the workstation'),
    encryptedRandomSessionKey: key.data,
    version: start >= MIC_OFFSET && buf.length >= MIC_OFFSET ? readVersion(buf, 64) : undefined,
    mic: start >= AUTHENTICATE_HEADER_WITH_MIC && buf.length >= AUTHENTICATE_HEADER_WITH_MIC ? Buffer.from(buf.subarray(MIC_OFFSET, AUTHENTICATE_HEADER_WITH_MIC)) : undefined,
  };
};

/** Splits an NTLMv2 NT response (§2.2.2.8) into NTProofStr and the client blob's fields. */
export const parseNtlmv2Response = (nt: Buffer): Ntlmv2Response => {
  const what = 'NTLMv2 response in the AUTHENTICATE';
  if (nt.length < 16 + 28 + 4) throw malformed(what, `${nt.length} bytes is too short for an NTLMv2 response`);
  const clientBlob = Buffer.from(nt.subarray(16));
  if (clientBlob[0] !== 1 || clientBlob[1] !== 1) throw malformed(what, 'the response version is not 1');
  return {
    ntProofStr: Buffer.from(nt.subarray(0, 16)),
    clientBlob,
    timestamp: clientBlob.subarray(8, 16),
    clientChallenge: clientBlob.subarray(16, 24),
    avPairs: readAvPairs(clientBlob.subarray(28), what),
  };
};

export const findAvPair = (pairs: AvPair[], id: number): Buffer | undefined => pairs.find((p) => p.id === id)?.value;

// ----- encoding ------------------------------------------------------------------------------

const fitsUint16 = (length: number) => {
  if (length > 0xffff) throw new NtlmError('MALFORMED', 'An NTLM message field is longer than 65535 bytes.');
  return length;
};

export const writeAvPairs = (pairs: AvPair[]): Buffer =>
  Buffer.concat([
    ...pairs.flatMap((p) => {
      const header = Buffer.alloc(4);
      header.writeUInt16LE(p.id, 0);
      header.writeUInt16LE(fitsUint16(p.value.length), 2);
      return [header, p.value];
    }),
    Buffer.alloc(4),
  ]);

const writeVersion = (version: NtlmVersion | undefined): Buffer => {
  const buf = Buffer.alloc(8);
  if (version === undefined) return buf;
  buf.writeUInt8(version.major, 0);
  buf.writeUInt8(version.minor, 1);
  buf.writeUInt16LE(version.build, 2);
  buf.writeUInt8(version.revision, 7);
  return buf;
};

const encodeText = (text: string | undefined, unicode: boolean) => Buffer.from(text ?? '', unicode ? 'utf16le' : 'latin1');

/** Lays out a message: fixed header, then each payload in order, with each field pointing at its payload. */
const assemble = (header: Buffer, fieldsAt: number[], payloads: Buffer[]): Buffer => {
  let offset = header.length;
  payloads.forEach((payload, n) => {
    const at = fieldsAt[n] as number;
    header.writeUInt16LE(fitsUint16(payload.length), at);
    header.writeUInt16LE(payload.length, at + 2);
    header.writeUInt32LE(offset, at + 4);
    offset += payload.length;
  });
  return Buffer.concat([header, ...payloads]);
};

const startHeader = (type: number, length: number, flags: number) => {
  const header = Buffer.alloc(length);
  SIGNATURE.copy(header, 0);
  header.writeUInt32LE(type, 8);
  return { header, flags: flags >>> 0 };
};

/** NEGOTIATE: domain and workstation are always OEM strings here (§2.2.1.1). */
export const encodeNegotiate = (message: NegotiateMessage): Buffer => {
  const { header, flags } = startHeader(1, 40, message.flags);
  header.writeUInt32LE(flags, 12);
  writeVersion(message.version).copy(header, 32);
  return assemble(header, [16, 24], [encodeText(message.domain, false), encodeText(message.workstation, false)]);
};

export const encodeChallenge = (message: ChallengeMessage): Buffer => {
  const withVersion = hasFlag(message.flags, NegotiateFlags.VERSION);
  const { header, flags } = startHeader(2, withVersion ? 56 : 48, message.flags);
  header.writeUInt32LE(flags, 20);
  if (message.serverChallenge.length !== 8) throw new NtlmError('MALFORMED', 'A server challenge is 8 bytes long.');
  message.serverChallenge.copy(header, 24);
  if (withVersion) writeVersion(message.version).copy(header, 48);
  const unicode = hasFlag(flags, NegotiateFlags.UNICODE);
  return assemble(header, [12, 40], [encodeText(message.targetName, unicode), writeAvPairs(message.targetInfo)]);
};

/**
 * AUTHENTICATE with VERSION, and with a MIC field when `mic` is given (pass 16 zero bytes first
 * to compute the MIC over the message, then the MIC itself). Payload order follows Windows and
 * ntlm-auth: domain, user, workstation, LM, NT, session key.
 */
export const encodeAuthenticate = (message: AuthenticateMessage): Buffer => {
  const { header, flags } = startHeader(3, message.mic === undefined ? MIC_OFFSET : AUTHENTICATE_HEADER_WITH_MIC, message.flags);
  header.writeUInt32LE(flags, 60);
  writeVersion(message.version).copy(header, 64);
  if (message.mic !== undefined) {
    if (message.mic.length !== 16) throw new NtlmError('MALFORMED', 'A MIC is 16 bytes long.');
    message.mic.copy(header, MIC_OFFSET);
  }
  const unicode = hasFlag(flags, NegotiateFlags.UNICODE);
  return assemble(
    header,
    [28, 36, 44, 12, 20, 52],
    [
      encodeText(message.domain, unicode),
      encodeText(message.user, unicode),
      encodeText(message.workstation, unicode),
      message.lmChallengeResponse,
      message.ntChallengeResponse,
      message.encryptedRandomSessionKey,
    ],
  );
};
