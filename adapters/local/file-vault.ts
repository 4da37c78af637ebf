import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '../../core/errors';
import { CredentialMaterial } from '../../core/inventory/credential-schema';
import type { CredentialRef, CredentialVault } from '../../core/ports/vault';
import { ownerOnlyDir } from './crypto/key-files';
import { loadOrCreateSecretBox, type SecretBox } from './crypto/secret-box';

/**
 * Secrets Manager's part on one machine: `<data>/vault/credentials.json` (mode 0600) maps each
 * credential to its versions, each sealed with AES-256-GCM under `<data>/vault/vault.key` and bound
 * to its credential and version, so a sealed value copied to another entry does not open. Like
 * Secrets Manager's AWSCURRENT/AWSPREVIOUS, the current and the previous version are kept.
 */
interface VaultFile {
  credentials: Record<string, { current: string; versions: Record<string, string> }>;
}

const KEPT_VERSIONS = 2;
const refKey = (ref: CredentialRef) => `${ref.projectId}/${ref.credentialId}`;
const context = (ref: CredentialRef, version: string) => `${refKey(ref)}#${version}`;

export const createFileVault = async (dataDir: string): Promise<CredentialVault> => {
  const dir = await ownerOnlyDir(dataDir, 'vault');
  const box: SecretBox = await loadOrCreateSecretBox(path.join(dir, 'vault.key'));
  const file = path.join(dir, 'credentials.json');

  const load = async (): Promise<VaultFile> => {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as VaultFile;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { credentials: {} };
      throw e;
    }
  };
  // Whole-file replace through a temporary file: a crash leaves the old file or the new, never half.
  const save = async (data: VaultFile) => {
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, JSON.stringify(data), { mode: 0o600 });
    await rename(tmp, file);
  };
  // One process owns the data folder; within it, writes queue so none is lost.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    put: (ref, material) =>
      serial(async () => {
        const data = await load();
        const version = randomUUID();
        const entry = data.credentials[refKey(ref)] ?? { current: version, versions: {} };
        entry.versions[version] = box.seal(JSON.stringify(CredentialMaterial.parse(material)), context(ref, version));
        const keep = new Set([version, entry.current]);
        entry.versions = Object.fromEntries(Object.entries(entry.versions).filter(([v]) => keep.has(v)).slice(-KEPT_VERSIONS));
        entry.current = version;
        data.credentials[refKey(ref)] = entry;
        await save(data);
        return version;
      }),

    get: async (ref, versionId) => {
      const entry = (await load()).credentials[refKey(ref)];
      const version = versionId ?? entry?.current;
      const sealed = version === undefined ? undefined : entry?.versions[version];
      if (version === undefined || sealed === undefined) throw notFound('Credential material', ref.credentialId);
      return CredentialMaterial.parse(JSON.parse(box.open(sealed, context(ref, version))));
    },

    delete: (ref) =>
      serial(async () => {
        const data = await load();
        await save({ credentials: Object.fromEntries(Object.entries(data.credentials).filter(([k]) => k !== refKey(ref))) });
      }),
  };
};
