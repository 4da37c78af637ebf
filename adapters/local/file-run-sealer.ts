import path from 'node:path';
import type { RunSealer } from '../../core/ports/run-sealer';
import { ownerOnlyDir } from './crypto/key-files';
import { loadOrCreateSecretBox } from './crypto/secret-box';

/**
 * KMS's part on one machine: secure parameter values sealed with AES-256-GCM under
 * `<data>/vault/runs.key` (mode 0600, made on first use), bound to the run (`run:<runId>` as
 * associated data), so values sealed for one run do not open for another.
 *
 * Sealed form: the secret box's `v1.<iv>.<body>.<tag>` of the values as JSON.
 */
const context = (runId: string) => `run:${runId}`;

export const createFileRunSealer = async (dataDir: string): Promise<RunSealer> => {
  const box = await loadOrCreateSecretBox(path.join(await ownerOnlyDir(dataDir, 'vault'), 'runs.key'));
  return {
    seal: (runId, values) => Promise.resolve(box.seal(JSON.stringify(values), context(runId))),
    open: (runId, sealed) => {
      let json: string;
      try {
        json = box.open(sealed, context(runId));
      } catch (e) {
        return Promise.reject(new Error('The sealed values were not sealed for this run.', { cause: e }));
      }
      const values: unknown = JSON.parse(json);
      if (typeof values !== 'object' || values === null || Array.isArray(values) || !Object.values(values).every((v) => typeof v === 'string')) {
        return Promise.reject(new Error('The sealed values are not a map of strings.'));
      }
      return Promise.resolve(values as Record<string, string>);
    },
  };
};
