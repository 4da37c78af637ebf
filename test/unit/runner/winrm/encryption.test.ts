/**
 * The multipart/encrypted framing of WinRM message encryption (runner/winrm/encryption.ts):
 * pypsrp's framing vectors with their mocked crypto, the derived NTLM frame byte for byte, and
 * sealed SOAP bodies between a real NTLM client and server.
 */
import { ENCRYPTED_CONTENT_TYPE, decryptBody, encryptBody, isEncryptedContentType, type MessageSealer } from '../../../../runner/winrm/encryption';
import { NtlmClient, NtlmServer } from '../../../../runner/winrm/ntlm';
import { thrownBy } from '../../../support/thrown';
import { readWinrmVector, readWinrmVectorJson } from '../../../support/winrm-vectors';

/** pypsrp's mock: the "signature" is `reallylongheader`, the "ciphertext" the plaintext plus `-encrypted`. */
const mockSealer: MessageSealer = {
  wrap: (plaintext) => ({ signature: Buffer.from('reallylongheader'), sealed: Buffer.concat([plaintext, Buffer.from('-encrypted')]) }),
  unwrap: (signature, sealed) => {
    expect(signature.toString()).toBe('reallylongheader');
    const text = sealed.toString('latin1');
    if (!text.endsWith('-encrypted')) throw new Error('not mock-encrypted');
    return sealed.subarray(0, sealed.length - '-encrypted'.length);
  },
};
const framing = (name: string) => readWinrmVector('encryption-framing', name);
const KERBEROS_CONTENT_TYPE = 'multipart/encrypted;protocol="application/HTTP-Kerberos-session-encrypted";boundary="Encrypted Boundary"';

describe('framing (pypsrp vectors, mocked crypto)', () => {
  it('builds the client body of spnego-wrap-small byte for byte, with the header pywinrm asserts', () => {
    const { contentType, body } = encryptBody(mockSealer, Buffer.from('plaintext'));
    expect(contentType).toBe('multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted";boundary="Encrypted Boundary"');
    expect(body).toEqual(framing('spnego-wrap-small.mock.bin'));
  });

  it.each([
    ['spnego-wrap-small.mock.bin', ENCRYPTED_CONTENT_TYPE],
    ['spnego-unwrap-no-closing-hyphens.mock.bin', ENCRYPTED_CONTENT_TYPE],
    ['kerberos-unwrap-boundary-with-space.mock.bin', KERBEROS_CONTENT_TYPE],
  ])('decodes %s to "plaintext"', (name, contentType) => {
    expect(decryptBody(mockSealer, contentType, framing(name)).toString()).toBe('plaintext');
  });

  it('rejects spnego-unwrap-length-mismatch (Length=9, 5 bytes inside)', () => {
    expect(thrownBy(() => decryptBody(mockSealer, ENCRYPTED_CONTENT_TYPE, framing('spnego-unwrap-length-mismatch.mock.bin')))).toMatchObject({
      name: 'MessageEncryptionError',
      message: expect.stringMatching(/decrypts to 5 bytes but announces Length=9/) as string,
    });
  });

  const body = framing('spnego-wrap-small.mock.bin');
  const edit = (from: string, to: string) => Buffer.from(body.toString('latin1').replace(from, to), 'latin1');
  it.each([
    ['a non-multipart Content-Type', 'application/soap+xml;charset=UTF-8', body, /not multipart\/encrypted/],
    ['another protocol', ENCRYPTED_CONTENT_TYPE.replace('SPNEGO', 'CredSSP'), body, /not SPNEGO session encryption/],
    ['no boundary parameter', 'multipart/encrypted;protocol="application/HTTP-SPNEGO-session-encrypted"', body, /names no boundary/],
    ['another boundary than the header names', ENCRYPTED_CONTENT_TYPE.replace('Encrypted Boundary', 'Other'), body, /first boundary line is missing/],
    ['a first part of another protocol', ENCRYPTED_CONTENT_TYPE, edit('Content-Type: application/HTTP-SPNEGO', 'Content-Type: application/HTTP-Kerberos'), /same protocol/],
    ['no Length', ENCRYPTED_CONTENT_TYPE, edit(';Length=9', ''), /gives no Length/],
    ['a second part that is not octet-stream', ENCRYPTED_CONTENT_TYPE, edit('octet-stream', 'text-plain'), /not application\/octet-stream/],
    ['no closing boundary', ENCRYPTED_CONTENT_TYPE, body.subarray(0, body.length - 24), /closing boundary is missing/],
    ['a signature length beyond the part', ENCRYPTED_CONTENT_TYPE, edit('\x10\x00\x00\x00reallylong', '\xff\x00\x00\x00reallylong'), /does not fit/],
    ['no room for the signature length', ENCRYPTED_CONTENT_TYPE, edit('\x10\x00\x00\x00reallylongheaderplaintext-encrypted', '\x10'), /signature length is missing/],
  ])('rejects %s with a clear error', (_what, contentType, bytes, message) => {
    expect(thrownBy(() => decryptBody(mockSealer, contentType, bytes))).toMatchObject({ name: 'MessageEncryptionError', message: expect.stringMatching(message) as string });
  });

  it('recognises encrypted Content-Types', () => {
    expect(isEncryptedContentType(ENCRYPTED_CONTENT_TYPE)).toBe(true);
    expect(isEncryptedContentType(' Multipart/Encrypted;protocol="x"')).toBe(true);
    expect(isEncryptedContentType('application/soap+xml;charset=UTF-8')).toBe(false);
    expect(isEncryptedContentType(undefined)).toBe(false);
  });
});

describe('framing with real NTLM sealing', () => {
  /** The ntlm-auth client context: exported session key 55×16, all flags of its exchange (see ntlm-context.test.ts). */
  const ntlmAuthClient = () => {
    const client = new NtlmClient({
      username: 'User',
      password: 'Password',
      domain: 'Domain',
      workstation: 'COMPUTER',
      version: { major: 5, minor: 1, build: 2600, revision: 15 },
      randomBytes: (size) => Buffer.alloc(size, size === 8 ? 0xaa : 0x55),
      now: () => new Date(Date.UTC(1601, 0, 1)),
    });
    client.negotiate();
    const { exchange_with_mic } = readWinrmVectorJson('ntlm', 'ntlm-auth-deterministic-exchange.json') as { exchange_with_mic: { challenge_message: string } };
    client.authenticate(Buffer.from(exchange_with_mic.challenge_message, 'hex'));
    return client;
  };

  it('builds the derived winrm-ntlm-sealed-frame-test-req.bin byte for byte', () => {
    const { body } = encryptBody(ntlmAuthClient(), Buffer.from('test req'));
    expect(body).toEqual(readWinrmVector('ntlm', 'derived', 'winrm-ntlm-sealed-frame-test-req.bin'));
  });

  it('carries SOAP bodies both ways between an NTLM client and server, and rejects a tampered one', () => {
    const client = new NtlmClient({ username: 'ops', password: 'frame-Passw0rd' });
    const server = new NtlmServer({ lookupPassword: (user) => (user === 'ops' ? 'frame-Passw0rd' : undefined) });
    server.accept(client.authenticate(server.challenge(client.negotiate())));

    const soap = Buffer.from('<?xml version="1.0" encoding="utf-8"?><s:Envelope>é… a request</s:Envelope>');
    const request = encryptBody(client, soap);
    expect(request.body.includes(Buffer.from('a request'))).toBe(false);
    expect(decryptBody(server, request.contentType, request.body)).toEqual(soap);

    const large = Buffer.alloc(200 * 1024, 'x');
    const response = encryptBody(server, large);
    // .equals rather than toEqual: jest's deep comparison of 200 KB takes most of a second
    expect(decryptBody(client, response.contentType, response.body).equals(large)).toBe(true);

    const next = encryptBody(client, soap);
    const tampered = Buffer.from(next.body);
    tampered[tampered.length - 30] = (tampered[tampered.length - 30] as number) ^ 0x01;
    expect(thrownBy(() => decryptBody(server, next.contentType, tampered))).toMatchObject({ code: 'BAD_SIGNATURE' });
  });
});
