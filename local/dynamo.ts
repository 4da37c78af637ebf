import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { ensureTable } from '../adapters/aws/dynamo-table';
import { localDynamoClients } from './dynamo-client';

export interface LocalDynamo {
  endpoint: string;
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  tableName: string;
  /** Requests served so far, by operation (`UpdateItem`, `BatchWriteItem`, …): the benchmark counts them per host. */
  requests(): Record<string, number>;
  close(): Promise<void>;
}

/**
 * DynamoDB for the embedded stack: dynalite speaking the real wire protocol on a loopback port,
 * persisted under `path` (or in memory when path is undefined, for tests).
 */
export const startLocalDynamo = async (opts: { path?: string; tableName?: string }): Promise<LocalDynamo> => {
  const server = dynalite({
    ...(opts.path === undefined ? {} : { path: opts.path }),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const requests: Record<string, number> = {};
  server.prependListener('request', (req: { headers: Record<string, string | string[] | undefined> }) => {
    const target = req.headers['x-amz-target'];
    const operation = (typeof target === 'string' ? target : '').replace(/^DynamoDB_\d+\./, '');
    requests[operation] = (requests[operation] ?? 0) + 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const { client, doc } = localDynamoClients(endpoint);
  const tableName = opts.tableName ?? 'opsconductor';
  await ensureTable(client, tableName);
  return {
    endpoint,
    client,
    doc,
    tableName,
    requests: () => ({ ...requests }),
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
    },
  };
};
