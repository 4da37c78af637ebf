import {
  DecryptCommand,
  GenerateDataKeyCommand,
  IncorrectKeyException,
  InvalidCiphertextException,
  type KMSClient,
} from '@aws-sdk/client-kms';
import type { RunSealer } from '../../core/ports/run-sealer';
import { createSecretBox } from '../local/crypto/secret-box';

/**
 * Secure parameter values sealed for one run with envelope encryption: KMS makes a fresh 256-bit
 * data key per seal (GenerateDataKey, bound to the run by the encryption context `{ runId }`), the
 * values are sealed with it in AES-256-GCM (bound to the run again as associated data), and only
 * the KMS-encrypted data key is kept beside them. Opening needs kms:Decrypt on the key with that
 * context, so only a role granted it (the runner) can read the values, and CloudTrail logs each
 * opening with its run id.
 *
 * Sealed form: `kms1.<encrypted data key>.<secret box>`, the key base64url, the box `v1.<iv>.<body>.<tag>`.
 */
const VERSION = 'kms1';

export interface KmsRunSealerDeps {
  kms: KMSClient;
  /** The KMS key (id, ARN or alias) that encrypts the data keys. */
  keyId: string;
}

const context = (runId: string) => `run:${runId}`;

const notForThisRun = (cause?: unknown) =>
  new Error('The sealed values were not sealed for this run.', cause === undefined ? undefined : { cause });

/** A view on the SDK's own bytes (not a copy), so zeroing it leaves no copy of the key behind. */
const keyView = (bytes: Uint8Array | undefined): Buffer => {
  if (bytes === undefined) throw new Error('KMS returned no plaintext data key.');
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

const parseValues = (json: string): Record<string, string> => {
  const values: unknown = JSON.parse(json);
  if (typeof values !== 'object' || values === null || Array.isArray(values) || !Object.values(values).every((v) => typeof v === 'string')) {
    throw new Error('The sealed values are not a map of strings.');
  }
  return values as Record<string, string>;
};

export const createKmsRunSealer = ({ kms, keyId }: KmsRunSealerDeps): RunSealer => ({
  seal: async (runId, values) => {
    const generated = await kms.send(
      new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { runId } }),
    );
    const key = keyView(generated.Plaintext);
    try {
      if (generated.CiphertextBlob === undefined) throw new Error('KMS returned no encrypted data key.');
      const box = createSecretBox(key).seal(JSON.stringify(values), context(runId));
      return `${VERSION}.${Buffer.from(generated.CiphertextBlob).toString('base64url')}.${box}`;
    } finally {
      key.fill(0);
    }
  },

  open: async (runId, sealed) => {
    const [version, encryptedKey, ...box] = sealed.split('.');
    if (version !== VERSION || encryptedKey === undefined || encryptedKey === '' || box.length === 0) {
      throw new Error('Not a KMS-sealed value.');
    }
    let plaintext: Uint8Array | undefined;
    try {
      plaintext = (
        await kms.send(
          new DecryptCommand({ CiphertextBlob: Buffer.from(encryptedKey, 'base64url'), KeyId: keyId, EncryptionContext: { runId } }),
        )
      ).Plaintext;
    } catch (e) {
      // KMS's answer to another run's context or a damaged key; access and throttling errors pass through.
      if (e instanceof InvalidCiphertextException || e instanceof IncorrectKeyException) throw notForThisRun(e);
      throw e;
    }
    const key = keyView(plaintext);
    let json: string;
    try {
      json = createSecretBox(key).open(box.join('.'), context(runId));
    } catch (e) {
      throw notForThisRun(e);
    } finally {
      key.fill(0);
    }
    return parseValues(json);
  },
});
