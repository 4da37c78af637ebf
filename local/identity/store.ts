import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { table } from '../../core/data-model';

/**
 * The identity provider's items in the single table. Writes are single-item and conditional
 * (dynalite has no transactions); expiry lives in `expiresAt` and is checked on every read,
 * because dynalite has no TTL and DynamoDB's TTL deletes late.
 *
 *   user           PK=IDP#USER#<username>        SK=PROFILE   GSI1PK=IDP#EMAIL#<email, lower case>
 *                                                             GSI2PK=IDP#USERS  GSI2SK=<username>
 *   refresh token  PK=IDP#REFRESH#<sha256 hex>   SK=REFRESH   expiresAt
 *   challenge      PK=IDP#SESSION#<sha256 hex>   SK=SESSION   expiresAt, usedAt once answered
 */
export const UserStatus = z.enum(['CONFIRMED', 'FORCE_CHANGE_PASSWORD']);
export type UserStatus = z.infer<typeof UserStatus>;

export const IdpUser = z.object({
  username: z.string().min(1),
  sub: z.string().min(1),
  email: z.string().min(1),
  emailVerified: z.boolean(),
  groups: z.array(z.string()),
  status: UserStatus,
  enabled: z.boolean(),
  passwordHash: z.string().min(1),
  /** Bumped when the password changes; refresh tokens of an older generation are revoked. */
  tokenGeneration: z.int().nonnegative(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.int().positive(),
});
export type IdpUser = z.infer<typeof IdpUser>;

export const RefreshRecord = z.object({
  username: z.string(),
  clientId: z.string(),
  tokenGeneration: z.int(),
  authTime: z.number(),
  originJti: z.string(),
  eventId: z.string(),
  createdAt: z.string(),
  expiresAt: z.number(),
});
export type RefreshRecord = z.infer<typeof RefreshRecord>;

export const SessionRecord = z.object({
  username: z.string(),
  clientId: z.string(),
  challengeName: z.literal('NEW_PASSWORD_REQUIRED'),
  createdAt: z.string(),
  expiresAt: z.number(),
  usedAt: z.string().optional(),
});
export type SessionRecord = z.infer<typeof SessionRecord>;

/** Usernames are case-insensitive (Cognito's default for new pools): keys hold the lower-case form. */
export const normalizeUsername = (username: string): string => username.trim().toLowerCase();
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

const PROFILE = 'PROFILE';
const userKey = (username: string) => ({ [table.partitionKey]: `IDP#USER#${username}`, [table.sortKey]: PROFILE });
const refreshKey = (hash: string) => ({ [table.partitionKey]: `IDP#REFRESH#${hash}`, [table.sortKey]: 'REFRESH' });
const sessionKey = (hash: string) => ({ [table.partitionKey]: `IDP#SESSION#${hash}`, [table.sortKey]: 'SESSION' });
const GSI1 = table.indexes[0];
const GSI2 = table.indexes[1];
const ALL_USERS = 'IDP#USERS';

const isConditionFailure = (e: unknown): boolean => e instanceof ConditionalCheckFailedException;

export interface IdpStore {
  getUser(username: string): Promise<IdpUser | undefined>;
  /** Every user with this email (more than one means a broken invariant; callers treat it as none). */
  findUsersByEmail(email: string): Promise<IdpUser[]>;
  /** False when the username is taken. */
  putNewUser(user: IdpUser): Promise<boolean>;
  /** Undefined when the user changed since `expectedVersion` was read. */
  setPassword(username: string, expectedVersion: number, passwordHash: string, now: Date): Promise<IdpUser | undefined>;
  findUserInGroup(group: string): Promise<IdpUser | undefined>;
  putRefreshToken(hash: string, record: RefreshRecord): Promise<void>;
  getRefreshToken(hash: string, nowSeconds: number): Promise<RefreshRecord | undefined>;
  putSession(hash: string, record: SessionRecord): Promise<void>;
  /** The session as stored, used or expired ones included: the caller words the refusal. */
  getSession(hash: string): Promise<SessionRecord | undefined>;
  /** Mark a session answered; false when it was already used, expired or unknown. */
  consumeSession(hash: string, now: Date): Promise<boolean>;
}

export const createIdpStore = (doc: DynamoDBDocumentClient, tableName: string): IdpStore => {
  const parseUser = (item: Record<string, unknown> | undefined): IdpUser | undefined =>
    item === undefined ? undefined : IdpUser.parse(item);

  const getUser = async (username: string): Promise<IdpUser | undefined> => {
    const out = await doc.send(
      new GetCommand({ TableName: tableName, Key: userKey(normalizeUsername(username)), ConsistentRead: true }),
    );
    return parseUser(out.Item);
  };

  const findUsersByEmail = async (email: string): Promise<IdpUser[]> => {
    const out = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: GSI1.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': GSI1.partitionKey },
        ExpressionAttributeValues: { ':pk': `IDP#EMAIL#${normalizeEmail(email)}` },
        Limit: 2,
      }),
    );
    return (out.Items ?? []).map((i) => IdpUser.parse(i));
  };

  const putNewUser = async (user: IdpUser): Promise<boolean> => {
    try {
      await doc.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...userKey(user.username),
            [GSI1.partitionKey]: `IDP#EMAIL#${normalizeEmail(user.email)}`,
            [GSI1.sortKey]: `IDP#USER#${user.username}`,
            [GSI2.partitionKey]: ALL_USERS,
            [GSI2.sortKey]: user.username,
            ...user,
          },
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': table.partitionKey },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  };

  const setPassword = async (
    username: string,
    expectedVersion: number,
    passwordHash: string,
    now: Date,
  ): Promise<IdpUser | undefined> => {
    try {
      const out = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: userKey(normalizeUsername(username)),
          UpdateExpression:
            'SET #hash = :hash, #status = :confirmed, #gen = #gen + :one, #version = #version + :one, #updated = :now',
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: {
            '#hash': 'passwordHash',
            '#status': 'status',
            '#gen': 'tokenGeneration',
            '#version': table.versionAttribute,
            '#updated': 'updatedAt',
          },
          ExpressionAttributeValues: {
            ':hash': passwordHash,
            ':confirmed': 'CONFIRMED' satisfies UserStatus,
            ':one': 1,
            ':now': now.toISOString(),
            ':expected': expectedVersion,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return parseUser(out.Attributes);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  };

  const findUserInGroup = async (group: string): Promise<IdpUser | undefined> => {
    let startKey: Record<string, unknown> | undefined;
    do {
      const out = await doc.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: GSI2.name,
          KeyConditionExpression: '#pk = :pk',
          FilterExpression: 'contains(#groups, :group)',
          ExpressionAttributeNames: { '#pk': GSI2.partitionKey, '#groups': 'groups' },
          ExpressionAttributeValues: { ':pk': ALL_USERS, ':group': group },
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      const first = out.Items?.[0];
      if (first !== undefined) return IdpUser.parse(first);
      startKey = out.LastEvaluatedKey;
    } while (startKey !== undefined);
    return undefined;
  };

  const putRefreshToken = async (hash: string, record: RefreshRecord): Promise<void> => {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...refreshKey(hash), ...record },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': table.partitionKey },
      }),
    );
  };

  const getRefreshToken = async (hash: string, nowSeconds: number): Promise<RefreshRecord | undefined> => {
    const out = await doc.send(new GetCommand({ TableName: tableName, Key: refreshKey(hash), ConsistentRead: true }));
    if (out.Item === undefined) return undefined;
    const record = RefreshRecord.parse(out.Item);
    return record.expiresAt > nowSeconds ? record : undefined;
  };

  const putSession = async (hash: string, record: SessionRecord): Promise<void> => {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...sessionKey(hash), ...record },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': table.partitionKey },
      }),
    );
  };

  const getSession = async (hash: string): Promise<SessionRecord | undefined> => {
    const out = await doc.send(new GetCommand({ TableName: tableName, Key: sessionKey(hash), ConsistentRead: true }));
    return out.Item === undefined ? undefined : SessionRecord.parse(out.Item);
  };

  const consumeSession = async (hash: string, now: Date): Promise<boolean> => {
    try {
      await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: sessionKey(hash),
          UpdateExpression: 'SET #used = :now',
          ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#used) AND #exp > :nowSeconds',
          ExpressionAttributeNames: { '#pk': table.partitionKey, '#used': 'usedAt', '#exp': table.ttlAttribute },
          ExpressionAttributeValues: { ':now': now.toISOString(), ':nowSeconds': Math.floor(now.getTime() / 1000) },
        }),
      );
      return true;
    } catch (e) {
      if (isConditionFailure(e)) return false;
      throw e;
    }
  };

  return {
    getUser,
    findUsersByEmail,
    putNewUser,
    setPassword,
    findUserInGroup,
    putRefreshToken,
    getRefreshToken,
    putSession,
    getSession,
    consumeSession,
  };
};
