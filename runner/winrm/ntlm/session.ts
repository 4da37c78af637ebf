/**
 * Message integrity and confidentiality once NTLM has authenticated ([MS-NLMP] §3.4, with
 * extended session security): each direction has its own signing key, its own RC4 sealing stream
 * and its own sequence number, all carried over from one message to the next for the life of the
 * connection. Both ends use this class; only the direction of the keys differs.
 */
import { timingSafeEqual } from 'node:crypto';
import { Rc4, hmacMd5, sealKey, signKey, type NtlmDirection } from './crypto';
import { NtlmError } from './errors';
import { NegotiateFlags, hasFlag } from './messages';

export type NtlmRole = 'client' | 'server';

export interface SealedMessage {
  /** The 16-byte NTLMSSP_MESSAGE_SIGNATURE: version 1, checksum(8), sequence number (4, little-endian). */
  signature: Buffer;
  sealed: Buffer;
}

interface Direction {
  signingKey: Buffer;
  rc4: Rc4;
  seq: number;
}

const direction = (exportedSessionKey: Buffer, flags: number, way: NtlmDirection): Direction => ({
  signingKey: signKey(exportedSessionKey, way),
  rc4: new Rc4(sealKey(exportedSessionKey, flags, way)),
  seq: 0,
});

export class NtlmSession {
  readonly #outgoing: Direction;
  readonly #incoming: Direction;
  readonly #keyExchange: boolean;
  readonly #sealing: boolean;
  // A failed verification has already advanced the incoming RC4 stream, so nothing after it can
  // be read correctly; refusing further use turns a confusing cascade into one clear error.
  #broken = false;

  constructor(exportedSessionKey: Buffer, flags: number, role: NtlmRole) {
    if (!hasFlag(flags, NegotiateFlags.EXTENDED_SESSIONSECURITY)) {
      throw new NtlmError('UNSUPPORTED', 'NTLM signing without extended session security (NTLMv1) is not supported.');
    }
    const toServer = direction(exportedSessionKey, flags, 'client-to-server');
    const toClient = direction(exportedSessionKey, flags, 'server-to-client');
    this.#outgoing = role === 'client' ? toServer : toClient;
    this.#incoming = role === 'client' ? toClient : toServer;
    this.#keyExchange = hasFlag(flags, NegotiateFlags.KEY_EXCH);
    this.#sealing = hasFlag(flags, NegotiateFlags.SEAL);
  }

  /** Whether SEAL was negotiated, i.e. whether wrap/unwrap (message encryption) can be used. */
  get sealing(): boolean {
    return this.#sealing;
  }

  /** Seals and signs one message (GSS_WrapEx): the data is encrypted first, then the checksum with the same stream. */
  wrap(plaintext: Buffer): SealedMessage {
    this.#usable();
    this.#requireSealing();
    const sealed = this.#outgoing.rc4.update(plaintext);
    return { signature: this.#signature(this.#outgoing, plaintext), sealed };
  }

  /** Unseals one message and verifies its signature; throws BAD_SIGNATURE when it does not verify. */
  unwrap(signature: Buffer, sealed: Buffer): Buffer {
    this.#usable();
    this.#requireSealing();
    const plaintext = this.#incoming.rc4.update(sealed);
    this.#check(signature, plaintext);
    return plaintext;
  }

  /** Signs a message without sealing it (GSS_GetMIC); with KEY_EXCH this still advances the sealing stream. */
  sign(message: Buffer): Buffer {
    this.#usable();
    return this.#signature(this.#outgoing, message);
  }

  /** Verifies a signature made by the peer's sign (GSS_VerifyMIC). */
  verify(message: Buffer, signature: Buffer): void {
    this.#usable();
    this.#check(signature, message);
  }

  #signature(way: Direction, message: Buffer): Buffer {
    const seq = Buffer.alloc(4);
    seq.writeUInt32LE(way.seq);
    way.seq = (way.seq + 1) >>> 0;
    let checksum = hmacMd5(way.signingKey, seq, message).subarray(0, 8);
    if (this.#keyExchange) checksum = way.rc4.update(checksum);
    return Buffer.concat([Buffer.from([1, 0, 0, 0]), checksum, seq]);
  }

  #check(signature: Buffer, message: Buffer): void {
    if (signature.length !== 16) {
      this.#broken = true;
      throw new NtlmError('BAD_SIGNATURE', `An NTLM message signature is 16 bytes long, not ${signature.length}.`);
    }
    const expected = this.#signature(this.#incoming, message);
    if (!timingSafeEqual(expected, signature)) {
      this.#broken = true;
      throw new NtlmError('BAD_SIGNATURE', 'The NTLM message signature does not verify: the message was altered, lost or replayed.');
    }
  }

  #usable(): void {
    if (this.#broken) throw new NtlmError('STATE', 'This NTLM session failed a signature check and cannot be used any more.');
  }

  #requireSealing(): void {
    if (!this.#sealing) throw new NtlmError('UNSUPPORTED', 'The peer did not negotiate NTLM sealing, so messages cannot be encrypted.');
  }
}
