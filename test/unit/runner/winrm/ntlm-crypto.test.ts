/**
 * NTLMv2 cryptography (runner/winrm/ntlm/crypto.ts, session.ts) against every derived value in
 * the vectors: [MS-NLMP] §4.2.4 as transcribed by pyspnego, the SEALKEY table, the ntlm-auth
 * channel-binding hash, and the real Windows capture whose password is known.
 *
 * The NTLMv1 sections (§4.2.2, §4.2.3) of ms-nlmp-4.2-examples.json are deliberately not tested:
 * WinRM uses NTLMv2, and the library refuses NTLMv1 (see the UNSUPPORTED cases below).
 */
import { X509Certificate } from 'node:crypto';
import {
  Rc4,
  channelBindingsHash,
  dateToFiletime,
  filetimeToIsoString,
  lmv2Response,
  md4,
  ntlmv2ClientBlob,
  ntowfv2,
  ntProofStr,
  rc4k,
  sealKey,
  sessionBaseKey,
  signKey,
  tlsServerEndPoint,
} from '../../../../runner/winrm/ntlm/crypto';
import { AvId, NegotiateFlags as F, decodeAuthenticate, decodeChallenge, findAvPair, parseNtlmv2Response, writeAvPairs } from '../../../../runner/winrm/ntlm/messages';
import { NtlmSession } from '../../../../runner/winrm/ntlm/session';
import { NtlmError } from '../../../../runner/winrm/ntlm/errors';
import { thrownBy } from '../../../support/thrown';
import { readWinrmVector, readWinrmVectorJson } from '../../../support/winrm-vectors';

const hex = (h: string) => Buffer.from(h, 'hex');

interface Nlmp {
  common_inputs_4_2_1: Record<string, string>;
  ntlmv2_4_2_4: Record<string, string> & Record<'seal_plaintext_client_seq0' | 'seal_plaintext_client_seq0_without_key_exch', { sealed_data: string; signature: string }>;
  sealkey_table_ess_from_random_session_key: Record<string, string>;
}
const nlmp = readWinrmVectorJson('ntlm', 'ms-nlmp-4.2-examples.json') as Nlmp;
const common = nlmp.common_inputs_4_2_1;
const v2 = nlmp.ntlmv2_4_2_4;
const at = (record: Record<string, string>, key: string) => {
  const value = record[key];
  if (value === undefined) throw new Error(`vector ${key} missing`);
  return value;
};

describe('NTLM primitives', () => {
  it('MD4 (js-md4, pure JS) matches RFC 1320 and the spec NT hash', () => {
    expect(md4(Buffer.from('abc')).toString('hex')).toBe('a448017aaf21d8525fc10ae87aa6729d');
    expect(md4(Buffer.alloc(0)).toString('hex')).toBe('31d6cfe0d16ae931b73c59d7e0c089c0');
    expect(md4(Buffer.from(at(common, 'password'), 'utf16le')).toString('hex')).toBe(at(v2, 'ntowfv1_md4_of_password'));
  });

  it('RC4 matches the classic test vectors and keeps its state across calls', () => {
    expect(rc4k(Buffer.from('Key'), Buffer.from('Plaintext')).toString('hex')).toBe('bbf316e8d940af0ad3');
    expect(rc4k(Buffer.from('Secret'), Buffer.from('Attack at dawn')).toString('hex')).toBe('45a01f645fc35b383552544b9bf5');
    const stream = new Rc4(Buffer.from('Secret'));
    const pieces = [stream.update(Buffer.from('Attack')), stream.update(Buffer.from(' at ')), stream.update(Buffer.from('dawn'))];
    expect(Buffer.concat(pieces).toString('hex')).toBe('45a01f645fc35b383552544b9bf5');
    expect(() => new Rc4(Buffer.alloc(0))).toThrow(NtlmError);
  });

  it('FILETIMEs convert both ways with 100 ns precision', () => {
    expect(dateToFiletime(new Date(Date.UTC(1601, 0, 1))).toString('hex')).toBe('0000000000000000');
    expect(dateToFiletime(new Date('1970-01-01T00:00:00Z')).readBigUInt64LE(0)).toBe(116444736000000000n);
    expect(filetimeToIsoString(hex('0000000000000000'))).toBe('1601-01-01T00:00:00.0000000Z');
    const roundTrip = new Date('2026-11-25T22:30:01.234Z');
    expect(filetimeToIsoString(dateToFiletime(roundTrip))).toBe('2026-11-25T22:30:01.2340000Z');
    expect(filetimeToIsoString(Buffer.alloc(8, 0xff))).toBe('+060056-05-28T05:36:10.9551615Z');
    expect(thrownBy(() => filetimeToIsoString(Buffer.alloc(4)))).toMatchObject({ code: 'MALFORMED' });
  });
});

describe('MS-NLMP 4.2.4 NTLMv2 derived values', () => {
  const responseKey = ntowfv2(at(common, 'password'), at(common, 'user'), at(common, 'user_domain'));
  const serverChallenge = hex(at(common, 'server_challenge'));
  const clientChallenge = hex(at(common, 'client_challenge'));
  const blob = ntlmv2ClientBlob(hex(at(common, 'time')), clientChallenge, hex(at(v2, 'av_pairs_target_info')));
  const proof = ntProofStr(responseKey, serverChallenge, blob);
  const baseKey = sessionBaseKey(responseKey, proof);
  const exported = hex(at(common, 'random_session_key'));
  const flags = at(v2, 'negotiate_flags_uint32');

  it('NTOWFv2, the client blob, NTProofStr and the full NT response', () => {
    expect(responseKey.toString('hex')).toBe(at(v2, 'ntowfv2_response_key_nt'));
    expect(blob.toString('hex')).toBe(at(v2, 'temp_blob'));
    expect(proof.toString('hex')).toBe(at(v2, 'nt_proof_str'));
    expect(Buffer.concat([proof, blob]).toString('hex')).toBe(at(v2, 'nt_challenge_response'));
  });

  it('LMv2, the session base key (= key exchange key) and the encrypted random session key', () => {
    expect(lmv2Response(responseKey, serverChallenge, clientChallenge).toString('hex')).toBe(at(v2, 'lm_challenge_response_lmv2'));
    expect(baseKey.toString('hex')).toBe(at(v2, 'session_base_key_and_key_exchange_key'));
    expect(rc4k(baseKey, exported).toString('hex')).toBe(at(v2, 'encrypted_random_session_key_rc4k'));
    // and back, as the server does
    expect(rc4k(baseKey, hex(at(v2, 'encrypted_random_session_key_rc4k'))).toString('hex')).toBe(at(v2, 'exported_session_key'));
  });

  it('signing and sealing keys for both directions', () => {
    expect(signKey(exported, 'client-to-server').toString('hex')).toBe(at(v2, 'client_signing_key'));
    expect(signKey(exported, 'server-to-client').toString('hex')).toBe(at(v2, 'server_signing_key'));
    expect(sealKey(exported, Number(flags), 'client-to-server').toString('hex')).toBe(at(v2, 'client_sealing_key_128'));
    expect(sealKey(exported, Number(flags), 'server-to-client').toString('hex')).toBe(at(v2, 'server_sealing_key_128'));
  });

  it.each([
    ['128', F.KEY_128 | F.KEY_56],
    ['56', F.KEY_56],
    ['40', 0],
  ])('the SEALKEY table at %s bits', (bits, strength) => {
    const table = nlmp.sealkey_table_ess_from_random_session_key;
    const base = F.EXTENDED_SESSIONSECURITY | F.SEAL;
    expect(sealKey(exported, base | strength, 'client-to-server').toString('hex')).toBe(at(table, `initiate-${bits}`));
    expect(sealKey(exported, base | strength, 'server-to-client').toString('hex')).toBe(at(table, `accept-${bits}`));
  });

  it('seal("Plaintext") at sequence 0, with KEY_EXCH and without', () => {
    const plaintext = hex(at(common, 'plaintext_for_seal_utf16le'));
    const withKeyExchange = new NtlmSession(exported, F.SEAL | F.SIGN | F.EXTENDED_SESSIONSECURITY | F.KEY_EXCH | F.KEY_128, 'client');
    const a = withKeyExchange.wrap(plaintext);
    expect(a.sealed.toString('hex')).toBe(v2.seal_plaintext_client_seq0.sealed_data);
    expect(a.signature.toString('hex')).toBe(v2.seal_plaintext_client_seq0.signature);

    const withoutKeyExchange = new NtlmSession(exported, F.SEAL | F.SIGN | F.EXTENDED_SESSIONSECURITY | F.KEY_128, 'client');
    const b = withoutKeyExchange.wrap(plaintext);
    expect(b.sealed.toString('hex')).toBe(v2.seal_plaintext_client_seq0_without_key_exch.sealed_data);
    expect(b.signature.toString('hex')).toBe(v2.seal_plaintext_client_seq0_without_key_exch.signature);

    // the server side of the same session reads it back
    const server = new NtlmSession(exported, F.SEAL | F.SIGN | F.EXTENDED_SESSIONSECURITY | F.KEY_EXCH | F.KEY_128, 'server');
    expect(server.unwrap(hex(v2.seal_plaintext_client_seq0.signature), hex(v2.seal_plaintext_client_seq0.sealed_data))).toEqual(plaintext);
  });

  it('refuses sessions without extended session security (NTLMv1) and sealing that was not negotiated', () => {
    expect(thrownBy(() => new NtlmSession(exported, F.SEAL | F.SIGN | F.KEY_128, 'client'))).toMatchObject({ code: 'UNSUPPORTED' });
    const signOnly = new NtlmSession(exported, F.SIGN | F.EXTENDED_SESSIONSECURITY, 'client');
    expect(thrownBy(() => signOnly.wrap(Buffer.from('x')))).toMatchObject({ code: 'UNSUPPORTED' });
    expect(signOnly.sign(Buffer.from('x'))).toHaveLength(16);
  });
});

describe('channel bindings', () => {
  const exchange = readWinrmVectorJson('ntlm', 'ntlm-auth-deterministic-exchange.json') as { pinned_inputs: Record<string, string> };
  const pinned = exchange.pinned_inputs;

  it('hashes the gss_channel_bindings_struct of tls-server-end-point:<hash> to the ntlm-auth value', () => {
    const applicationData = Buffer.concat([Buffer.from('tls-server-end-point:'), hex(at(pinned, 'channel_binding_tls_server_end_point_cert_hash_sha256'))]);
    expect(channelBindingsHash(applicationData).toString('hex')).toBe(at(pinned, 'msv_av_channel_bindings_md5'));
  });

  // Public test certificates made with openssl for this test; the expected hashes are openssl's own fingerprints.
  const certificates = {
    'ecdsa-with-SHA384 → SHA-384': {
      pem: `-----BEGIN CERTIFICATE-----
MIIBvDCCAUKgAwIBAgIUbUndDywYjPOUOqqwarIRT3AgwegwCgYIKoZIzj0EAwMw
FTETMBEGA1UEAwwKd2lucm0tdGVzdDAeFw0yNjExMjUyMjMyMjFaFw0zNjExMjIy
MjMyMjFaMBUxEzARBgNVBAMMCndpbnJtLXRlc3QwdjAQBgcqhkjOPQIBBgUrgQQA
IgNiAARgQEl6rfnsmBtjBYU981SNZnsV/T1kd2iKggvzn+0Ra+QJcPWH84mJYsJa
vmrORQwPM4k3tcl8lmilXKRpFCM8UJOIv6e71RCYIaDqSmNjcbDU93tDP/d6yq1p
qHsZRPijUzBRMB0GA1UdDgQWBBRJjJpcD81FLE3kEKODxlCYYE2fDjAfBgNVHSME
GDAWgBRJjJpcD81FLE3kEKODxlCYYE2fDjAPBgNVHRMBAf8EBTADAQH/MAoGCCqG
SM49BAMDA2gAMGUCMAKnETlHrGc53zhj18wEWNZNQfdCjRCZvjaMibm6nxaMrTv2
TfVuVrhvr56YdVGIJwIxAICFm6J2eZ1+88akfXFyKFMIwRWjKoPIiq55Ip9+j36x
wobuO6ZbzgV+f2P2yHQD2w==
-----END CERTIFICATE-----`,
      hash: '36E90F1EAE8ACAC82BDABF0D452878979C9DAE2C4BC3EB0CED435ADA68AB4FDC5417342C4335C9DD2EBE09EA8FB6C0B3',
    },
    'ecdsa-with-SHA1 → SHA-256 (RFC 5929 upgrades MD5 and SHA-1)': {
      pem: `-----BEGIN CERTIFICATE-----
MIIBfTCCASSgAwIBAgIUddB5eme2CZOxuTogHeZ2m4e1yEwwCQYHKoZIzj0EATAV
MRMwEQYDVQQDDAp3aW5ybS10ZXN0MB4XDTI2MTEyNTIyMzIyMVoXDTM2MTEyMjIy
MzIyMVowFTETMBEGA1UEAwwKd2lucm0tdGVzdDBZMBMGByqGSM49AgEGCCqGSM49
AwEHA0IABCyvPtgkodP670iBYquqr/djKZLuLVLfjuXyEYTxwonB3nRnR3ioNisE
ad1R6HoKh9y9QBIziO4egG/qRSjf5HSjUzBRMB0GA1UdDgQWBBTqGv4vNIDBTMLl
qV5foSyhxNsbjTAfBgNVHSMEGDAWgBTqGv4vNIDBTMLlqV5foSyhxNsbjTAPBgNV
HRMBAf8EBTADAQH/MAkGByqGSM49BAEDSAAwRQIgHmbNkHzUQVJs4j/7+RNwJEOM
V+tlamojmCrwn1EPaH8CIQCoe3O5snRAwenzOKLMtgPniAFeV9Msxk1mYUB3sc6w
uw==
-----END CERTIFICATE-----`,
      hash: 'F53245E5220A3B26FFEA92C5339580FA41DBF3C27EA0D64EDD78D44B07AAC36B',
    },
    'RSASSA-PSS with SHA-512 → SHA-512': {
      pem: `-----BEGIN CERTIFICATE-----
MIICbjCCAaOgAwIBAgIUUDB0/Bn2wgWfFk/IjVeqveyFH6swQQYJKoZIhvcNAQEK
MDSgDzANBglghkgBZQMEAgMFAKEcMBoGCSqGSIb3DQEBCDANBglghkgBZQMEAgMF
AKIDAgEgMBUxEzARBgNVBAMMCndpbnJtLXRlc3QwHhcNMjYxMTI1MjIzMjIxWhcN
MzYxMTIyMjIzMjIxWjAVMRMwEQYDVQQDDAp3aW5ybS10ZXN0MIGfMA0GCSqGSIb3
DQEBAQUAA4GNADCBiQKBgQC3J1WiA8YWT5+H9Tz6we74QqoNCbWV+B9teAIX+2wZ
LBos/LRUG2MUnQ9uhv97AaUeiFMgYwWnrg4eNpjXLNeLQr3zWgEq4cKV6PuGKiNj
vT1SkWlEg+JEHgO+Ob8W1oc5brhtAJnG9PTihzwkvkp24plPgUqHTjFmDBNNz0Mq
eQIDAQABo1MwUTAdBgNVHQ4EFgQUD80BuPOfwVqQgAj9XgArGDnP/YQwHwYDVR0j
BBgwFoAUD80BuPOfwVqQgAj9XgArGDnP/YQwDwYDVR0TAQH/BAUwAwEB/zBBBgkq
hkiG9w0BAQowNKAPMA0GCWCGSAFlAwQCAwUAoRwwGgYJKoZIhvcNAQEIMA0GCWCG
SAFlAwQCAwUAogMCASADgYEAeWNg71Wd8Vbv4OvTfAc0E5irAh4WnKXcMLXyWDDr
PylOXcKhUnkdLmRoQrfJF6/0V77jnjd09IW09Z4u153BSbafh3T1TKDGipr7pzA3
rACEhSTaM2gYZp3sRlicxh7lc6XfeVcDFL7F890/Z2DJCNOzJ2c/LFRnQkwpa6va
GVY=
-----END CERTIFICATE-----`,
      hash: 'C8773C49EF02522D9178115A7379014CF068AD91B4D5E44665E312D09AF848EC67DE7137136341D674D4077AD4DBC1C2BA2669C6CCA57BCB4BC411FAF22A8E66',
    },
  };

  it.each(Object.entries(certificates))('tls-server-end-point of a certificate signed with %s', (_name, { pem, hash }) => {
    const der = new X509Certificate(pem).raw;
    expect(tlsServerEndPoint(der)).toEqual(Buffer.concat([Buffer.from('tls-server-end-point:'), hex(hash)]));
  });

  it('refuses a certificate that is not DER instead of reading past it', () => {
    const der = new X509Certificate(certificates['ecdsa-with-SHA384 → SHA-384'].pem).raw;
    expect(thrownBy(() => tlsServerEndPoint(der.subarray(0, 40)))).toMatchObject({ code: 'MALFORMED' });
    expect(() => tlsServerEndPoint(Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]))).toThrow(NtlmError);
  });
});

describe('the real Windows capture (pyspnego), with the known password', () => {
  const capture = readWinrmVectorJson('ntlm', 'pyspnego-real-capture', 'pyspnego-real-capture.json') as {
    expected_authenticate: Record<string, string>;
    expected_challenge: Record<string, string>;
    known_secret: Record<string, string>;
  };
  const challenge = decodeChallenge(readWinrmVector('ntlm', 'pyspnego-real-capture', 'ntlm_challenge.bin'));
  const authenticate = decodeAuthenticate(readWinrmVector('ntlm', 'pyspnego-real-capture', 'ntlm_authenticate.bin'));
  const response = parseNtlmv2Response(authenticate.ntChallengeResponse);

  it("verifies the user's NTProofStr against the server challenge and recovers the exported session key", () => {
    expect(challenge.serverChallenge.toString('hex')).toBe(at(capture.expected_challenge, 'server_challenge'));
    const key = ntowfv2(at(capture.known_secret, 'password'), authenticate.user, authenticate.domain);
    const proof = ntProofStr(key, challenge.serverChallenge, response.clientBlob);
    expect(proof.toString('hex')).toBe(at(capture.expected_authenticate, 'nt_proof_str'));
    expect(proof).toEqual(response.ntProofStr);
    const exported = rc4k(sessionBaseKey(key, proof), authenticate.encryptedRandomSessionKey);
    expect(exported.toString('hex')).toBe(at(capture.known_secret, 'exported_session_key'));
  });

  it('a wrong password gives a different NTProofStr', () => {
    const key = ntowfv2('VagrantPass2', authenticate.user, authenticate.domain);
    expect(ntProofStr(key, challenge.serverChallenge, response.clientBlob)).not.toEqual(response.ntProofStr);
  });

  it("the client's AV pairs echo the server's timestamp", () => {
    expect(findAvPair(response.avPairs, AvId.TIMESTAMP)).toEqual(findAvPair(challenge.targetInfo, AvId.TIMESTAMP));
    expect(filetimeToIsoString(response.timestamp)).toBe(at(capture.expected_authenticate, 'timestamp'));
    // re-encoding the decoded pairs gives back the bytes they came from
    expect(writeAvPairs(response.avPairs)).toEqual(response.clientBlob.subarray(28, 28 + writeAvPairs(response.avPairs).length));
  });
});
