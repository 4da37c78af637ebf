import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { conflict, isAppError, notFound, versionConflict } from '../../core/errors';
import { Credential } from '../../core/inventory/credential-schema';
import { Target } from '../../core/inventory/target-schema';
import type { CredentialStore, TargetStore } from '../../core/ports/inventory-store';
import { batchGet } from './batch';
import { createNameClaims } from './name-claims';
import type { DynamoDeps } from './project-store';
import { queryPage, stripKeys } from './query-page';

/**
 * Inventory items live under their project:
 *   credential  PK=P#<project>  SK=CRED#<id>      metadata only; material is in the vault
 *   target      PK=P#<project>  SK=TARGET#<id>
 *   name claim  PK=P#<project>  SK=TARGETNAME#<lower name>  ownerId (name-claims.ts)
 */
const credentialKey = (projectId: string, id: string) => ({ PK: `P#${projectId}`, SK: `CRED#${id}` });
const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException;

export const createDynamoCredentialStore = ({ ddb, tableName }: DynamoDeps): CredentialStore => ({
  get: async (projectId, id) => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: credentialKey(projectId, id), ConsistentRead: true }));
    return res.Item ? Credential.parse(stripKeys(res.Item)) : undefined;
  },

  list: (projectId, page) =>
    queryPage(
      ddb,
      {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': `P#${projectId}`, ':sk': 'CRED#' },
      },
      page,
      (i) => Credential.parse(i),
    ),

  put: async (credential, expectedVersion) => {
    try {
      await ddb.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...credentialKey(credential.projectId, credential.id), ...credential },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw versionConflict(expectedVersion);
      throw e;
    }
  },

  delete: async (credential) => {
    try {
      await ddb.send(
        new DeleteCommand({
          TableName: tableName,
          Key: credentialKey(credential.projectId, credential.id),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': credential.version },
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw notFound('Credential', credential.id);
      throw e;
    }
  },
});

const targetKey = (projectId: string, id: string) => ({ PK: `P#${projectId}`, SK: `TARGET#${id}` });
const targetNameKey = (projectId: string, name: string) => ({ PK: `P#${projectId}`, SK: `TARGETNAME#${name.toLowerCase()}` });

export const createDynamoTargetStore = (deps: DynamoDeps): TargetStore => {
  const { ddb, tableName } = deps;
  const claims = createNameClaims(deps);

  const get = async (projectId: string, id: string) => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: targetKey(projectId, id), ConsistentRead: true }));
    return res.Item ? Target.parse(stripKeys(res.Item)) : undefined;
  };

  const claimName = async (projectId: string, name: string, targetId: string) => {
    const held = async (holder: string) => (await get(projectId, holder))?.name.toLowerCase() === name.toLowerCase();
    try {
      await claims.claim(targetNameKey(projectId, name), targetId, `The target name '${name}'`, held);
    } catch (e) {
      throw isAppError(e) && e.code === 'CONFLICT' ? conflict(`A target named '${name}' already exists in this project.`, { field: 'name' }) : e;
    }
  };
  const releaseName = (projectId: string, name: string, targetId: string) => claims.release(targetNameKey(projectId, name), targetId);

  const failedWrite = async (t: Target, expectedVersion: number) => {
    const current = await get(t.projectId, t.id);
    return current ? versionConflict(expectedVersion, current.version) : notFound('Target', t.id);
  };

  return {
    get,

    getMany: async (projectId, ids) =>
      (await batchGet(deps, [...new Set(ids)].map((id) => targetKey(projectId, id)))).map((item) => Target.parse(stripKeys(item))),

    getByName: async (projectId, name) => {
      const claim = await ddb.send(new GetCommand({ TableName: tableName, Key: targetNameKey(projectId, name), ConsistentRead: true }));
      const owner = claim.Item?.ownerId as string | undefined;
      const target = owner === undefined ? undefined : await get(projectId, owner);
      return target?.name.toLowerCase() === name.toLowerCase() ? target : undefined;
    },

    listAfter: async (projectId, afterId, limit) => {
      const res = await ddb.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
          ExpressionAttributeValues: { ':pk': `P#${projectId}`, ':sk': 'TARGET#' },
          Limit: limit,
          ...(afterId === undefined ? {} : { ExclusiveStartKey: targetKey(projectId, afterId) }),
        }),
      );
      return { items: (res.Items ?? []).map((i) => Target.parse(stripKeys(i))), more: res.LastEvaluatedKey !== undefined };
    },

    create: async (target) => {
      await claimName(target.projectId, target.name, target.id);
      try {
        await ddb.send(
          new PutCommand({ TableName: tableName, Item: { ...targetKey(target.projectId, target.id), ...target }, ConditionExpression: 'attribute_not_exists(PK)' }),
        );
      } catch (e) {
        await releaseName(target.projectId, target.name, target.id);
        throw isConditionFailure(e) ? conflict(`Target '${target.id}' already exists.`) : e;
      }
    },

    update: async (next, expectedVersion) => {
      const current = await get(next.projectId, next.id);
      if (!current) throw notFound('Target', next.id);
      const renamed = current.name.toLowerCase() !== next.name.toLowerCase();
      if (renamed) await claimName(next.projectId, next.name, next.id);
      try {
        await ddb.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...targetKey(next.projectId, next.id), ...next },
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': expectedVersion },
          }),
        );
      } catch (e) {
        if (renamed) await releaseName(next.projectId, next.name, next.id);
        throw isConditionFailure(e) ? await failedWrite(next, expectedVersion) : e;
      }
      if (renamed) await releaseName(current.projectId, current.name, current.id);
    },

    delete: async (target) => {
      try {
        await ddb.send(
          new DeleteCommand({
            TableName: tableName,
            Key: targetKey(target.projectId, target.id),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': target.version },
          }),
        );
      } catch (e) {
        throw isConditionFailure(e) ? await failedWrite(target, target.version) : e;
      }
      await releaseName(target.projectId, target.name, target.id);
    },
  };
};
