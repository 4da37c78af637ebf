import { DecryptCommand, GenerateDataKeyCommand, IncorrectKeyException, InvalidCiphertextException, type KMSClient } from '@aws-sdk/client-kms';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKmsRunSealer } from '../../../adapters/aws/kms-run-sealer';
import { createFileRunSealer } from '../../../adapters/local/file-run-sealer';
import type { RunSealer } from '../../../core/ports/run-sealer';

const RUN = 'run_01JD0000000000000000000001';
const OTHER_RUN = 'run_01JD0000000000000000000002';
const KEY_ID = 'arn:aws:kms:eu-west-1:123456789012:key/run-sealer';
const values = { dbPassword: 'hunter2-Sekret!', apiToken: 'tok_9f8e7d6c5b4a', empty: '', unicode: 'pässwörd ✓' };
const meta = { $metadata: {} };

/** Flips one character of the part at `index` (split on '.'), keeping it valid base64url. */
const tamper = (sealed: string, index: number): string => {
  const parts = sealed.split('.');
  const part = parts[index] ?? '';
  parts[index] = `${part.charAt(0) === 'A' ? 'B' : 'A'}${part.slice(1)}`;
  return parts.join('.');
};

/** What both sealers must do; `boxOffset` is where the secret box starts in the sealed form split on '.'. */
const sharedBehaviour = (name: string, make: () => Promise<RunSealer>, boxOffset: number) => {
  describe(`${name}: the RunSealer contract`, () => {
    it('round-trips the values and never shows them in the sealed form', async () => {
      const sealer = await make();

      const sealed = await sealer.seal(RUN, values);

      for (const value of Object.values(values).filter((v) => v !== '')) expect(sealed).not.toContain(value);
      for (const name of Object.keys(values)) expect(sealed).not.toContain(name);
      expect(await sealer.open(RUN, sealed)).toEqual(values);
      expect(await sealer.open(RUN, await sealer.seal(RUN, {}))).toEqual({});
    });

    it('seals the same values differently each time', async () => {
      const sealer = await make();
      expect(await sealer.seal(RUN, values)).not.toBe(await sealer.seal(RUN, values));
    });

    it('does not open values sealed for another run', async () => {
      const sealer = await make();
      const sealed = await sealer.seal(RUN, values);

      await expect(sealer.open(OTHER_RUN, sealed)).rejects.toThrow('not sealed for this run');
    });

    it('does not open a tampered or malformed sealed form', async () => {
      const sealer = await make();
      const sealed = await sealer.seal(RUN, values);

      await expect(sealer.open(RUN, tamper(sealed, boxOffset + 2))).rejects.toThrow();
      await expect(sealer.open(RUN, tamper(sealed, boxOffset + 3))).rejects.toThrow();
      await expect(sealer.open(RUN, sealed.slice(0, -4))).rejects.toThrow();
      await expect(sealer.open(RUN, `${sealed}.x`)).rejects.toThrow();
      await expect(sealer.open(RUN, '')).rejects.toThrow();
      await expect(sealer.open(RUN, 'hunter2')).rejects.toThrow();
    });
  });
};

describe('file run sealer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'opsc-run-sealer-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  sharedBehaviour('file', () => createFileRunSealer(dir), 0);

  it('keeps its key in vault/runs.key, readable by its owner only, and reuses it on the next start', async () => {
    const sealed = await (await createFileRunSealer(dir)).seal(RUN, values);

    const reopened = await createFileRunSealer(dir);

    expect(await reopened.open(RUN, sealed)).toEqual(values);
    expect((await stat(path.join(dir, 'vault', 'runs.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(path.join(dir, 'vault'))).mode & 0o777).toBe(0o700);
  });

  it('does not open values sealed under another data folder key', async () => {
    const otherDir = await mkdtemp(path.join(tmpdir(), 'opsc-run-sealer-'));
    try {
      const sealed = await (await createFileRunSealer(otherDir)).seal(RUN, values);
      await expect((await createFileRunSealer(dir)).open(RUN, sealed)).rejects.toThrow('not sealed for this run');
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });
});

interface Sent {
  command: GenerateDataKeyCommand | DecryptCommand;
}

/**
 * KMS as far as envelope encryption sees it: GenerateDataKey hands out a fresh random key and an
 * opaque "ciphertext" naming it; Decrypt gives the key back only for the same key id and context.
 */
const fakeKms = () => {
  const sent: Sent[] = [];
  const dataKeys = new Map<string, { key: Buffer; keyId: string; context: string }>();
  const handedOut: Uint8Array[] = [];
  const send = (command: unknown): Promise<unknown> => {
    if (command instanceof GenerateDataKeyCommand) {
      sent.push({ command });
      const { KeyId, KeySpec, EncryptionContext } = command.input;
      if (KeyId === undefined || KeySpec !== 'AES_256') return Promise.reject(new Error('bad GenerateDataKey'));
      const key = randomBytes(32);
      const blob = randomBytes(48);
      dataKeys.set(blob.toString('hex'), { key: Buffer.from(key), keyId: KeyId, context: JSON.stringify(EncryptionContext ?? {}) });
      const plaintext = new Uint8Array(key);
      handedOut.push(plaintext);
      return Promise.resolve({ KeyId, Plaintext: plaintext, CiphertextBlob: new Uint8Array(blob), ...meta });
    }
    if (command instanceof DecryptCommand) {
      sent.push({ command });
      const { CiphertextBlob, KeyId, EncryptionContext } = command.input;
      const entry = dataKeys.get(Buffer.from(CiphertextBlob ?? []).toString('hex'));
      if (entry !== undefined && KeyId !== entry.keyId) return Promise.reject(new IncorrectKeyException({ message: 'wrong key', ...meta }));
      if (entry?.context !== JSON.stringify(EncryptionContext ?? {})) {
        return Promise.reject(new InvalidCiphertextException({ message: 'invalid ciphertext', ...meta }));
      }
      const plaintext = new Uint8Array(entry.key);
      handedOut.push(plaintext);
      return Promise.resolve({ KeyId, Plaintext: plaintext, ...meta });
    }
    return Promise.reject(new Error('unexpected command'));
  };
  return { client: { send } as unknown as KMSClient, sent, handedOut };
};

describe('KMS run sealer', () => {
  sharedBehaviour('KMS', () => Promise.resolve(createKmsRunSealer({ kms: fakeKms().client, keyId: KEY_ID })), 2);

  it('asks KMS for an AES-256 data key bound to the run, and decrypts it with the same key id and context', async () => {
    const kms = fakeKms();
    const sealer = createKmsRunSealer({ kms: kms.client, keyId: KEY_ID });

    const sealed = await sealer.seal(RUN, values);
    await sealer.open(RUN, sealed);

    expect(sealed).toMatch(/^kms1\.[A-Za-z0-9_-]+\.v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const [generate, decrypt] = kms.sent.map((s) => s.command);
    expect(generate).toBeInstanceOf(GenerateDataKeyCommand);
    expect(generate?.input).toEqual({ KeyId: KEY_ID, KeySpec: 'AES_256', EncryptionContext: { runId: RUN } });
    expect(decrypt).toBeInstanceOf(DecryptCommand);
    expect(decrypt?.input).toMatchObject({ KeyId: KEY_ID, EncryptionContext: { runId: RUN } });
    expect(Buffer.from((decrypt as DecryptCommand).input.CiphertextBlob ?? []).toString('base64url')).toBe(sealed.split('.')[1]);
  });

  it('zeroes each plaintext data key once used', async () => {
    const kms = fakeKms();
    const sealer = createKmsRunSealer({ kms: kms.client, keyId: KEY_ID });

    await sealer.open(RUN, await sealer.seal(RUN, values));

    expect(kms.handedOut).toHaveLength(2);
    for (const key of kms.handedOut) expect(key.every((b) => b === 0)).toBe(true);
  });

  it('fails when KMS refuses the data key: another run, another key, another encrypted key', async () => {
    const kms = fakeKms();
    const sealed = await createKmsRunSealer({ kms: kms.client, keyId: KEY_ID }).seal(RUN, values);
    const [, encryptedKey = ''] = sealed.split('.');
    const otherKey = Buffer.from(encryptedKey, 'base64url');
    otherKey[0] = (otherKey[0] ?? 0) ^ 1;

    await expect(createKmsRunSealer({ kms: kms.client, keyId: 'alias/other' }).open(RUN, sealed)).rejects.toThrow('not sealed for this run');
    await expect(createKmsRunSealer({ kms: kms.client, keyId: KEY_ID }).open(OTHER_RUN, sealed)).rejects.toThrow('not sealed for this run');
    await expect(
      createKmsRunSealer({ kms: kms.client, keyId: KEY_ID }).open(RUN, sealed.replace(encryptedKey, otherKey.toString('base64url'))),
    ).rejects.toThrow('not sealed for this run');
  });

  it('lets other KMS errors through unchanged', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform kms:Decrypt'), { name: 'AccessDeniedException' });
    const kms = fakeKms();
    const sealed = await createKmsRunSealer({ kms: kms.client, keyId: KEY_ID }).seal(RUN, values);
    const refusing = { send: () => Promise.reject(denied) } as unknown as KMSClient;

    await expect(createKmsRunSealer({ kms: refusing, keyId: KEY_ID }).open(RUN, sealed)).rejects.toBe(denied);
  });
});
