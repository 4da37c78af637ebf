import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { table } from '../../core/data-model';
import { conflict, notFound, versionConflict } from '../../core/errors';
import type { TriggerStore } from '../../core/ports/trigger-store';
import { Trigger } from '../../core/triggers/schema';
import type { DynamoDeps } from './project-store';
import { queryAll, queryPage, stripKeys } from './query-page';

/**
 * Triggers:  PK=P#<project>  SK=TRIG#<id>  GSI2PK=TRIGGERS GSI2SK=<id>  (GSI2 only while enabled:
 * a sparse index the local stack reads at start to register one bus rule per enabled trigger, and
 * the webhook route reads to find a trigger by id alone). Edits are conditional on `version`.
 */
/** Accepted webhook calls: PK=HOOK#<trigger> SK=CALL#<sha256 of the signature>, gone after `expiresAt` (TTL; filtered by the claim's condition). */
const callKey = (triggerId: string, digest: string) => ({ PK: `HOOK#${triggerId}`, SK: `CALL#${digest}` });
const key = (projectId: string, id: string) => ({ PK: `P#${projectId}`, SK: `TRIG#${id}` });
const enabledKeys = (t: Trigger) => (t.enabled ? { GSI2PK: 'TRIGGERS', GSI2SK: t.id } : {});
const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException;
const item = (t: Trigger) => ({ ...key(t.projectId, t.id), ...enabledKeys(t), ...t });

export const createDynamoTriggerStore = ({ ddb, tableName }: DynamoDeps): TriggerStore => {
  const index = table.indexes[1];
  const get = async (projectId: string, id: string) => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: key(projectId, id), ConsistentRead: true }));
    return res.Item ? Trigger.parse(stripKeys(res.Item)) : undefined;
  };
  return {
    get,

    claimWebhookCall: async (triggerId, digest, { now, expiresAt }) => {
      try {
        await ddb.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...callKey(triggerId, digest), [table.ttlAttribute]: expiresAt },
            // A claim left over after its expiry (TTL deletes within days; dynalite never) does not count.
            ConditionExpression: 'attribute_not_exists(PK) OR #exp < :now',
            ExpressionAttributeNames: { '#exp': table.ttlAttribute },
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        return true;
      } catch (e) {
        if (isConditionFailure(e)) return false;
        throw e;
      }
    },

    releaseWebhookCall: async (triggerId, digest) => {
      await ddb.send(new DeleteCommand({ TableName: tableName, Key: callKey(triggerId, digest) }));
    },

    getEnabled: async (triggerId) => {
      const res = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk AND #sk = :sk',
          ExpressionAttributeNames: { '#pk': index.partitionKey, '#sk': index.sortKey },
          ExpressionAttributeValues: { ':pk': 'TRIGGERS', ':sk': triggerId },
        }),
      );
      const found = res.Items?.[0];
      if (!found) return undefined;
      // The index is eventually consistent: the table's item decides.
      const t = Trigger.parse(stripKeys(found));
      const current = await get(t.projectId, t.id);
      return current?.enabled ? current : undefined;
    },

    list: (projectId, page) =>
      queryPage(
        ddb,
        { TableName: tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)', ExpressionAttributeValues: { ':pk': `P#${projectId}`, ':sk': 'TRIG#' } },
        page,
        (i) => Trigger.parse(i),
      ),

    listEnabled: async () => {
      const items = await queryAll(ddb, {
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':pk': 'TRIGGERS' },
      });
      return items.map((i) => Trigger.parse(stripKeys(i))).filter((t) => t.enabled);
    },

    create: async (trigger) => {
      try {
        await ddb.send(new PutCommand({ TableName: tableName, Item: item(trigger), ConditionExpression: 'attribute_not_exists(PK)' }));
      } catch (e) {
        throw isConditionFailure(e) ? conflict(`Trigger '${trigger.id}' already exists.`) : e;
      }
    },

    update: async (trigger, expectedVersion) => {
      // The whole item is replaced (no fire marks live on it), so fields removed by an edit go too.
      try {
        await ddb.send(
          new PutCommand({
            TableName: tableName,
            Item: item(trigger),
            ConditionExpression: 'attribute_exists(PK) AND #version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        const current = await get(trigger.projectId, trigger.id);
        throw current ? versionConflict(expectedVersion, current.version) : notFound('Trigger', trigger.id);
      }
    },

    delete: async (trigger) => {
      try {
        await ddb.send(
          new DeleteCommand({ TableName: tableName, Key: key(trigger.projectId, trigger.id), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': trigger.version } }),
        );
      } catch (e) {
        if (isConditionFailure(e)) throw notFound('Trigger', trigger.id);
        throw e;
      }
    },
  };
};
