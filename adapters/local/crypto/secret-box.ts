import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readOrCreateOwnerOnlyFile } from './key-files';

/**
 * Secrets the local stack must be able to read back (TOTP secrets, credential material) are
 * sealed with AES-256-GCM. The key is 256 random bits in a file of mode 0600 beside the data it
 * protects, so a copy of the table or the vault file alone reveals nothing. Each value is bound to
 * a context (a user's `sub`, a credential version) as associated data: a sealed secret moved
 * elsewhere does not open.
 *
 * Sealed form: `v1.<iv>.<ciphertext>.<tag>`, each part base64url.
 */
export interface SecretBox {
  seal(plaintext: string, context: string): string;
  /** Throws when the value was not sealed by this key for this context. */
  open(sealed: string, context: string): string;
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

export const createSecretBox = (key: Buffer): SecretBox => {
  if (key.length !== KEY_BYTES) throw new Error(`A secret box key has ${KEY_BYTES} bytes.`);
  const seal = (plaintext: string, context: string): string => {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  };
  const open = (sealed: string, context: string): string => {
    const [version, iv, body, tag, ...rest] = sealed.split('.');
    if (version !== VERSION || iv === undefined || body === undefined || tag === undefined || rest.length > 0) {
      throw new Error('Not a sealed secret.');
    }
    const authTag = Buffer.from(tag, 'base64url');
    // A fixed tag length: GCM would otherwise accept a truncated (forgeable) tag.
    if (authTag.length !== TAG_BYTES) throw new Error('Not a sealed secret.');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(authTag);
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  };
  return { seal, open };
};

/** The box whose key is `file`, made on first use. */
export const loadOrCreateSecretBox = async (file: string): Promise<SecretBox> => {
  const encoded = await readOrCreateOwnerOnlyFile(file, () => Promise.resolve(`${randomBytes(KEY_BYTES).toString('base64url')}\n`));
  const key = Buffer.from(encoded.trim(), 'base64url');
  if (key.length !== KEY_BYTES) {
    throw new Error(`${file} does not hold a ${KEY_BYTES}-byte key; secrets sealed with it cannot be read without it.`);
  }
  return createSecretBox(key);
};
