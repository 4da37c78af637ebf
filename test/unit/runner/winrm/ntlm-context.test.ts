/**
 * The NTLM contexts (NtlmClient, NtlmServer): the client reproduces ntlm-auth's deterministic
 * exchanges byte for byte (with channel bindings, with a MIC) and their wrap/sign outputs; then a
 * client and a server authenticate each other and exchange sealed messages both ways, and every
 * way it should fail, fails.
 */
import { inspect } from 'node:util';
import { NtlmClient, NtlmServer, NtlmSession, type NtlmClientOptions, type NtlmServerOptions } from '../../../../runner/winrm/ntlm';
import { MIC_OFFSET, NegotiateFlags as F, decodeAuthenticate, parseNtlmv2Response } from '../../../../runner/winrm/ntlm/messages';
import { thrownBy } from '../../../support/thrown';
import { readWinrmVectorJson } from '../../../support/winrm-vectors';

const hex = (h: string) => Buffer.from(h, 'hex');

interface Exchange {
  pinned_inputs: Record<string, string>;
  negotiate_message_default_version: { hex: string };
  exchange_without_mic: Record<string, string> & { wrap_client_to_server_seq0: Record<string, string> };
  exchange_with_mic: Record<string, string> & {
    wrap_client_to_server_seq0: Record<string, string>;
    sign_only_after_wrap: Record<string, string>;
  };
  parse_challenge_then_authenticate_legacy_api: Record<string, string>;
}
const vectors = readWinrmVectorJson('ntlm', 'ntlm-auth-deterministic-exchange.json') as Exchange;
const pinned = vectors.pinned_inputs;
const must = (value: string | undefined) => {
  if (value === undefined) throw new Error('vector missing');
  return value;
};

/** ntlm-auth's pinned inputs: client challenge aa×8, exported session key 55×16, time 0, version 5.1.2600. */
const pinnedClient = (extra: Partial<NtlmClientOptions> = {}) =>
  new NtlmClient({
    username: must(pinned.username),
    password: must(pinned.password),
    domain: pinned.domain,
    workstation: pinned.workstation,
    version: { major: 5, minor: 1, build: 2600, revision: 15 },
    randomBytes: (size) => Buffer.alloc(size, size === 8 ? 0xaa : 0x55),
    now: () => new Date(Date.UTC(1601, 0, 1)),
    ...extra,
  });

const channelBindings = Buffer.concat([Buffer.from('tls-server-end-point:'), hex(must(pinned.channel_binding_tls_server_end_point_cert_hash_sha256))]);

/**
 * ntlm-auth's CHALLENGE for these exchanges has a TargetNameFields pointing outside the message
 * (see ntlm-messages.test.ts), which our decoder refuses. The client does not use the target name
 * and no MIC covers these bytes, so the copy used here has that field emptied.
 */
const withoutBrokenTargetName = (challenge: Buffer) => {
  const copy = Buffer.from(challenge);
  copy.writeUInt16LE(0, 12);
  copy.writeUInt16LE(0, 14);
  return copy;
};

describe('NtlmClient against the ntlm-auth deterministic exchanges', () => {
  it('builds the NEGOTIATE with the default version (6.1.7601)', () => {
    const client = new NtlmClient({ username: 'User', password: 'Password', domain: 'Domain', workstation: 'COMPUTER' });
    expect(client.negotiate().toString('base64')).toBe('TlRMTVNTUAABAAAAMbCI4gYABgAoAAAACAAIAC4AAAAGAbEdAAAAD0RvbWFpbkNPTVBVVEVS');
    expect(thrownBy(client.negotiate.bind(client))).toMatchObject({ code: 'STATE' });
  });

  it('without a MIC, with channel bindings: NEGOTIATE, AUTHENTICATE and wrap("test req") byte for byte', () => {
    const exchange = vectors.exchange_without_mic;
    const client = pinnedClient({ channelBindings });
    expect(client.negotiate().toString('hex')).toBe(exchange.negotiate_message);
    const authenticate = client.authenticate(withoutBrokenTargetName(hex(must(exchange.challenge_message))));
    expect(authenticate.toString('hex')).toBe(exchange.authenticate_message);

    const { signature, sealed } = client.wrap(Buffer.from('test req'));
    expect(signature.toString('hex')).toBe(exchange.wrap_client_to_server_seq0.signature);
    expect(sealed.toString('hex')).toBe(exchange.wrap_client_to_server_seq0.sealed_data);
  });

  it('with a server timestamp: MIC, MsvAvFlags, zeroed LMv2, then wrap and the sign("Hello") follow-ups at seq 1 and 2', () => {
    const exchange = vectors.exchange_with_mic;
    const client = pinnedClient({ channelBindings });
    expect(client.negotiate().toString('hex')).toBe(exchange.negotiate_message);
    const authenticate = client.authenticate(hex(must(exchange.challenge_message)));
    expect(authenticate.subarray(MIC_OFFSET, MIC_OFFSET + 16).toString('hex')).toBe(exchange.mic);
    expect(authenticate.toString('hex')).toBe(exchange.authenticate_message);

    const { signature, sealed } = client.wrap(Buffer.from('test req'));
    expect(Buffer.concat([signature, sealed]).toString('hex')).toBe(exchange.wrap_client_to_server_seq0.output_signature_then_sealed);
    // seq3_signature_after_rc4_reset is not checked: WinRM never resets the RC4 stream.
    expect(client.sign(Buffer.from('Hello')).toString('hex')).toBe(exchange.sign_only_after_wrap.seq1_signature);
    expect(client.sign(Buffer.from('Hello')).toString('hex')).toBe(exchange.sign_only_after_wrap.seq2_signature);
  });

  it('without channel bindings: the legacy AUTHENTICATE (the MS-NLMP NT response)', () => {
    const legacy = vectors.parse_challenge_then_authenticate_legacy_api;
    const client = pinnedClient();
    client.negotiate();
    expect(client.authenticate(withoutBrokenTargetName(hex(must(legacy.challenge_message)))).toString('hex')).toBe(legacy.authenticate_message);
  });

  it('splits DOMAIN\\user and answers only in order', () => {
    const split = pinnedClient({ username: 'Domain\\User', domain: undefined, channelBindings });
    expect(thrownBy(split.authenticate.bind(split, Buffer.alloc(0)))).toMatchObject({ code: 'STATE' });
    expect(thrownBy(split.wrap.bind(split, Buffer.from('x')))).toMatchObject({ code: 'STATE' });
    split.negotiate();
    expect(split.authenticate(withoutBrokenTargetName(hex(must(vectors.exchange_without_mic.challenge_message)))).toString('hex')).toBe(
      vectors.exchange_without_mic.authenticate_message,
    );
    expect(split.established).toBe(true);
  });

  it('without KEY_EXCH from the server: no encrypted session key, and the session base key seals', () => {
    const nlmp = readWinrmVectorJson('ntlm', 'ms-nlmp-4.2-examples.json') as { ntlmv2_4_2_4: Record<string, string> };
    const challenge = hex(must(nlmp.ntlmv2_4_2_4.challenge_message));
    challenge.writeUInt32LE((challenge.readUInt32LE(20) & ~F.KEY_EXCH) >>> 0, 20);
    const client = pinnedClient({ channelBindings: undefined });
    client.negotiate();
    const authenticate = decodeAuthenticate(client.authenticate(challenge));
    expect(authenticate.flags & F.KEY_EXCH).toBe(0);
    expect(authenticate.encryptedRandomSessionKey).toHaveLength(0);
    expect(parseNtlmv2Response(authenticate.ntChallengeResponse).ntProofStr.toString('hex')).toBe(nlmp.ntlmv2_4_2_4.nt_proof_str);

    const plaintext = Buffer.from('Plaintext', 'utf16le');
    const expected = new NtlmSession(hex(must(nlmp.ntlmv2_4_2_4.session_base_key_and_key_exchange_key)), authenticate.flags, 'client').wrap(plaintext);
    expect(client.wrap(plaintext)).toEqual(expected);
  });

  it('refuses a server that offers only NTLMv1', () => {
    const client = pinnedClient();
    client.negotiate();
    const challenge = hex(must(vectors.exchange_with_mic.challenge_message));
    challenge.writeUInt32LE((challenge.readUInt32LE(20) & ~0x00080000) >>> 0, 20);
    expect(thrownBy(() => client.authenticate(challenge))).toMatchObject({ code: 'UNSUPPORTED' });
  });
});

describe('NtlmClient ↔ NtlmServer', () => {
  const PASSWORD = 'ntlm-Passw0rd-canary';
  const users: Record<string, string> = { 'WINRM-TEST\\ops': PASSWORD };
  const serverOptions = (extra: Partial<NtlmServerOptions> = {}): NtlmServerOptions => ({
    lookupPassword: (user, domain) => users[`${domain}\\${user}`],
    ...extra,
  });
  const clientOptions = (extra: Partial<NtlmClientOptions> = {}): NtlmClientOptions => ({
    username: 'WINRM-TEST\\ops',
    password: PASSWORD,
    workstation: 'RUNNER',
    ...extra,
  });
  const handshake = (client: NtlmClient, server: NtlmServer) => server.accept(client.authenticate(server.challenge(client.negotiate())));

  it('authenticates, then carries three sealed messages each way with per-direction sequence numbers', () => {
    const client = new NtlmClient(clientOptions());
    const server = new NtlmServer(serverOptions());
    expect(handshake(client, server)).toEqual({ user: 'ops', domain: 'WINRM-TEST', workstation: 'RUNNER' });

    for (let n = 0; n < 3; n++) {
      const request = Buffer.from(`<s:Envelope>request ${n}</s:Envelope>`);
      const sent = client.wrap(request);
      expect(sent.sealed.includes(Buffer.from('request'))).toBe(false);
      expect(sent.signature.readUInt32LE(12)).toBe(n);
      expect(server.unwrap(sent.signature, sent.sealed)).toEqual(request);

      const response = Buffer.from(`<s:Envelope>response ${n}</s:Envelope>`);
      const answered = server.wrap(response);
      expect(answered.signature.readUInt32LE(12)).toBe(n);
      expect(client.unwrap(answered.signature, answered.sealed)).toEqual(response);
    }
  });

  it('verifies the MIC and channel bindings it is given, and accepts a client that sends them', () => {
    const cb = Buffer.from('tls-server-end-point:0123456789abcdef0123456789abcdef');
    const client = new NtlmClient(clientOptions({ channelBindings: cb }));
    const server = new NtlmServer(serverOptions({ channelBindings: cb }));
    expect(handshake(client, server).user).toBe('ops');
    const { signature, sealed } = client.wrap(Buffer.from('hi'));
    expect(server.unwrap(signature, sealed)).toEqual(Buffer.from('hi'));
  });

  it('rejects a tampered signature, a tampered sealed body and a replay, then refuses further use', () => {
    const client = new NtlmClient(clientOptions());
    const server = new NtlmServer(serverOptions());
    handshake(client, server);
    const first = client.wrap(Buffer.from('first'));
    const forged = Buffer.from(first.signature);
    forged[5] = (forged[5] as number) ^ 0x01;
    expect(thrownBy(() => server.unwrap(forged, first.sealed))).toMatchObject({ name: 'NtlmError', code: 'BAD_SIGNATURE' });
    expect(thrownBy(() => server.unwrap(first.signature, first.sealed))).toMatchObject({ code: 'STATE' });

    const client2 = new NtlmClient(clientOptions());
    const server2 = new NtlmServer(serverOptions());
    handshake(client2, server2);
    const message = client2.wrap(Buffer.from('second'));
    const flipped = Buffer.from(message.sealed);
    flipped[0] = (flipped[0] as number) ^ 0x01;
    expect(thrownBy(() => server2.unwrap(message.signature, flipped))).toMatchObject({ code: 'BAD_SIGNATURE' });

    const client3 = new NtlmClient(clientOptions());
    const server3 = new NtlmServer(serverOptions());
    handshake(client3, server3);
    const once = client3.wrap(Buffer.from('once'));
    expect(server3.unwrap(once.signature, once.sealed)).toEqual(Buffer.from('once'));
    expect(thrownBy(() => server3.unwrap(once.signature, once.sealed))).toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it('a response sealed with the client keys does not pass as a server message (direction matters)', () => {
    const client = new NtlmClient(clientOptions());
    const server = new NtlmServer(serverOptions());
    handshake(client, server);
    const own = client.wrap(Buffer.from('looped back'));
    expect(thrownBy(() => client.unwrap(own.signature, own.sealed))).toMatchObject({ code: 'BAD_SIGNATURE' });
  });

  it.each([
    ['a wrong password', clientOptions({ password: 'wrong-password' })],
    ['an unknown user', clientOptions({ username: 'WINRM-TEST\\nobody' })],
    ['another domain', clientOptions({ username: 'OTHER\\ops' })],
  ])('rejects %s with AUTH_FAILED and a message that names no secret', (_what, options) => {
    const client = new NtlmClient(options);
    const server = new NtlmServer(serverOptions());
    expect(thrownBy(() => handshake(client, server))).toMatchObject({ name: 'NtlmError', code: 'AUTH_FAILED', message: 'The user name or password is incorrect.' });
    expect(server.established).toBe(false);
    expect(thrownBy(() => server.wrap(Buffer.from('x')))).toMatchObject({ code: 'STATE' });
  });

  it('rejects a MIC that does not verify', () => {
    const client = new NtlmClient(clientOptions());
    const server = new NtlmServer(serverOptions());
    const authenticate = client.authenticate(server.challenge(client.negotiate()));
    authenticate[MIC_OFFSET] = (authenticate[MIC_OFFSET] as number) ^ 0xff;
    expect(thrownBy(() => server.accept(authenticate))).toMatchObject({ code: 'AUTH_FAILED', message: expect.stringMatching(/MIC/) as string });
  });

  it('rejects missing or different channel bindings when the server requires them', () => {
    const cb = Buffer.from('tls-server-end-point:server-certificate-hash');
    for (const clientCb of [undefined, Buffer.from('tls-server-end-point:another-certificate')]) {
      const client = new NtlmClient(clientOptions({ channelBindings: clientCb }));
      const server = new NtlmServer(serverOptions({ channelBindings: cb }));
      expect(thrownBy(() => handshake(client, server))).toMatchObject({ code: 'AUTH_FAILED', message: expect.stringMatching(/channel binding/) as string });
    }
  });

  it('allows one AUTHENTICATE per challenge, and refuses NTLMv1 clients', () => {
    const client = new NtlmClient(clientOptions({ password: 'wrong' }));
    const server = new NtlmServer(serverOptions());
    const authenticate = client.authenticate(server.challenge(client.negotiate()));
    expect(thrownBy(() => server.accept(authenticate))).toMatchObject({ code: 'AUTH_FAILED' });
    expect(thrownBy(() => server.accept(authenticate))).toMatchObject({ code: 'STATE' });

    const v1 = Buffer.from(new NtlmClient(clientOptions()).negotiate());
    v1.writeUInt32LE((v1.readUInt32LE(12) & ~0x00080000) >>> 0, 12);
    expect(thrownBy(() => new NtlmServer(serverOptions()).challenge(v1))).toMatchObject({ code: 'UNSUPPORTED' });
  });

  it('keeps no password in the client, its errors or its printed form', () => {
    const client = new NtlmClient(clientOptions());
    const server = new NtlmServer(serverOptions());
    handshake(client, server);
    expect(inspect(client, { showHidden: true, depth: 5 })).not.toContain(PASSWORD);
    expect(JSON.stringify(client)).not.toContain(PASSWORD);
    expect(Object.values(client)).toEqual([]);
  });
});
