/**
 * The initiator side of NTLMv2: NEGOTIATE, then AUTHENTICATE in answer to the server's CHALLENGE,
 * then sealing and signing with the client keys. Randomness and the clock are injectable so a
 * test can pin them and compare bytes with recorded exchanges.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import {
  channelBindingsHash,
  computeMic,
  dateToFiletime,
  lmv2Response,
  ntlmv2ClientBlob,
  ntowfv2,
  ntProofStr,
  rc4k,
  sessionBaseKey,
} from './crypto';
import { NtlmError } from './errors';
import {
  AV_FLAG_MIC_PRESENT,
  AvId,
  MIC_OFFSET,
  NegotiateFlags as F,
  decodeChallenge,
  encodeAuthenticate,
  encodeNegotiate,
  findAvPair,
  hasFlag,
  writeAvPairs,
  type AvPair,
  type NtlmVersion,
} from './messages';
import { NtlmSession, type SealedMessage } from './session';

export interface NtlmClientOptions {
  /** `user`, `DOMAIN\user` (split here) or a UPN `user@domain` (sent as is, with an empty domain). */
  username: string;
  password: string;
  domain?: string | undefined;
  workstation?: string | undefined;
  /**
   * Channel-binding application data, for NTLM over HTTPS: `tlsServerEndPoint(certificate)`.
   * Without it no MsvAvChannelBindings is sent (plain HTTP, or servers without Extended Protection).
   */
  channelBindings?: Buffer | undefined;
  /** The VERSION the client reports; informational. */
  version?: NtlmVersion | undefined;
  randomBytes?: ((size: number) => Buffer) | undefined;
  now?: (() => Date) | undefined;
}

/** Windows 7 SP1's version, as ntlm-auth reports by default. */
export const DEFAULT_NTLM_VERSION: NtlmVersion = { major: 6, minor: 1, build: 7601, revision: 15 };

const CLIENT_FLAGS =
  F.UNICODE | F.SIGN | F.SEAL | F.ALWAYS_SIGN | F.EXTENDED_SESSIONSECURITY | F.TARGET_INFO | F.VERSION | F.KEY_128 | F.KEY_EXCH | F.KEY_56;
// Flags a server legitimately adds to what the client asked for; any other flag it sets is dropped.
const SERVER_ADDED_FLAGS = F.NTLM | F.REQUEST_TARGET | F.TARGET_INFO | F.TARGET_TYPE_DOMAIN | F.TARGET_TYPE_SERVER;

export const splitUsername = (username: string, domain: string | undefined): { user: string; domain: string } => {
  const slash = username.indexOf('\\');
  if (domain === undefined && slash >= 0) return { domain: username.slice(0, slash), user: username.slice(slash + 1) };
  return { user: username, domain: domain ?? '' };
};

export class NtlmClient {
  readonly #user: string;
  readonly #domain: string;
  readonly #workstation: string;
  // Only the derived NTLMv2 key is kept, never the password itself.
  readonly #responseKeyNt: Buffer;
  readonly #channelBindings: Buffer | undefined;
  readonly #version: NtlmVersion;
  readonly #random: (size: number) => Buffer;
  readonly #now: () => Date;
  #negotiate: Buffer | undefined;
  #session: NtlmSession | undefined;

  constructor(options: NtlmClientOptions) {
    const { user, domain } = splitUsername(options.username, options.domain);
    this.#user = user;
    this.#domain = domain;
    this.#workstation = options.workstation ?? '';
    this.#responseKeyNt = ntowfv2(options.password, user, domain);
    this.#channelBindings = options.channelBindings;
    this.#version = options.version ?? DEFAULT_NTLM_VERSION;
    this.#random = options.randomBytes ?? cryptoRandomBytes;
    this.#now = options.now ?? (() => new Date());
  }

  /** The first token (type 1), to send as `Authorization: Negotiate <base64>`. */
  negotiate(): Buffer {
    if (this.#negotiate !== undefined) throw new NtlmError('STATE', 'This NTLM client has already sent its NEGOTIATE message.');
    const flags =
      CLIENT_FLAGS | (this.#domain === '' ? 0 : F.OEM_DOMAIN_SUPPLIED) | (this.#workstation === '' ? 0 : F.OEM_WORKSTATION_SUPPLIED);
    this.#negotiate = encodeNegotiate({
      flags,
      domain: this.#domain || undefined,
      workstation: this.#workstation || undefined,
      version: this.#version,
    });
    return this.#negotiate;
  }

  /** The answer (type 3) to the server's CHALLENGE (type 2); afterwards the client can wrap and unwrap. */
  authenticate(challengeMessage: Buffer): Buffer {
    const negotiate = this.#negotiate;
    if (negotiate === undefined) throw new NtlmError('STATE', 'Send the NEGOTIATE message before answering a CHALLENGE.');
    if (this.#session !== undefined) throw new NtlmError('STATE', 'This NTLM client has already authenticated.');
    const challenge = decodeChallenge(challengeMessage);
    if (!hasFlag(challenge.flags, F.EXTENDED_SESSIONSECURITY)) {
      throw new NtlmError('UNSUPPORTED', 'The server offers only NTLMv1 (no extended session security); refusing to authenticate with it.');
    }
    const negotiateFlags = negotiate.readUInt32LE(12);
    let flags = challenge.flags & (negotiateFlags | SERVER_ADDED_FLAGS);
    if (hasFlag(flags, F.UNICODE)) flags &= ~F.OEM;
    flags >>>= 0;

    // A server that sends its time wants the client's time to be the same one, and a MIC (§3.1.5.1.2).
    const serverTime = findAvPair(challenge.targetInfo, AvId.TIMESTAMP);
    const timestamp = serverTime ?? dateToFiletime(this.#now());
    const clientChallenge = this.#random(8);
    const blob = ntlmv2ClientBlob(timestamp, clientChallenge, writeAvPairs(this.#clientAvPairs(challenge.targetInfo, serverTime !== undefined)));
    const proof = ntProofStr(this.#responseKeyNt, challenge.serverChallenge, blob);
    const baseKey = sessionBaseKey(this.#responseKeyNt, proof);
    const keyExchange = hasFlag(flags, F.KEY_EXCH);
    const exportedSessionKey = keyExchange ? this.#random(16) : baseKey;

    const message = {
      flags,
      // With a MIC the LM response is zeroed rather than left out (§3.1.5.1.2).
      lmChallengeResponse:
        serverTime === undefined ? lmv2Response(this.#responseKeyNt, challenge.serverChallenge, clientChallenge) : Buffer.alloc(24),
      ntChallengeResponse: Buffer.concat([proof, blob]),
      domain: this.#domain,
      user: this.#user,
      workstation: this.#workstation,
      encryptedRandomSessionKey: keyExchange ? rc4k(baseKey, exportedSessionKey) : Buffer.alloc(0),
      version: this.#version,
    };
    let authenticate: Buffer;
    if (serverTime === undefined) {
      authenticate = encodeAuthenticate(message);
    } else {
      authenticate = encodeAuthenticate({ ...message, mic: Buffer.alloc(16) });
      computeMic(exportedSessionKey, negotiate, challengeMessage, authenticate).copy(authenticate, MIC_OFFSET);
    }
    this.#session = new NtlmSession(exportedSessionKey, flags, 'client');
    return authenticate;
  }

  /** True once AUTHENTICATE was built; the server's answer to it decides whether it was accepted. */
  get established(): boolean {
    return this.#session !== undefined;
  }

  wrap(plaintext: Buffer): SealedMessage {
    return this.#established().wrap(plaintext);
  }

  unwrap(signature: Buffer, sealed: Buffer): Buffer {
    return this.#established().unwrap(signature, sealed);
  }

  sign(message: Buffer): Buffer {
    return this.#established().sign(message);
  }

  verify(message: Buffer, signature: Buffer): void {
    this.#established().verify(message, signature);
  }

  /** The server's AV pairs, with MsvAvFlags (MIC present) and MsvAvChannelBindings set as this client needs. */
  #clientAvPairs(serverPairs: AvPair[], withMic: boolean): AvPair[] {
    const pairs = serverPairs.map((p) => ({ ...p }));
    const upsert = (id: number, value: Buffer) => {
      const existing = pairs.find((p) => p.id === id);
      if (existing === undefined) pairs.push({ id, value });
      else existing.value = value;
    };
    if (withMic) {
      const current = findAvPair(pairs, AvId.FLAGS);
      const value = Buffer.alloc(4);
      value.writeUInt32LE(((current?.length === 4 ? current.readUInt32LE(0) : 0) | AV_FLAG_MIC_PRESENT) >>> 0);
      upsert(AvId.FLAGS, value);
    }
    if (this.#channelBindings !== undefined) upsert(AvId.CHANNEL_BINDINGS, channelBindingsHash(this.#channelBindings));
    return pairs;
  }

  #established(): NtlmSession {
    if (this.#session === undefined) throw new NtlmError('STATE', 'NTLM authentication has not completed yet.');
    return this.#session;
  }
}
