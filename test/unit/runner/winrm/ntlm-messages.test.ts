/**
 * NTLM message encoding and decoding (runner/winrm/ntlm/messages.ts): the MS-NLMP §4.2.4
 * messages re-encoded byte for byte, the real Windows tokens decoded to the fields pyspnego
 * expects, and malformed tokens refused with a clear error rather than read out of range.
 */
import { filetimeToIsoString } from '../../../../runner/winrm/ntlm/crypto';
import { NtlmError } from '../../../../runner/winrm/ntlm/errors';
import {
  AvId,
  NegotiateFlags as F,
  decodeAuthenticate,
  decodeChallenge,
  decodeNegotiate,
  encodeAuthenticate,
  encodeChallenge,
  encodeNegotiate,
  findAvPair,
  parseNtlmv2Response,
  readAvPairs,
  type AvPair,
} from '../../../../runner/winrm/ntlm/messages';
import { thrownBy } from '../../../support/thrown';
import { readWinrmVector, readWinrmVectorJson } from '../../../support/winrm-vectors';

const hex = (h: string) => Buffer.from(h, 'hex');
const text = (pair: AvPair) => pair.value.toString('utf16le');

const nlmp = (readWinrmVectorJson('ntlm', 'ms-nlmp-4.2-examples.json') as { ntlmv2_4_2_4: Record<string, string> }).ntlmv2_4_2_4;
const exchange = readWinrmVectorJson('ntlm', 'ntlm-auth-deterministic-exchange.json') as {
  negotiate_message_default_version: { hex: string };
  exchange_without_mic: Record<string, string>;
  exchange_with_mic: Record<string, string>;
};
const capture = readWinrmVectorJson('ntlm', 'pyspnego-real-capture', 'pyspnego-real-capture.json') as {
  expected_negotiate: Record<string, unknown>;
  expected_challenge: { negotiate_flags: number; server_challenge: string; target_name: string; target_info: [string, number, string | null][] };
  expected_authenticate: Record<string, unknown> & { client_av_pairs_include: string[] };
};
const real = (name: string) => readWinrmVector('ntlm', 'pyspnego-real-capture', name);
const must = (value: string | undefined) => {
  if (value === undefined) throw new Error('vector missing');
  return value;
};

describe('MS-NLMP 4.2.4 messages', () => {
  it('decodes and re-encodes the CHALLENGE byte for byte', () => {
    const bytes = hex(must(nlmp.challenge_message));
    const challenge = decodeChallenge(bytes);
    expect(challenge.flags).toBe(0xe28a8233);
    expect(challenge.serverChallenge.toString('hex')).toBe('0123456789abcdef');
    expect(challenge.targetName).toBe('Server');
    expect(challenge.targetInfo.map((p) => [p.id, text(p)])).toEqual([
      [AvId.NB_DOMAIN_NAME, 'Domain'],
      [AvId.NB_COMPUTER_NAME, 'Server'],
    ]);
    expect(challenge.version).toEqual({ major: 6, minor: 0, build: 6000, revision: 15 });
    expect(encodeChallenge(challenge)).toEqual(bytes);
  });

  it('decodes and re-encodes the AUTHENTICATE byte for byte', () => {
    const bytes = hex(must(nlmp.authenticate_message));
    const message = decodeAuthenticate(bytes);
    expect(message).toMatchObject({ flags: 0xe2888235, domain: 'Domain', user: 'User', workstation: 'COMPUTER', mic: undefined });
    expect(message.version).toEqual({ major: 5, minor: 1, build: 2600, revision: 15 });
    expect(message.lmChallengeResponse.toString('hex')).toBe(nlmp.lm_challenge_response_lmv2);
    expect(message.ntChallengeResponse.toString('hex')).toBe(nlmp.nt_challenge_response);
    expect(message.encryptedRandomSessionKey.toString('hex')).toBe(nlmp.encrypted_random_session_key_rc4k);
    expect(parseNtlmv2Response(message.ntChallengeResponse).ntProofStr.toString('hex')).toBe(nlmp.nt_proof_str);
    expect(encodeAuthenticate(message)).toEqual(bytes);
  });

  it('encodes the ntlm-auth NEGOTIATE (OEM domain and workstation, version 6.1.7601)', () => {
    const bytes = hex(exchange.negotiate_message_default_version.hex);
    const message = decodeNegotiate(bytes);
    expect(message).toEqual({ flags: 0xe288b031, domain: 'Domain', workstation: 'COMPUTER', version: { major: 6, minor: 1, build: 7601, revision: 15 } });
    expect(encodeNegotiate(message)).toEqual(bytes);
  });

  it('decodes the AUTHENTICATE with a MIC and re-encodes it', () => {
    const bytes = hex(must(exchange.exchange_with_mic.authenticate_message));
    const message = decodeAuthenticate(bytes);
    expect(message.mic?.toString('hex')).toBe(exchange.exchange_with_mic.mic);
    expect(message.lmChallengeResponse).toEqual(Buffer.alloc(24));
    const pairs = parseNtlmv2Response(message.ntChallengeResponse).avPairs;
    expect(findAvPair(pairs, AvId.FLAGS)?.readUInt32LE(0)).toBe(2);
    expect(encodeAuthenticate(message)).toEqual(bytes);
  });
});

describe('the real Windows tokens (pyspnego capture)', () => {
  it('NEGOTIATE: flags and version, no domain or workstation', () => {
    const message = decodeNegotiate(real('ntlm_negotiate.bin'));
    expect(message.flags).toBe(capture.expected_negotiate.negotiate_flags);
    expect(message.version).toEqual({ major: 10, minor: 0, build: 17763, revision: 15 });
    expect(message.domain).toBeUndefined();
    expect(message.workstation).toBeUndefined();
  });

  it('CHALLENGE: flags, server challenge, target name, version and every AV pair', () => {
    const message = decodeChallenge(real('ntlm_challenge.bin'));
    const expected = capture.expected_challenge;
    expect(message.flags).toBe(expected.negotiate_flags);
    expect(message.serverChallenge.toString('hex')).toBe(expected.server_challenge);
    expect(message.targetName).toBe(expected.target_name);
    expect(message.version).toEqual({ major: 10, minor: 0, build: 14393, revision: 15 });
    const decoded = message.targetInfo.map((p) => [p.id, p.id === AvId.TIMESTAMP ? filetimeToIsoString(p.value) : text(p)]);
    // The expected list ends with MsvAvEOL, which the decoder consumes as the terminator.
    expect(decoded).toEqual(expected.target_info.filter(([, id]) => id !== AvId.EOL).map(([, id, value]) => [id, value]));
  });

  it('AUTHENTICATE: user, workstation, responses, session key, version, no MIC, client AV pairs', () => {
    const message = decodeAuthenticate(real('ntlm_authenticate.bin'));
    const expected = capture.expected_authenticate;
    expect(message.flags).toBe(expected.negotiate_flags);
    expect(message.user).toBe(expected.user_name);
    expect(message.domain).toBe('');
    expect(message.workstation).toBe(expected.workstation);
    expect(message.lmChallengeResponse).toHaveLength(0);
    expect(message.ntChallengeResponse).toHaveLength(expected.nt_challenge_response_length as number);
    expect(message.encryptedRandomSessionKey.toString('hex')).toBe(expected.encrypted_random_session_key);
    expect(message.mic).toBeUndefined();
    expect(message.version).toEqual({ major: 6, minor: 2, build: 0, revision: 15 });

    const response = parseNtlmv2Response(message.ntChallengeResponse);
    expect(response.ntProofStr.toString('hex')).toBe(expected.nt_proof_str);
    expect(response.clientChallenge.toString('hex')).toBe(expected.client_challenge);
    expect(filetimeToIsoString(response.timestamp)).toBe(expected.timestamp);
    expect(findAvPair(response.avPairs, AvId.FLAGS)?.readUInt32LE(0)).toBe(0);
    expect(findAvPair(response.avPairs, AvId.TARGET_NAME)?.toString('utf16le')).toBe('dc01.domain.local');
    expect(findAvPair(response.avPairs, AvId.CHANNEL_BINDINGS)).toEqual(Buffer.alloc(16));
  });
});

describe('malformed tokens', () => {
  const challenge = hex(must(nlmp.challenge_message));
  const authenticate = hex(must(nlmp.authenticate_message));
  const malformed = { name: 'NtlmError', code: 'MALFORMED' };

  const patched = (buf: Buffer, edit: (copy: Buffer) => void) => {
    const copy = Buffer.from(buf);
    edit(copy);
    return copy;
  };

  it.each([
    ['an empty buffer', Buffer.alloc(0)],
    ['a truncated header', challenge.subarray(0, 40)],
    ['the wrong signature', patched(challenge, (b) => b.write('NTLMSSX', 0, 'ascii'))],
    ['the wrong message type', patched(challenge, (b) => b.writeUInt32LE(3, 8))],
    ['a target name past the end', patched(challenge, (b) => b.writeUInt32LE(0x1000, 16))],
    ['target info longer than the message', patched(challenge, (b) => b.writeUInt16LE(0x400, 40))],
    ['target info cut off before MsvAvEOL', challenge.subarray(0, challenge.length - 4)],
    ['an AV pair running past the list', patched(challenge, (b) => b.writeUInt16LE(0x200, 0x44 + 2))],
    ['a UTF-16 target name of odd length', patched(challenge, (b) => b.writeUInt16LE(11, 12))],
  ])('a CHALLENGE with %s is refused', (_what, bytes) => {
    expect(thrownBy(() => decodeChallenge(bytes))).toMatchObject(malformed);
  });

  it('the ntlm-auth CHALLENGE vector itself has a target name field pointing outside the message, and is refused', () => {
    // Its TargetNameFields read len 0x822f at offset 0x38 in a 104-byte message; Python's slicing
    // let ntlm-auth ignore it. The context tests use a copy with that field emptied.
    const bytes = hex(must(exchange.exchange_without_mic.challenge_message));
    expect(() => decodeChallenge(bytes)).toThrow(/target name \(33327 bytes at offset 56\) lies outside the 104-byte message/);
  });

  it.each([
    ['a truncated header', authenticate.subarray(0, 60)],
    ['an NT response past the end', patched(authenticate, (b) => b.writeUInt16LE(0x200, 20))],
    ['a session key offset past the end', patched(authenticate, (b) => b.writeUInt32LE(0xfffffff0, 56))],
  ])('an AUTHENTICATE with %s is refused', (_what, bytes) => {
    expect(thrownBy(() => decodeAuthenticate(bytes))).toMatchObject(malformed);
  });

  it('NEGOTIATE fields are range-checked too', () => {
    const negotiate = hex(exchange.negotiate_message_default_version.hex);
    expect(thrownBy(() => decodeNegotiate(patched(negotiate, (b) => b.writeUInt16LE(100, 24))))).toMatchObject(malformed);
    expect(thrownBy(() => decodeNegotiate(negotiate.subarray(0, 20)))).toMatchObject(malformed);
  });

  it('an NTLMv2 response that is too short or of another version is refused', () => {
    const nt = hex(must(nlmp.nt_challenge_response));
    expect(thrownBy(() => parseNtlmv2Response(nt.subarray(0, 30)))).toMatchObject(malformed);
    expect(thrownBy(() => parseNtlmv2Response(patched(nt, (b) => (b[16] = 2))))).toMatchObject(malformed);
    expect(() => readAvPairs(Buffer.from([2, 0, 10, 0, 1, 2]))).toThrow(NtlmError);
  });

  it('refuses to encode fields that do not fit the 16-bit length', () => {
    expect(() =>
      encodeChallenge({ flags: F.UNICODE, serverChallenge: Buffer.alloc(8), targetInfo: [{ id: AvId.DNS_TREE_NAME, value: Buffer.alloc(70000) }] }),
    ).toThrow(NtlmError);
  });
});
