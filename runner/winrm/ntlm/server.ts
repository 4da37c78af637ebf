/**
 * The acceptor side of NTLMv2, for the local WinRM test server: CHALLENGE in answer to NEGOTIATE,
 * verification of AUTHENTICATE against a password looked up by user, then sealing and signing
 * with the server keys. It refuses NTLMv1 and anonymous logons, as a hardened Windows host does.
 * One instance serves one handshake (one connection).
 */
import { randomBytes as cryptoRandomBytes, timingSafeEqual } from 'node:crypto';
import { channelBindingsHash, computeMic, dateToFiletime, ntowfv2, ntProofStr, rc4k, sessionBaseKey } from './crypto';
import { NtlmError } from './errors';
import {
  AV_FLAG_MIC_PRESENT,
  AvId,
  MIC_OFFSET,
  NegotiateFlags as F,
  decodeAuthenticate,
  decodeNegotiate,
  encodeChallenge,
  findAvPair,
  hasFlag,
  parseNtlmv2Response,
  type NtlmVersion,
} from './messages';
import { NtlmSession, type SealedMessage } from './session';

export interface NtlmServerOptions {
  /** The password of a user as the client named it (user and domain as sent), or undefined when there is no such user. */
  lookupPassword: (user: string, domain: string) => string | undefined;
  /** NetBIOS names announced in the target info. */
  computerName?: string | undefined;
  domainName?: string | undefined;
  /**
   * The channel-binding application data of the TLS connection (`tlsServerEndPoint(cert)`); when
   * given, a client must present the matching MsvAvChannelBindings (Extended Protection "Required").
   */
  channelBindings?: Buffer | undefined;
  version?: NtlmVersion | undefined;
  randomBytes?: ((size: number) => Buffer) | undefined;
  now?: (() => Date) | undefined;
}

export interface NtlmIdentity {
  user: string;
  domain: string;
  workstation: string;
}

/** Windows Server 2019's version. */
const SERVER_VERSION: NtlmVersion = { major: 10, minor: 0, build: 17763, revision: 15 };
const SUPPORTED_FLAGS =
  F.UNICODE | F.REQUEST_TARGET | F.SIGN | F.SEAL | F.ALWAYS_SIGN | F.EXTENDED_SESSIONSECURITY | F.VERSION | F.KEY_128 | F.KEY_EXCH | F.KEY_56;

const authFailed = () => new NtlmError('AUTH_FAILED', 'The user name or password is incorrect.');

type State = { step: 'new' } | { step: 'challenged'; negotiate: Buffer; challenge: Buffer; serverChallenge: Buffer; flags: number } | { step: 'done' };

export class NtlmServer {
  readonly #lookupPassword: NtlmServerOptions['lookupPassword'];
  readonly #computerName: string;
  readonly #domainName: string;
  readonly #channelBindings: Buffer | undefined;
  readonly #version: NtlmVersion;
  readonly #random: (size: number) => Buffer;
  readonly #now: () => Date;
  #state: State = { step: 'new' };
  #session: NtlmSession | undefined;

  constructor(options: NtlmServerOptions) {
    this.#lookupPassword = options.lookupPassword;
    this.#computerName = options.computerName ?? 'WINRM-TEST';
    this.#domainName = options.domainName ?? 'WORKGROUP';
    this.#channelBindings = options.channelBindings;
    this.#version = options.version ?? SERVER_VERSION;
    this.#random = options.randomBytes ?? cryptoRandomBytes;
    this.#now = options.now ?? (() => new Date());
  }

  /** The CHALLENGE (type 2) answering a client's NEGOTIATE (type 1). */
  challenge(negotiateMessage: Buffer): Buffer {
    if (this.#state.step !== 'new') throw new NtlmError('STATE', 'This NTLM server context has already sent its CHALLENGE.');
    const negotiate = decodeNegotiate(negotiateMessage);
    if (!hasFlag(negotiate.flags, F.UNICODE) || !hasFlag(negotiate.flags, F.EXTENDED_SESSIONSECURITY)) {
      throw new NtlmError('UNSUPPORTED', 'The client did not offer Unicode with extended session security (NTLMv2); NTLMv1 is refused.');
    }
    const flags = ((negotiate.flags & SUPPORTED_FLAGS) | F.NTLM | F.TARGET_INFO | F.TARGET_TYPE_SERVER | F.VERSION) >>> 0;
    const serverChallenge = this.#random(8);
    const text = (s: string) => Buffer.from(s, 'utf16le');
    const challenge = encodeChallenge({
      flags,
      serverChallenge,
      targetName: hasFlag(flags, F.REQUEST_TARGET) ? this.#computerName : undefined,
      targetInfo: [
        { id: AvId.NB_DOMAIN_NAME, value: text(this.#domainName) },
        { id: AvId.NB_COMPUTER_NAME, value: text(this.#computerName) },
        { id: AvId.DNS_DOMAIN_NAME, value: text(this.#domainName.toLowerCase()) },
        { id: AvId.DNS_COMPUTER_NAME, value: text(this.#computerName.toLowerCase()) },
        { id: AvId.TIMESTAMP, value: dateToFiletime(this.#now()) },
      ],
      version: this.#version,
    });
    this.#state = { step: 'challenged', negotiate: negotiateMessage, challenge, serverChallenge, flags };
    return challenge;
  }

  /** Verifies the client's AUTHENTICATE (type 3); throws AUTH_FAILED for a wrong password, MIC or channel binding. */
  accept(authenticateMessage: Buffer): NtlmIdentity {
    const state = this.#state;
    if (state.step !== 'challenged') throw new NtlmError('STATE', 'An AUTHENTICATE message is only accepted right after a CHALLENGE.');
    // One attempt per challenge, whatever its outcome: a second guess needs a new handshake.
    this.#state = { step: 'done' };
    const message = decodeAuthenticate(authenticateMessage);
    if (message.user === '' || message.ntChallengeResponse.length === 0) {
      throw new NtlmError('AUTH_FAILED', 'Anonymous NTLM logons are not accepted.');
    }
    if (message.ntChallengeResponse.length <= 24) throw new NtlmError('UNSUPPORTED', 'NTLMv1 responses are refused; use NTLMv2.');
    const response = parseNtlmv2Response(message.ntChallengeResponse);

    const password = this.#lookupPassword(message.user, message.domain);
    if (password === undefined) throw authFailed();
    const responseKeyNt = ntowfv2(password, message.user, message.domain);
    if (!timingSafeEqual(ntProofStr(responseKeyNt, state.serverChallenge, response.clientBlob), response.ntProofStr)) throw authFailed();

    if (this.#channelBindings !== undefined) {
      const presented = findAvPair(response.avPairs, AvId.CHANNEL_BINDINGS);
      const expected = channelBindingsHash(this.#channelBindings);
      if (presented?.length !== 16 || !timingSafeEqual(presented, expected)) {
        throw new NtlmError('AUTH_FAILED', 'The NTLM channel binding does not match this TLS connection.');
      }
    }

    const flags = (message.flags & state.flags) >>> 0;
    const baseKey = sessionBaseKey(responseKeyNt, response.ntProofStr);
    let exportedSessionKey = baseKey;
    if (hasFlag(flags, F.KEY_EXCH)) {
      if (message.encryptedRandomSessionKey.length !== 16) {
        throw new NtlmError('MALFORMED', 'The NTLM AUTHENTICATE message is malformed: KEY_EXCH without a 16-byte session key.');
      }
      exportedSessionKey = rc4k(baseKey, message.encryptedRandomSessionKey);
    }

    const avFlags = findAvPair(response.avPairs, AvId.FLAGS);
    if (avFlags?.length === 4 && hasFlag(avFlags.readUInt32LE(0), AV_FLAG_MIC_PRESENT)) {
      if (message.mic === undefined) throw new NtlmError('MALFORMED', 'The NTLM AUTHENTICATE message announces a MIC but has none.');
      const zeroed = Buffer.from(authenticateMessage);
      zeroed.fill(0, MIC_OFFSET, MIC_OFFSET + 16);
      if (!timingSafeEqual(computeMic(exportedSessionKey, state.negotiate, state.challenge, zeroed), message.mic)) {
        throw new NtlmError('AUTH_FAILED', 'The NTLM message integrity code (MIC) does not verify.');
      }
    }

    this.#session = new NtlmSession(exportedSessionKey, flags, 'server');
    return { user: message.user, domain: message.domain, workstation: message.workstation };
  }

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

  #established(): NtlmSession {
    if (this.#session === undefined) throw new NtlmError('STATE', 'No NTLM client has been authenticated yet.');
    return this.#session;
  }
}
