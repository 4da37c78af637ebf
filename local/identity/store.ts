import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { table } from '../../core/data-model';

/**
 * The identity provider's items in the single table. Writes are single-item and conditional
 * (dynalite has no transactions); expiry lives in `expiresAt` and is checked on every read,
 * because dynalite has no TTL and DynamoDB's TTL deletes late.
 *
 *   user           PK=IDP#USER#<username>        SK=PROFILE   GSI1PK=IDP#EMAIL#<email, lower case>
 *                                                             GSI2PK=IDP#USERS  GSI2SK=<username>
 *                  `totp` (the verified authenticator) and `totpPending` (one being enrolled) hold
 *                  the TOTP secret sealed with AES-256-GCM under `<data>/identity/secrets.key`
 *                  (see secret-box.ts), never in plaintext
 *   refresh token  PK=IDP#REFRESH#<sha256 hex>   SK=REFRESH   expiresAt
 *   challenge      PK=IDP#SESSION#<sha256 hex>   SK=SESSION   expiresAt, usedAt once answered
 *   sign-in        PK=IDP#ORIGIN#<origin_jti>    SK=ORIGIN    expiresAt: the token generation a sign-in's
 *                                                             access tokens were issued under
 *   failed logins  PK=IDP#ATTEMPTS#<sha256 hex>  SK=ATTEMPTS  expiresAt, failedAttempts, lockedUntil
 *                  (keyed by a hash of the username, or of the login typed for an unknown user)
 *   pool settings  PK=IDP#CONFIG                 SK=MFA       mode: optional | required
 */
export const UserStatus = z.enum(['CONFIRMED', 'FORCE_CHANGE_PASSWORD']);
export type UserStatus = z.infer<typeof UserStatus>;

export const TotpState = z.object({
  /** The authenticator's base32 secret, sealed (secret-box.ts). */
  secret: z.string().min(1),
  /** SetUserMFAPreference's Enabled: sign-in asks for a code. */
  enabled: z.boolean(),
  preferred: z.boolean(),
  /** The last 30-second step whose code was accepted: codes of that step or earlier are refused. */
  lastCounter: z.int(),
  friendlyDeviceName: z.string().optional(),
  verifiedAt: z.string(),
});
export type TotpState = z.infer<typeof TotpState>;

export const PendingTotp = z.object({
  /** A secret handed out by AssociateSoftwareToken and not yet verified, sealed. */
  secret: z.string().min(1),
  createdAt: z.string(),
});
export type PendingTotp = z.infer<typeof PendingTotp>;

export const IdpUser = z.object({
  username: z.string().min(1),
  sub: z.string().min(1),
  email: z.string().min(1),
  emailVerified: z.boolean(),
  groups: z.array(z.string()),
  status: UserStatus,
  enabled: z.boolean(),
  passwordHash: z.string().min(1),
  /** Bumped when the password changes or the user is disabled; tokens of an older generation are revoked. */
  tokenGeneration: z.int().nonnegative(),
  totp: TotpState.optional(),
  totpPending: PendingTotp.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.int().positive(),
});
export type IdpUser = z.infer<typeof IdpUser>;

export const RefreshRecord = z.object({
  username: z.string(),
  /** The user's immutable id: a token outlives neither the user nor a new user of the same name. */
  sub: z.string().optional(),
  clientId: z.string(),
  tokenGeneration: z.int(),
  authTime: z.number(),
  originJti: z.string(),
  eventId: z.string(),
  createdAt: z.string(),
  expiresAt: z.number(),
});
export type RefreshRecord = z.infer<typeof RefreshRecord>;

export const ChallengeName = z.enum(['NEW_PASSWORD_REQUIRED', 'SOFTWARE_TOKEN_MFA', 'MFA_SETUP']);
export type ChallengeName = z.infer<typeof ChallengeName>;

/** Where an MFA_SETUP session stands: associate a secret, verify a code, then answer the challenge. */
export const SetupStep = z.enum(['ASSOCIATE', 'VERIFY', 'RESPOND']);
export type SetupStep = z.infer<typeof SetupStep>;

export const SessionRecord = z.object({
  username: z.string(),
  sub: z.string().optional(),
  clientId: z.string(),
  challengeName: ChallengeName,
  step: SetupStep.optional(),
  createdAt: z.string(),
  expiresAt: z.number(),
  usedAt: z.string().optional(),
});
export type SessionRecord = z.infer<typeof SessionRecord>;

export const OriginRecord = z.object({
  username: z.string(),
  sub: z.string(),
  clientId: z.string(),
  tokenGeneration: z.int(),
  createdAt: z.string(),
  expiresAt: z.number(),
});
export type OriginRecord = z.infer<typeof OriginRecord>;

export const AttemptsRecord = z.object({
  failedAttempts: z.int().nonnegative(),
  /** Epoch seconds; sign-in is refused until then. */
  lockedUntil: z.number().optional(),
  expiresAt: z.number(),
});
export type AttemptsRecord = z.infer<typeof AttemptsRecord>;

export const MfaMode = z.enum(['optional', 'required']);
export type MfaMode = z.infer<typeof MfaMode>;

export interface LockoutPolicy {
  maxFailures: number;
  lockSeconds: number;
  /** How long a run of failures is remembered after the last one. */
  memorySeconds: number;
}

/** Usernames are case-insensitive (Cognito's default for new pools): keys hold the lower-case form. */
export const normalizeUsername = (username: string): string => username.trim().toLowerCase();
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

const PROFILE = 'PROFILE';
const userKey = (username: string) => ({ [table.partitionKey]: `IDP#USER#${username}`, [table.sortKey]: PROFILE });
const refreshKey = (hash: string) => ({ [table.partitionKey]: `IDP#REFRESH#${hash}`, [table.sortKey]: 'REFRESH' });
const sessionKey = (hash: string) => ({ [table.partitionKey]: `IDP#SESSION#${hash}`, [table.sortKey]: 'SESSION' });
const originKey = (jti: string) => ({ [table.partitionKey]: `IDP#ORIGIN#${jti}`, [table.sortKey]: 'ORIGIN' });
const attemptsKey = (hash: string) => ({ [table.partitionKey]: `IDP#ATTEMPTS#${hash}`, [table.sortKey]: 'ATTEMPTS' });
const mfaConfigKey = { [table.partitionKey]: 'IDP#CONFIG', [table.sortKey]: 'MFA' };
const GSI1 = table.indexes[0];
const GSI2 = table.indexes[1];
const ALL_USERS = 'IDP#USERS';

/** The attributes of a user item that make up its key in GSI2 (the list of users). */
export const userListKeyAttributes = [table.partitionKey, table.sortKey, GSI2.partitionKey, GSI2.sortKey] as const;

const isConditionFailure = (e: unknown): boolean => e instanceof ConditionalCheckFailedException;
const epochSeconds = (d: Date): number => Math.floor(d.getTime() / 1000);

/** Runs a conditional write; false when its condition did not hold. */
const conditional = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (e) {
    if (isConditionFailure(e)) return false;
    throw e;
  }
};

export interface IdpStore {
  getUser(username: string): Promise<IdpUser | undefined>;
  /** Every user with this email (more than one means a broken invariant; callers treat it as none). */
  findUsersByEmail(email: string): Promise<IdpUser[]>;
  /** False when the username is taken. */
  putNewUser(user: IdpUser): Promise<boolean>;
  /** Undefined when the user changed since `expectedVersion` was read. */
  setPassword(username: string, expectedVersion: number, passwordHash: string, now: Date): Promise<IdpUser | undefined>;
  findUserInGroup(group: string): Promise<IdpUser | undefined>;
  /** A page of users in username order, from after `startKey`; `lastKey` is set when more may follow. */
  listUsers(limit: number, startKey?: Record<string, string>): Promise<{ users: IdpUser[]; lastKey?: Record<string, string> }>;
  /** Enable/disable or regroup a user; `revokeTokens` ends every session. Undefined when there is no such user. */
  updateUser(
    username: string,
    changes: { enabled?: boolean; groups?: readonly string[] },
    revokeTokens: boolean,
    now: Date,
  ): Promise<IdpUser | undefined>;
  /** The deleted user, or undefined when there was none. */
  deleteUser(username: string): Promise<IdpUser | undefined>;
  /** Keep a sealed secret being enrolled; false when the user is gone (or is another user with that name). */
  setPendingTotp(username: string, sub: string, pending: PendingTotp, now: Date): Promise<boolean>;
  /** Turn the pending secret `pendingSecret` into the user's authenticator; undefined when it is no longer pending. */
  completeTotpEnrolment(username: string, pendingSecret: string, totp: TotpState, now: Date): Promise<IdpUser | undefined>;
  /** Undefined when the user has no authenticator, or another one than `secret`. */
  setTotpPreference(username: string, secret: string, enabled: boolean, preferred: boolean, now: Date): Promise<IdpUser | undefined>;
  /** Spend the code of `counter`: false when that step (or a later one) was already used, or the secret changed. */
  useTotpStep(username: string, secret: string, counter: number): Promise<boolean>;
  putRefreshToken(hash: string, record: RefreshRecord): Promise<void>;
  getRefreshToken(hash: string, nowSeconds: number): Promise<RefreshRecord | undefined>;
  putSession(hash: string, record: SessionRecord): Promise<void>;
  /** The session as stored, used or expired ones included: the caller words the refusal. */
  getSession(hash: string): Promise<SessionRecord | undefined>;
  /** Mark a session answered; false when it was already used, expired or unknown. */
  consumeSession(hash: string, now: Date): Promise<boolean>;
  putOrigin(originJti: string, record: OriginRecord): Promise<void>;
  getOrigin(originJti: string, nowSeconds: number): Promise<OriginRecord | undefined>;
  /** The failed sign-ins remembered under `hash`, if any (expired ones are not). */
  getAttempts(hash: string, nowSeconds: number): Promise<AttemptsRecord | undefined>;
  /** Count one more failure; the answer says whether the account is now locked. */
  recordFailedAttempt(hash: string, now: Date, policy: LockoutPolicy): Promise<AttemptsRecord>;
  clearAttempts(hash: string): Promise<void>;
  getMfaMode(): Promise<MfaMode>;
  setMfaMode(mode: MfaMode, now: Date): Promise<void>;
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

  const putNewUser = (user: IdpUser): Promise<boolean> =>
    conditional(() =>
      doc.send(
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
      ),
    );

  /** An update of one user item returning the new item; undefined when the condition failed. */
  const updateUserItem = async (
    username: string,
    input: {
      UpdateExpression: string;
      ConditionExpression: string;
      ExpressionAttributeNames: Record<string, string>;
      ExpressionAttributeValues?: Record<string, unknown>;
    },
  ): Promise<IdpUser | undefined> => {
    try {
      const out = await doc.send(
        new UpdateCommand({ TableName: tableName, Key: userKey(normalizeUsername(username)), ReturnValues: 'ALL_NEW', ...input }),
      );
      return parseUser(out.Attributes);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  };

  const setPassword = (username: string, expectedVersion: number, passwordHash: string, now: Date): Promise<IdpUser | undefined> =>
    updateUserItem(username, {
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
    });

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

  const listUsers = async (
    limit: number,
    startKey?: Record<string, string>,
  ): Promise<{ users: IdpUser[]; lastKey?: Record<string, string> }> => {
    // One more than asked tells whether another page exists, so the last page carries no cursor.
    const out = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: GSI2.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': GSI2.partitionKey },
        ExpressionAttributeValues: { ':pk': ALL_USERS },
        Limit: limit + 1,
        ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
      }),
    );
    const items = out.Items ?? [];
    const page = items.slice(0, limit);
    const last = page.at(-1);
    const users = page.map((i) => IdpUser.parse(i));
    if (items.length <= limit || last === undefined) return { users };
    const lastKey = Object.fromEntries(userListKeyAttributes.map((k) => [k, String(last[k])]));
    return { users, lastKey };
  };

  const updateUser = (
    username: string,
    changes: { enabled?: boolean; groups?: readonly string[] },
    revokeTokens: boolean,
    now: Date,
  ): Promise<IdpUser | undefined> => {
    const sets = ['#version = #version + :one', '#updated = :now'];
    const names: Record<string, string> = { '#pk': table.partitionKey, '#version': table.versionAttribute, '#updated': 'updatedAt' };
    const values: Record<string, unknown> = { ':one': 1, ':now': now.toISOString() };
    if (changes.enabled !== undefined) {
      sets.push('#enabled = :enabled');
      names['#enabled'] = 'enabled';
      values[':enabled'] = changes.enabled;
    }
    if (changes.groups !== undefined) {
      sets.push('#groups = :groups');
      names['#groups'] = 'groups';
      values[':groups'] = [...changes.groups];
    }
    if (revokeTokens) {
      sets.push('#gen = #gen + :one');
      names['#gen'] = 'tokenGeneration';
    }
    return updateUserItem(username, {
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: 'attribute_exists(#pk)',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    });
  };

  const deleteUser = async (username: string): Promise<IdpUser | undefined> => {
    try {
      const out = await doc.send(
        new DeleteCommand({
          TableName: tableName,
          Key: userKey(normalizeUsername(username)),
          ConditionExpression: 'attribute_exists(#pk)',
          ExpressionAttributeNames: { '#pk': table.partitionKey },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return parseUser(out.Attributes);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  };

  const setPendingTotp = async (username: string, sub: string, pending: PendingTotp, now: Date): Promise<boolean> =>
    (await updateUserItem(username, {
      UpdateExpression: 'SET #pending = :pending, #updated = :now',
      ConditionExpression: 'attribute_exists(#pk) AND #sub = :sub',
      ExpressionAttributeNames: { '#pk': table.partitionKey, '#pending': 'totpPending', '#updated': 'updatedAt', '#sub': 'sub' },
      ExpressionAttributeValues: { ':pending': pending, ':now': now.toISOString(), ':sub': sub },
    })) !== undefined;

  const completeTotpEnrolment = (username: string, pendingSecret: string, totp: TotpState, now: Date): Promise<IdpUser | undefined> =>
    updateUserItem(username, {
      UpdateExpression: 'SET #totp = :totp, #updated = :now REMOVE #pending',
      ConditionExpression: '#pending.#secret = :pendingSecret',
      ExpressionAttributeNames: { '#totp': 'totp', '#pending': 'totpPending', '#secret': 'secret', '#updated': 'updatedAt' },
      ExpressionAttributeValues: { ':totp': totp, ':pendingSecret': pendingSecret, ':now': now.toISOString() },
    });

  const setTotpPreference = (
    username: string,
    secret: string,
    enabled: boolean,
    preferred: boolean,
    now: Date,
  ): Promise<IdpUser | undefined> =>
    updateUserItem(username, {
      UpdateExpression: 'SET #totp.#enabled = :enabled, #totp.#preferred = :preferred, #updated = :now',
      ConditionExpression: '#totp.#secret = :secret',
      ExpressionAttributeNames: {
        '#totp': 'totp',
        '#enabled': 'enabled',
        '#preferred': 'preferred',
        '#secret': 'secret',
        '#updated': 'updatedAt',
      },
      ExpressionAttributeValues: { ':enabled': enabled, ':preferred': preferred, ':secret': secret, ':now': now.toISOString() },
    });

  const useTotpStep = async (username: string, secret: string, counter: number): Promise<boolean> =>
    (await updateUserItem(username, {
      UpdateExpression: 'SET #totp.#last = :counter',
      ConditionExpression: '#totp.#secret = :secret AND #totp.#last < :counter',
      ExpressionAttributeNames: { '#totp': 'totp', '#secret': 'secret', '#last': 'lastCounter' },
      ExpressionAttributeValues: { ':secret': secret, ':counter': counter },
    })) !== undefined;

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

  const consumeSession = (hash: string, now: Date): Promise<boolean> =>
    conditional(() =>
      doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: sessionKey(hash),
          UpdateExpression: 'SET #used = :now',
          ConditionExpression: 'attribute_exists(#pk) AND attribute_not_exists(#used) AND #exp > :nowSeconds',
          ExpressionAttributeNames: { '#pk': table.partitionKey, '#used': 'usedAt', '#exp': table.ttlAttribute },
          ExpressionAttributeValues: { ':now': now.toISOString(), ':nowSeconds': epochSeconds(now) },
        }),
      ),
    );

  const putOrigin = async (originJti: string, record: OriginRecord): Promise<void> => {
    await doc.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...originKey(originJti), ...record },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': table.partitionKey },
      }),
    );
  };

  const getOrigin = async (originJti: string, nowSeconds: number): Promise<OriginRecord | undefined> => {
    const out = await doc.send(new GetCommand({ TableName: tableName, Key: originKey(originJti), ConsistentRead: true }));
    if (out.Item === undefined) return undefined;
    const record = OriginRecord.parse(out.Item);
    return record.expiresAt > nowSeconds ? record : undefined;
  };

  const getAttempts = async (hash: string, nowSeconds: number): Promise<AttemptsRecord | undefined> => {
    const out = await doc.send(new GetCommand({ TableName: tableName, Key: attemptsKey(hash), ConsistentRead: true }));
    if (out.Item === undefined) return undefined;
    const record = AttemptsRecord.parse(out.Item);
    return record.expiresAt > nowSeconds ? record : undefined;
  };

  /** One more failure on a live record; undefined when the record is there but expired (not yet swept). */
  const incrementAttempts = async (hash: string, nowSeconds: number, expiresAt: number): Promise<AttemptsRecord | undefined> => {
    try {
      const out = await doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: attemptsKey(hash),
          UpdateExpression: 'SET #exp = :exp ADD #failed :one',
          ConditionExpression: 'attribute_not_exists(#pk) OR #exp > :now',
          ExpressionAttributeNames: { '#pk': table.partitionKey, '#exp': table.ttlAttribute, '#failed': 'failedAttempts' },
          ExpressionAttributeValues: { ':exp': expiresAt, ':one': 1, ':now': nowSeconds },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return AttemptsRecord.parse(out.Attributes);
    } catch (e) {
      if (isConditionFailure(e)) return undefined;
      throw e;
    }
  };

  const recordFailedAttempt = async (hash: string, now: Date, policy: LockoutPolicy): Promise<AttemptsRecord> => {
    const nowSeconds = epochSeconds(now);
    const expiresAt = nowSeconds + policy.memorySeconds;
    let record = await incrementAttempts(hash, nowSeconds, expiresAt);
    if (record === undefined) {
      // The remembered run of failures is over: this failure starts a new one.
      const fresh: AttemptsRecord = { failedAttempts: 1, expiresAt };
      const restarted = await conditional(() =>
        doc.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...attemptsKey(hash), ...fresh },
            ConditionExpression: '#exp <= :now',
            ExpressionAttributeNames: { '#exp': table.ttlAttribute },
            ExpressionAttributeValues: { ':now': nowSeconds },
          }),
        ),
      );
      // Someone else restarted it at the same moment: count on theirs.
      record = restarted ? fresh : ((await incrementAttempts(hash, nowSeconds, expiresAt)) ?? fresh);
    }
    const locked = record.lockedUntil !== undefined && record.lockedUntil > nowSeconds;
    if (record.failedAttempts < policy.maxFailures || locked) return record;
    const lockedUntil = nowSeconds + policy.lockSeconds;
    // The count starts again from zero once the lock is over; only the write that reached the limit locks.
    const lockedNow = await conditional(() =>
      doc.send(
        new UpdateCommand({
          TableName: tableName,
          Key: attemptsKey(hash),
          UpdateExpression: 'SET #until = :until, #failed = :zero, #exp = :exp',
          ConditionExpression: '#failed >= :max',
          ExpressionAttributeNames: { '#until': 'lockedUntil', '#failed': 'failedAttempts', '#exp': table.ttlAttribute },
          ExpressionAttributeValues: {
            ':until': lockedUntil,
            ':zero': 0,
            ':exp': Math.max(expiresAt, lockedUntil),
            ':max': policy.maxFailures,
          },
        }),
      ),
    );
    return lockedNow ? { failedAttempts: 0, lockedUntil, expiresAt: Math.max(expiresAt, lockedUntil) } : record;
  };

  const clearAttempts = async (hash: string): Promise<void> => {
    await doc.send(new DeleteCommand({ TableName: tableName, Key: attemptsKey(hash) }));
  };

  const getMfaMode = async (): Promise<MfaMode> => {
    const out = await doc.send(new GetCommand({ TableName: tableName, Key: mfaConfigKey, ConsistentRead: true }));
    return out.Item === undefined ? 'optional' : MfaMode.parse(out.Item.mode);
  };

  const setMfaMode = async (mode: MfaMode, now: Date): Promise<void> => {
    await doc.send(new PutCommand({ TableName: tableName, Item: { ...mfaConfigKey, mode, updatedAt: now.toISOString() } }));
  };

  return {
    getUser,
    findUsersByEmail,
    putNewUser,
    setPassword,
    findUserInGroup,
    listUsers,
    updateUser,
    deleteUser,
    setPendingTotp,
    completeTotpEnrolment,
    setTotpPreference,
    useTotpStep,
    putRefreshToken,
    getRefreshToken,
    putSession,
    getSession,
    consumeSession,
    putOrigin,
    getOrigin,
    getAttempts,
    recordFailedAttempt,
    clearAttempts,
    getMfaMode,
    setMfaMode,
  };
};
