import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startLocalDynamo, type LocalDynamo } from '../../local/dynamo';

/** A fresh dynalite with the single table, on a temporary folder that is removed on close. */
export const startTestDynamo = async (): Promise<LocalDynamo> => {
  const dir = mkdtempSync(path.join(tmpdir(), 'opsc-dynalite-'));
  const dynamo = await startLocalDynamo({ path: dir, tableName: 'test' });
  return {
    ...dynamo,
    close: async () => {
      await dynamo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
