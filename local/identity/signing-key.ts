import { createHash, createPrivateKey, createPublicKey, generateKeyPair, randomBytes, type KeyObject } from 'node:crypto';
import { chmod, link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * The token-signing key of the local identity provider: RSA 2048, made at first start and kept
 * as PKCS#8 PEM in the data folder, readable by its owner only. Cognito publishes its keys as
 * JWKS; so do we, with the kid derived from the public key (RFC 7638 thumbprint), so the same key
 * always has the same kid and a verifier's cache stays valid across restarts.
 */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  /** The public half as a JWK with kid, alg and use, as Cognito's jwks.json lists it. */
  jwk: Record<string, unknown>;
}

const KEY_FILE = 'signing-key.pem';

const isErrno = (e: unknown, code: string): boolean =>
  typeof e === 'object' && e !== null && 'code' in e && e.code === code;

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

/**
 * Write the new key under a temporary name and hard-link it into place: the link fails if another
 * process got there first (then theirs wins), and nobody ever reads a half-written file.
 */
const createKeyFile = async (file: string): Promise<void> => {
  const pem = await generatePem();
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(tmp, pem, { mode: 0o600, flag: 'wx' });
  try {
    await link(tmp, file);
  } catch (e) {
    if (!isErrno(e, 'EEXIST')) throw e;
  } finally {
    await unlink(tmp);
  }
};

const thumbprint = (jwk: { e: string; kty: string; n: string }): string =>
  // RFC 7638: the required members only, in lexicographic order, no whitespace.
  createHash('sha256')
    .update(JSON.stringify({ e: jwk.e, kty: jwk.kty, n: jwk.n }))
    .digest('base64url');

export const loadOrCreateSigningKey = async (dataDir: string): Promise<SigningKey> => {
  const dir = path.join(dataDir, 'identity');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const file = path.join(dir, KEY_FILE);
  let pem: string;
  try {
    pem = await readFile(file, 'utf8');
  } catch (e) {
    if (!isErrno(e, 'ENOENT')) throw e;
    await createKeyFile(file);
    pem = await readFile(file, 'utf8');
  }
  // A key copied in with looser permissions is tightened rather than served as is.
  if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);

  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'rsa' || (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) {
    throw new Error(`${file} is not an RSA private key of at least 2048 bits; move it away to have a new one made.`);
  }
  const pub = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof pub.n !== 'string' || typeof pub.e !== 'string') throw new Error(`${file}: public key has no modulus`);
  const kid = thumbprint({ e: pub.e, kty: 'RSA', n: pub.n });
  return { kid, privateKey, jwk: { alg: 'RS256', e: pub.e, kid, kty: 'RSA', n: pub.n, use: 'sig' } };
};
