import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { table } from '../../core/data-model';
import { conflict, notFound, versionConflict } from '../../core/errors';
import { ApiKeyRole, ProjectRole } from '../../core/identity/principal';
import type { ApiKeyRecord, ApiKeyStore, MemberStore, UserAccessStore } from '../../core/ports/access-store';
import { batchWrite } from './batch';
import type { DynamoDeps } from './project-store';
import { queryAll, queryPage, stripKeys } from './query-page';

/**
 * Memberships, API keys and account blocks in the single table:
 *   member     PK=P#<project>        SK=MEMBER#<user>  GSI1PK=USER#<user>#PROJECTS  GSI1SK=<project>
 *   api key    PK=APIKEY#<keyId>     SK=META           GSI1PK=P#<project>#APIKEYS   GSI1SK=<createdAt>#<keyId>
 *   block      PK=USER#<user>        SK=ACCESS
 * API keys live under their own partition so the authorizer reads them with one consistent GetItem.
 */
const gsi1 = table.indexes[0];
const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException;

const MemberItem = z.object({
  projectId: z.string(),
  userId: z.string(),
  role: ProjectRole,
  addedBy: z.string(),
  addedAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});

const ApiKeyItem = z.object({
  keyId: z.string(),
  projectId: z.string(),
  name: z.string(),
  role: ApiKeyRole,
  secretHash: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().optional(),
});

const memberKey = (projectId: string, userId: string) => ({ PK: `P#${projectId}`, SK: `MEMBER#${userId}` });
const apiKeyKey = (keyId: string) => ({ PK: `APIKEY#${keyId}`, SK: 'META' });

export const createDynamoMemberStore = (deps: DynamoDeps): MemberStore => {
  const { ddb, tableName } = deps;
  return {
    get: async (projectId, userId) => {
      const res = await ddb.send(new GetCommand({ TableName: tableName, Key: memberKey(projectId, userId), ConsistentRead: true }));
      return res.Item ? MemberItem.parse(stripKeys(res.Item)) : undefined;
    },

    list: (projectId, page) =>
      queryPage(
        ddb,
        {
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
          ExpressionAttributeValues: { ':pk': `P#${projectId}`, ':sk': 'MEMBER#' },
          ConsistentRead: true,
        },
        page,
        (i) => MemberItem.parse(i),
      ),

    listOfUser: (userId, page) =>
      queryPage(
        ddb,
        {
          TableName: tableName,
          IndexName: gsi1.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': gsi1.partitionKey },
          ExpressionAttributeValues: { ':pk': `USER#${userId}#PROJECTS` },
        },
        page,
        (i) => MemberItem.parse(i),
      ),

    put: async (member, expectedVersion) => {
      try {
        await ddb.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...memberKey(member.projectId, member.userId),
              [gsi1.partitionKey]: `USER#${member.userId}#PROJECTS`,
              [gsi1.sortKey]: member.projectId,
              ...member,
            },
            ...(expectedVersion === 0
              ? { ConditionExpression: 'attribute_not_exists(PK)' }
              : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
          }),
        );
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        if (expectedVersion === 0) throw conflict(`'${member.userId}' is already a member of this project.`);
        throw versionConflict(expectedVersion);
      }
    },

    delete: async (member) => {
      try {
        await ddb.send(
          new DeleteCommand({
            TableName: tableName,
            Key: memberKey(member.projectId, member.userId),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': member.version },
          }),
        );
      } catch (e) {
        if (isConditionFailure(e)) throw notFound('Member', member.userId);
        throw e;
      }
    },

    deleteAllOfProject: async (projectId) => {
      const items = await queryAll(ddb, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': `P#${projectId}`, ':sk': 'MEMBER#' },
        ProjectionExpression: 'PK, SK',
      });
      await batchWrite(deps, items.map((i) => ({ DeleteRequest: { Key: { PK: String(i.PK), SK: String(i.SK) } } })));
    },

    deleteAllOfUser: async (userId) => {
      const items = await queryAll(ddb, {
        TableName: tableName,
        IndexName: gsi1.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': gsi1.partitionKey },
        ExpressionAttributeValues: { ':pk': `USER#${userId}#PROJECTS` },
      });
      await batchWrite(deps, items.map((i) => ({ DeleteRequest: { Key: memberKey(String(i.projectId), userId) } })));
    },
  };
};

export const createDynamoApiKeyStore = ({ ddb, tableName }: DynamoDeps): ApiKeyStore => ({
  create: async (key) => {
    await ddb.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...apiKeyKey(key.keyId),
          [gsi1.partitionKey]: `P#${key.projectId}#APIKEYS`,
          [gsi1.sortKey]: `${key.createdAt}#${key.keyId}`,
          ...key,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
  },

  get: async (keyId) => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: apiKeyKey(keyId), ConsistentRead: true }));
    return res.Item ? (ApiKeyItem.parse(stripKeys(res.Item)) as ApiKeyRecord) : undefined;
  },

  listOfProject: (projectId, page) =>
    queryPage(
      ddb,
      {
        TableName: tableName,
        IndexName: gsi1.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': gsi1.partitionKey },
        ExpressionAttributeValues: { ':pk': `P#${projectId}#APIKEYS` },
      },
      page,
      (i) => ApiKeyItem.parse(i) as ApiKeyRecord,
    ),

  delete: async (keyId) => {
    await ddb.send(new DeleteCommand({ TableName: tableName, Key: apiKeyKey(keyId) }));
  },

  touch: async (keyId, at, minIntervalMs) => {
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: apiKeyKey(keyId),
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :threshold)',
          ExpressionAttributeValues: { ':at': at.toISOString(), ':threshold': new Date(at.getTime() - minIntervalMs).toISOString() },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  },
});

export const createDynamoUserAccessStore = ({ ddb, tableName }: DynamoDeps): UserAccessStore => ({
  get: async (userId) => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: { PK: `USER#${userId}`, SK: 'ACCESS' }, ConsistentRead: true }));
    const revoked: unknown = res.Item?.revokedGroups;
    return {
      blocked: res.Item?.blocked === true,
      revokedGroups: Array.isArray(revoked) ? revoked.filter((g): g is string => typeof g === 'string') : [],
    };
  },
  setBlocked: async (userId, blocked) => {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { PK: `USER#${userId}`, SK: 'ACCESS' },
        UpdateExpression: 'SET blocked = :b',
        ExpressionAttributeValues: { ':b': blocked },
      }),
    );
  },
  setRevokedGroups: async (userId, groups) => {
    await ddb.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { PK: `USER#${userId}`, SK: 'ACCESS' },
        UpdateExpression: 'SET revokedGroups = :g',
        ExpressionAttributeValues: { ':g': groups },
      }),
    );
  },
});
