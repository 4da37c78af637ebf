import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { table } from '../../core/data-model';
import { notFound } from '../../core/errors';
import type { BatchClaim, HostPatch, RunPatch, RunStore } from '../../core/ports/run-store';
import { finishedRunStatuses, hostStatuses, Run, RunCounts, RunHost, type RunStatus, type StoredChunk } from '../../core/runs/schema';
import { batchGet, batchWrite } from './batch';
import type { DynamoDeps } from './project-store';
import { queryAll, queryPage, stripKeys } from './query-page';

/**
 * Runs in the single table:
 *   run            PK=RUN#<run>               SK=META            GSI1PK=P#<project>#RUNS  GSI1SK=<createdAt>#<run>
 *                                                                GSI2PK=JOB#<job>#RUNS    GSI2SK=<createdAt>#<run>
 *   active marker  PK=RUNS#ACTIVE             SK=<run>           while the run is not finished
 *   host           PK=RUN#<run>               SK=HOST#<target>
 *   batch          PK=RUN#<run>               SK=BATCH#<batch, 6 digits>  owner, closed, results (hosts written)
 *   output chunk   PK=RUN#<run>#OUT#<target>  SK=<seq, 10 digits>  data as Binary
 * A run's counts are top-level numbers (`c_total`, `c_pending`, …) so that one UpdateItem ADDs to
 * several of them atomically without touching `version`; reads put them back together as `counts`.
 * dynalite has no transactions: every write is one conditional single-item write or a BatchWrite.
 */
const [gsi1, gsi2] = table.indexes;
const runKey = (runId: string) => ({ PK: `RUN#${runId}`, SK: 'META' });
const activeKey = (runId: string) => ({ PK: 'RUNS#ACTIVE', SK: runId });
const hostKey = (runId: string, targetId: string) => ({ PK: `RUN#${runId}`, SK: `HOST#${targetId}` });
const batchKey = (runId: string, batch: number) => ({ PK: `RUN#${runId}`, SK: `BATCH#${String(batch).padStart(6, '0')}` });
const outputPK = (runId: string, targetId: string) => `RUN#${runId}#OUT#${targetId}`;
const seqKey = (seq: number) => String(seq).padStart(10, '0');
const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException;
const isFinished = (status: RunStatus) => finishedRunStatuses.includes(status);

const countKeys: readonly (keyof RunCounts)[] = ['total', ...hostStatuses];
const countAttr = (k: keyof RunCounts) => `c_${k}`;
const countAttrs = new Set(countKeys.map(countAttr));

const runItem = ({ counts, ...run }: Run) => ({
  ...runKey(run.id),
  GSI1PK: `P#${run.projectId}#RUNS`,
  GSI1SK: `${run.createdAt}#${run.id}`,
  GSI2PK: `JOB#${run.jobId}#RUNS`,
  GSI2SK: `${run.createdAt}#${run.id}`,
  ...run,
  ...Object.fromEntries(countKeys.map((k) => [countAttr(k), counts[k]])),
});
// A status added after a run was written reads as 0.
const readCounts = (item: Record<string, unknown>) => RunCounts.parse(Object.fromEntries(countKeys.map((k) => [k, item[countAttr(k)] ?? 0])));
const readRun = (item: Record<string, unknown>): Run =>
  Run.parse({ ...Object.fromEntries(Object.entries(stripKeys(item)).filter(([k]) => !countAttrs.has(k))), counts: readCounts(item) });

const ChunkItem = z.object({
  seq: z.number().int(),
  stream: z.enum(['stdout', 'stderr']),
  stepId: z.string(),
  attempt: z.number().int(),
  at: z.string(),
  data: z.instanceof(Uint8Array),
});
// lib-dynamodb answers Binary as a Uint8Array: view the same memory as a Buffer.
const readChunk = (item: Record<string, unknown>): StoredChunk => {
  const { data, ...chunk } = ChunkItem.parse(item);
  return { ...chunk, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength) };
};

/** The fields an update may write, listed from the port's patch types so that a new one cannot be missed. */
const runPatchFields = Object.keys({ status: 0, startedAt: 0, finishedAt: 0, error: 0, concurrency: 0, maxErrors: 0, counts: 0 } satisfies Record<keyof RunPatch, 0>).filter((k) => k !== 'counts');
const hostPatchFields = Object.keys({
  status: 0,
  steps: 0,
  exitCode: 0,
  errorCategory: 0,
  errorMessage: 0,
  startedAt: 0,
  finishedAt: 0,
  lastSeq: 0,
  outputBytes: 0,
} satisfies Record<keyof HostPatch, 0>);

interface Expression {
  parts: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
}
/** `#field = :field` for each listed field that has a value (an undefined one is left out): SET clauses or equality filters. */
const equalities = (fields: Record<string, unknown>, only: readonly string[] = Object.keys(fields)): Expression => {
  const given = only.filter((k) => fields[k] !== undefined);
  return {
    parts: given.map((k) => `#${k} = :${k}`),
    names: Object.fromEntries(given.map((k) => [`#${k}`, k])),
    values: Object.fromEntries(given.map((k) => [`:${k}`, fields[k]])),
  };
};
const bumpVersion = (e: Expression): Expression => ({ ...e, parts: [...e.parts, 'version = version + :one'], values: { ...e.values, ':one': 1 } });
const filterOn = (e: Expression) =>
  e.parts.length === 0 ? {} : { FilterExpression: e.parts.join(' AND '), ExpressionAttributeNames: e.names };

const batchClaimOf = (i: Record<string, unknown>): BatchClaim => ({ batch: Number(i.batch), owner: typeof i.owner === 'string' ? i.owner : undefined, closed: i.closed === true });

export const createDynamoRunStore = ({ ddb, tableName }: DynamoDeps): RunStore => {
  const get = async (runId: string) => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: runKey(runId), ConsistentRead: true }));
    return res.Item ? readRun(res.Item) : undefined;
  };

  const getBatch = async (runId: string, batch: number) => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: batchKey(runId, batch), ConsistentRead: true }));
    return res.Item && batchClaimOf(res.Item);
  };

  const putHosts = async (hosts: readonly RunHost[]) => {
    // One BatchWrite may not name an item twice: the last of a repeated host wins, as a second call would.
    const unique = new Map(hosts.map((h) => [`${h.runId}/${h.targetId}`, { ...hostKey(h.runId, h.targetId), ...h }]));
    await batchWrite({ ddb, tableName }, [...unique.values()].map((Item) => ({ PutRequest: { Item } })));
  };

  /** A conditional UpdateItem of a batch item; answers whether the condition held. */
  const updateBatchIf = async (runId: string, batch: number, update: Pick<UpdateCommandInput, 'UpdateExpression' | 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>) => {
    try {
      await ddb.send(new UpdateCommand({ TableName: tableName, Key: batchKey(runId, batch), ...update }));
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  };

  const markActive = async (run: Run) => {
    if (!isFinished(run.status)) await ddb.send(new PutCommand({ TableName: tableName, Item: { ...activeKey(run.id), runId: run.id } }));
  };
  const unmarkActive = (runId: string) => ddb.send(new DeleteCommand({ TableName: tableName, Key: activeKey(runId) }));

  /**
   * UpdateItem when the item's status is one of `from` (and `also` holds); the item as it now is
   * (only `{}` with `answer: 'NONE'`), or undefined when the condition failed (the status moved on,
   * or there is no such item).
   */
  const updateWhenStatus = async (
    Key: Record<string, string>,
    from: readonly string[],
    set: Expression,
    { also, answer = 'ALL_NEW' }: { also?: string; answer?: 'ALL_NEW' | 'NONE' } = {},
  ) => {
    if (from.length === 0) return undefined;
    const fromValues = Object.fromEntries(from.map((s, i) => [`:from${i}`, s]));
    try {
      const res = await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key,
          // An empty patch still checks the condition and answers the item.
          UpdateExpression: `SET ${set.parts.length > 0 ? set.parts.join(', ') : '#status = #status'}`,
          ConditionExpression: `#status IN (${Object.keys(fromValues).join(', ')})${also === undefined ? '' : ` AND ${also}`}`,
          ExpressionAttributeNames: { ...set.names, '#status': 'status' },
          ExpressionAttributeValues: { ...set.values, ...fromValues },
          ReturnValues: answer,
        }),
      );
      return res.Attributes ?? {};
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  };

  return {
    create: async (run) => {
      try {
        await ddb.send(new PutCommand({ TableName: tableName, Item: runItem(run), ConditionExpression: 'attribute_not_exists(PK)' }));
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        const existing = await get(run.id);
        if (!existing) throw e;
        // Writing the marker again heals a crash between the two writes of the first attempt.
        await markActive(existing);
        return { created: false, run: existing };
      }
      await markActive(run);
      return { created: true, run };
    },

    get,

    list: async (projectId, query) => {
      const index = query.jobId === undefined ? gsi1 : gsi2;
      // Sort keys are `<createdAt>#<runId>` with createdAt as toISOString writes it; `$` sorts right after `#`.
      const from = query.from === undefined ? undefined : new Date(query.from).toISOString();
      const to = query.to === undefined ? undefined : `${new Date(query.to).toISOString()}$`;
      if (from !== undefined && to !== undefined && from > to) return { items: [] };
      const range =
        from !== undefined && to !== undefined ? ` AND ${index.sortKey} BETWEEN :from AND :to`
        : from !== undefined ? ` AND ${index.sortKey} >= :from`
        : to !== undefined ? ` AND ${index.sortKey} <= :to`
        : '';
      // Job ids are unique, but a job's runs are still kept to the project asked about.
      const filter = equalities({ status: query.status, projectId: query.jobId === undefined ? undefined : projectId });
      return queryPage(
        ddb,
        {
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: `${index.partitionKey} = :pk${range}`,
          ...filterOn(filter),
          ExpressionAttributeValues: {
            ':pk': query.jobId === undefined ? `P#${projectId}#RUNS` : `JOB#${query.jobId}#RUNS`,
            ...(from === undefined ? {} : { ':from': from }),
            ...(to === undefined ? {} : { ':to': to }),
            ...filter.values,
          },
          ScanIndexForward: false,
        },
        query,
        readRun,
      );
    },

    listActive: async () => {
      const markers = await queryAll(ddb, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': activeKey('').PK },
        ConsistentRead: true,
      });
      const runs = await Promise.all(
        markers.map(async (marker) => {
          const runId = marker.SK as string;
          const run = await get(runId);
          if (run && !isFinished(run.status)) return run;
          // Left behind by a crash between a run finishing and its marker going.
          await unmarkActive(runId);
          return undefined;
        }),
      );
      return runs.filter((r) => r !== undefined);
    },

    transition: async (runId, from, patch) => {
      // RunPatch carries no updatedAt: the run's own timestamps move it when given; otherwise it stays.
      const { counts, ...rest } = patch;
      const countFields = counts === undefined ? {} : Object.fromEntries(countKeys.map((k) => [countAttr(k), counts[k]]));
      const fields = { ...rest, ...countFields, updatedAt: patch.finishedAt ?? patch.startedAt };
      const item = await updateWhenStatus(runKey(runId), from, bumpVersion(equalities(fields, [...runPatchFields, ...Object.keys(countFields), 'updatedAt'])));
      if (item === undefined) return undefined;
      const run = readRun(item);
      if (isFinished(run.status)) await unmarkActive(runId);
      return run;
    },

    requestCancel: async (runId, { by, at }) => {
      const set = bumpVersion(equalities({ cancelRequested: { by, at }, updatedAt: at }));
      const item = await updateWhenStatus(runKey(runId), ['queued', 'running'], set, { also: 'attribute_not_exists(cancelRequested)' });
      return item && readRun(item);
    },

    addCounts: async (runId, delta) => {
      const keys = countKeys.filter((k) => delta[k] !== undefined);
      if (keys.length === 0) {
        const run = await get(runId);
        if (!run) throw notFound('Run', runId);
        return run.counts;
      }
      try {
        const res = await ddb.send(
          new UpdateCommand({
            TableName: tableName,
            Key: runKey(runId),
            UpdateExpression: `ADD ${keys.map((k) => `${countAttr(k)} :${k}`).join(', ')}`,
            // Without it ADD would make a run item out of nothing.
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: Object.fromEntries(keys.map((k) => [`:${k}`, delta[k]])),
            ReturnValues: 'ALL_NEW',
          }),
        );
        return readCounts(res.Attributes ?? {});
      } catch (e) {
        if (isConditionFailure(e)) throw notFound('Run', runId);
        throw e;
      }
    },

    putHosts: (hosts) => putHosts(hosts),

    getHost: async (runId, targetId) => {
      const res = await ddb.send(new GetCommand({ TableName: tableName, Key: hostKey(runId, targetId), ConsistentRead: true }));
      return res.Item ? RunHost.parse(stripKeys(res.Item)) : undefined;
    },

    listHosts: (runId, query) => {
      const filter = equalities({ status: query.status, batch: query.batch });
      return queryPage(
        ddb,
        {
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
          ...filterOn(filter),
          ExpressionAttributeValues: { ':pk': `RUN#${runId}`, ':sk': 'HOST#', ...filter.values },
          ConsistentRead: true,
        },
        query,
        (i) => RunHost.parse(i),
      );
    },

    claimBatch: async (runId, batch, owner) => {
      const claimed = await updateBatchIf(runId, batch, {
        UpdateExpression: 'SET #owner = :owner, #batch = :batch',
        ConditionExpression: 'attribute_not_exists(#closed) AND (attribute_not_exists(#owner) OR #owner = :owner)',
        ExpressionAttributeNames: { '#owner': 'owner', '#batch': 'batch', '#closed': 'closed' },
        ExpressionAttributeValues: { ':owner': owner, ':batch': batch },
      });
      if (claimed) return 'claimed';
      return (await getBatch(runId, batch))?.closed === true ? 'closed' : 'taken';
    },

    watchBatch: async (runId, batch) => {
      const items = await batchGet({ ddb, tableName }, [runKey(runId), batchKey(runId, batch)]);
      const run = items.find((i) => i.SK === runKey(runId).SK);
      const claim = items.find((i) => i.SK === batchKey(runId, batch).SK);
      return { run: run && readRun(run), claim: claim && batchClaimOf(claim) };
    },

    closeBatch: async (runId, batch) => {
      await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: batchKey(runId, batch),
          UpdateExpression: 'SET #closed = :closed, #batch = :batch',
          ExpressionAttributeNames: { '#closed': 'closed', '#batch': 'batch' },
          ExpressionAttributeValues: { ':closed': true, ':batch': batch },
        }),
      );
    },

    listBatches: async (runId) => {
      const items = await queryAll(ddb, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': `RUN#${runId}`, ':sk': 'BATCH#' },
        ConsistentRead: true,
      });
      return items.map(batchClaimOf);
    },

    updateHost: async (runId, targetId, from, patch) => {
      // Nobody needs the host back: not sending it saves the runner a parse per host.
      return (await updateWhenStatus(hostKey(runId, targetId), from, equalities(patch, hostPatchFields), { answer: 'NONE' })) !== undefined;
    },

    writeResults: async (runId, batch, owner, hosts) => {
      if (hosts.length === 0) return true;
      const held = await updateBatchIf(runId, batch, {
        UpdateExpression: 'ADD #results :n',
        ConditionExpression: 'attribute_not_exists(#closed) AND #owner = :owner',
        ExpressionAttributeNames: { '#results': 'results', '#closed': 'closed', '#owner': 'owner' },
        ExpressionAttributeValues: { ':n': hosts.length, ':owner': owner },
      });
      if (held) await putHosts(hosts);
      return held;
    },

    appendOutput: async (runId, chunks) => {
      await batchWrite(
        { ddb, tableName },
        chunks.map(({ targetId, seq, stream, stepId, attempt, at, data }) => ({ PutRequest: { Item: { PK: outputPK(runId, targetId), SK: seqKey(seq), seq, stream, stepId, attempt, at, data } } })),
        { inOrder: true },
      );
    },

    readOutput: async (runId, targetId, afterSeq, maxBytes) => {
      const chunks: StoredChunk[] = [];
      let bytes = 0;
      // Read about as many chunks as the page needs: guess 4 KiB a chunk, then go by the sizes seen.
      let limit = Math.min(1000, Math.ceil(maxBytes / 4096) + 1);
      let start: Record<string, unknown> | undefined;
      do {
        const res = await ddb.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'PK = :pk AND SK > :after',
            ExpressionAttributeValues: { ':pk': outputPK(runId, targetId), ':after': seqKey(afterSeq) },
            ConsistentRead: true,
            Limit: limit,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of res.Items ?? []) {
          const chunk = readChunk(item);
          // maxBytes is an upper bound, except that a page always holds at least one chunk.
          if (chunks.length > 0 && bytes + chunk.data.length > maxBytes) return chunks;
          chunks.push(chunk);
          bytes += chunk.data.length;
        }
        start = res.LastEvaluatedKey;
        if (chunks.length > 0) limit = Math.min(1000, Math.ceil(((maxBytes - bytes) * chunks.length) / Math.max(1, bytes)) + 1);
      } while (start !== undefined && bytes < maxBytes);
      return chunks;
    },
  };
};
