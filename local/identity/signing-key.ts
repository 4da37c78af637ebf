import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import path from 'node:path';
import { ownerOnlyDir, readOrCreateOwnerOnlyFile } from '../../adapters/local/crypto/key-files';

/**
 * The token-signing key of the local identity provider: RSA 2048, made at first start and kept
 * as PKCS#8 PEM in the data folder, readable by its owner only. Cognito publishes its keys as
 * JWKS; so do we, with the kid derived from the public key (RFC 7638 thumbprint), so the same key
 * always has the same kid and a verifier's cache stays valid across restarts.
 */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** For verifying tokens handed back to the identity provider (access-token operations). */
  publicKey: KeyObject;
  /** The public half as a JWK with kid, alg and use, as Cognito's jwks.json lists it. */
  jwk: Record<string, unknown>;
}

const KEY_FILE = 'signing-key.pem';

const generatePem = (): Promise<string> =>
  new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicExponent: 0x10001,
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
        publicKeyEncoding: { type: 'spki', format: 'pem' },
      },
      (err, _publicKey, privateKey) => {
        if (err) reject(err);
        else resolve(privateKey);
      },
    );
  });

const thumbprint = (jwk: { e: string; kty: string; n: string }): string =>
  // RFC 7638: the required members only, in lexicographic order, no whitespace.
  createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');

export const loadOrCreateSigningKey = async (dataDir: string): Promise<SigningKey> => {
  const file = path.join(await ownerOnlyDir(dataDir, 'identity'), KEY_FILE);
  const pem = await readOrCreateOwnerOnlyFile(file, generatePem);

  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'rsa' || (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new Error(`${file} is not an RSA private key of at least 2048 bits; move it away to have a new one made.`);
  }
  const publicKey = createPublicKey(privateKey);
  const pub = publicKey.export({ format: 'jwk' });
  if (typeof pub.n !== 'string' || typeof pub.e !== 'string') throw new Error(`${file}: public key has no modulus`);
  const kid = thumbprint({ e: pub.e, kty: 'RSA', n: pub.n });
  return { kid, privateKey, publicKey, jwk: { alg: 'RS256', e: pub.e, kid, kty: 'RSA', n: pub.n, use: 'sig' } };
};
