/**
 * WinRM message encryption over plain HTTP ([MS-WSMV] §2.2.9.1): a SOAP body sealed by the
 * authentication context travels as `multipart/encrypted` with two MIME parts, the first naming
 * the original content type and length, the second holding a 4-byte little-endian signature
 * length, the signature and the sealed bytes. The framing is independent of the crypto: `ctx` is
 * anything with wrap/unwrap (an established NtlmClient or NtlmServer).
 */
import type { SealedMessage } from './ntlm/session';

export interface MessageSealer {
  wrap(plaintext: Buffer): SealedMessage;
  unwrap(signature: Buffer, sealed: Buffer): Buffer;
}

export class MessageEncryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MessageEncryptionError';
  }
}

const BOUNDARY = 'Encrypted Boundary';
const SPNEGO_PROTOCOL = 'application/HTTP-SPNEGO-session-encrypted';
// What a Negotiate (SPNEGO) server may answer with: SPNEGO, or Kerberos when it picked Kerberos.
const ACCEPTED_PROTOCOLS = [SPNEGO_PROTOCOL, 'application/HTTP-Kerberos-session-encrypted'].map((p) => p.toLowerCase());
const SOAP_CONTENT_TYPE = 'application/soap+xml;charset=UTF-8';
// A Kerberos wrap token is about 60 bytes and an NTLM signature 16; anything far larger is garbage.
const MAX_SIGNATURE_LENGTH = 1024;

/** The HTTP Content-Type of an encrypted request or response body. */
export const ENCRYPTED_CONTENT_TYPE = `multipart/encrypted;protocol="${SPNEGO_PROTOCOL}";boundary="${BOUNDARY}"`;

export const isEncryptedContentType = (contentType: string | undefined): boolean =>
  contentType !== undefined && contentType.trim().toLowerCase().startsWith('multipart/encrypted');

/** Seals a SOAP body and frames it; `Length` is the plaintext's length, as Windows checks it. */
export const encryptBody = (ctx: MessageSealer, soap: Buffer): { contentType: string; body: Buffer } => {
  const { signature, sealed } = ctx.wrap(soap);
  const signatureLength = Buffer.alloc(4);
  signatureLength.writeUInt32LE(signature.length);
  const body = Buffer.concat([
    Buffer.from(
      `--${BOUNDARY}\r\n` +
        `\tContent-Type: ${SPNEGO_PROTOCOL}\r\n` +
        `\tOriginalContent: type=${SOAP_CONTENT_TYPE};Length=${soap.length}\r\n` +
        `--${BOUNDARY}\r\n` +
        `\tContent-Type: application/octet-stream\r\n`,
      'latin1',
    ),
    signatureLength,
    signature,
    sealed,
    Buffer.from(`--${BOUNDARY}--\r\n`, 'latin1'),
  ]);
  return { contentType: ENCRYPTED_CONTENT_TYPE, body };
};

const malformed = (problem: string) => new MessageEncryptionError(`The encrypted WinRM message is malformed: ${problem}.`);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Parameters of a `type/subtype; name=value; name="quoted value"` header, names lower-cased. */
const parseContentType = (contentType: string): { type: string; params: Map<string, string> } => {
  const [type = '', ...rest] = contentType.split(';');
  const params = new Map<string, string>();
  for (const match of (';' + rest.join(';')).matchAll(/;\s*([^=;\s]+)\s*=\s*(?:"([^"]*)"|([^;]*))/g)) {
    params.set((match[1] ?? '').toLowerCase(), (match[2] ?? match[3] ?? '').trim());
  }
  return { type: type.trim().toLowerCase(), params };
};

/**
 * Unframes and unseals an encrypted body, checking it against its Content-Type. Accepts what
 * Windows and the reference clients write: a closing boundary with or without its trailing `--`,
 * and boundary lines written `-- Encrypted Boundary`.
 */
export const decryptBody = (ctx: MessageSealer, contentType: string, body: Buffer): Buffer => {
  const header = parseContentType(contentType);
  if (header.type !== 'multipart/encrypted') throw malformed(`its Content-Type is '${header.type}', not multipart/encrypted`);
  const protocol = header.params.get('protocol')?.toLowerCase();
  if (protocol === undefined || !ACCEPTED_PROTOCOLS.includes(protocol)) {
    throw malformed(`the protocol '${protocol ?? ''}' is not SPNEGO session encryption`);
  }
  const boundary = header.params.get('boundary');
  if (boundary === undefined || boundary === '') throw malformed('its Content-Type names no boundary');

  // latin1 maps each byte to one character, so string positions are byte positions.
  const text = body.toString('latin1');
  const boundaryLine = new RegExp(`--[ \\t]*${escapeRegExp(boundary)}\\r\\n`, 'y');
  const headerLine = /[ \t]*([A-Za-z-]+)[ \t]*:[ \t]*([^\r\n]*)\r\n/y;
  let at = 0;
  const expectBoundary = (which: string) => {
    boundaryLine.lastIndex = at;
    if (!boundaryLine.test(text)) throw malformed(`the ${which} boundary line is missing`);
    at = boundaryLine.lastIndex;
  };
  const readHeader = (): [string, string] | undefined => {
    headerLine.lastIndex = at;
    const match = headerLine.exec(text);
    if (match === null) return undefined;
    at = headerLine.lastIndex;
    return [(match[1] ?? '').toLowerCase(), match[2] ?? ''];
  };

  expectBoundary('first');
  const partHeaders = new Map<string, string>();
  for (let h = readHeader(); h !== undefined; h = readHeader()) partHeaders.set(h[0], h[1]);
  if (partHeaders.get('content-type')?.trim().toLowerCase() !== protocol) {
    throw malformed('the first part does not name the same protocol as the Content-Type header');
  }
  const lengthMatch = /(?:^|;)\s*Length=(\d+)\s*(?:;|$)/i.exec(partHeaders.get('originalcontent') ?? '');
  if (lengthMatch === null) throw malformed('the OriginalContent header gives no Length');
  const expectedLength = Number(lengthMatch[1]);

  expectBoundary('second');
  const dataHeader = readHeader();
  if (dataHeader?.[0] !== 'content-type' || dataHeader[1].trim().toLowerCase() !== 'application/octet-stream') {
    throw malformed('the second part is not application/octet-stream');
  }

  const closing = new RegExp(`--[ \\t]*${escapeRegExp(boundary)}(?:--)?[ \\t]*(?:\\r\\n)?$`).exec(text.slice(at));
  if (closing === null) throw malformed('the closing boundary is missing');
  const end = at + closing.index;
  if (end - at < 4) throw malformed('the signature length is missing');
  const signatureLength = body.readUInt32LE(at);
  if (signatureLength > MAX_SIGNATURE_LENGTH || at + 4 + signatureLength > end) {
    throw malformed(`a ${signatureLength}-byte signature does not fit in the ${end - at - 4} bytes of the part`);
  }
  const signature = body.subarray(at + 4, at + 4 + signatureLength);
  const sealed = body.subarray(at + 4 + signatureLength, end);
  const plaintext = ctx.unwrap(Buffer.from(signature), Buffer.from(sealed));
  if (plaintext.length !== expectedLength) {
    throw malformed(`it decrypts to ${plaintext.length} bytes but announces Length=${expectedLength}`);
  }
  return plaintext;
};
