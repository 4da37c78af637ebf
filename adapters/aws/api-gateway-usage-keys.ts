import { randomBytes } from 'node:crypto';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateApiKeyCommand,
  CreateUsagePlanKeyCommand,
  DeleteApiKeyCommand,
  GetUsagePlansCommand,
  type APIGatewayClient,
} from '@aws-sdk/client-api-gateway';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '../../core/identity/principal';
import type { UsageKeys } from '../../core/ports/usage-keys';
import type { DynamoDeps } from './project-store';

/**
 * Usage-plan API keys on API Gateway, one per caller, made on first use and remembered:
 *   usage key   PK=USAGEKEY#<identity>   SK=META   identity, apiKeyId, value, createdAt
 * where identity is `user:<sub>` or `key:<keyId>`. The value is what the authorizer returns as
 * `usageIdentifierKey`; clients never send it, so it authenticates nothing, but it is still kept
 * out of logs and errors. Two cold starts may create a key for the same caller at once: the
 * conditional Put decides, and the loser deletes the API key it made and uses the stored one.
 */
export interface ApiGatewayUsageKeysOptions extends DynamoDeps {
  apiGateway: APIGatewayClient;
  /** The usage plan new keys join, or how to find its id (called once, when the first key is made). */
  usagePlanId: string | (() => Promise<string>);
  /** Warns about an API key that could not be cleaned up; it would count against the account's quota. */
  logger?: Pick<Logger, 'warn'> | undefined;
  /** Random bytes for key values (injected in tests). */
  random?: ((size: number) => Uint8Array) | undefined;
}

/** 32 random bytes in hex: 64 characters (API Gateway wants 20 to 128 alphanumeric ones). */
const VALUE_BYTES = 32;
/** GetUsagePlans answers at most 500 plans a page. */
const PLANS_PAGE_MAX = 500;

export const usageIdentityOf = (p: Principal): string => (p.type === 'user' ? `user:${p.sub}` : `key:${p.keyId}`);

const itemKey = (identity: string) => ({ PK: `USAGEKEY#${identity}`, SK: 'META' });

/**
 * The id of the one usage plan with this name, looked up with GetUsagePlans. The stack names its
 * plan after itself, because the authorizer cannot be handed the id (see cdk/lib/api.ts).
 */
export const usagePlanNamed =
  (apiGateway: APIGatewayClient, name: string) =>
  async (): Promise<string> => {
    const ids: string[] = [];
    let position: string | undefined;
    do {
      const page = await apiGateway.send(new GetUsagePlansCommand({ limit: PLANS_PAGE_MAX, ...(position === undefined ? {} : { position }) }));
      for (const plan of page.items ?? []) if (plan.name === name && plan.id !== undefined) ids.push(plan.id);
      position = page.position;
    } while (position !== undefined && position !== '');
    const [id, ...others] = ids;
    if (id === undefined) throw new Error(`No usage plan is named ${name}`);
    if (others.length > 0) throw new Error(`${String(ids.length)} usage plans are named ${name}; expected one`);
    return id;
  };

/** Cache a promise; forget it when it fails, so the next call tries again. */
const memoize = <T>(run: () => Promise<T>): (() => Promise<T>) => {
  let cached: Promise<T> | undefined;
  return () => {
    cached ??= run().catch((e: unknown) => {
      cached = undefined;
      throw e;
    });
    return cached;
  };
};

export const createApiGatewayUsageKeys = (opts: ApiGatewayUsageKeysOptions): UsageKeys => {
  const { apiGateway, ddb, tableName, logger, usagePlanId: plan } = opts;
  const random = opts.random ?? randomBytes;
  const planId = typeof plan === 'string' ? () => Promise.resolve(plan) : memoize(plan);
  /** Values by identity for the container's life (also shares one creation between concurrent calls). */
  const values = new Map<string, Promise<string>>();

  const stored = async (identity: string): Promise<string | undefined> => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: itemKey(identity), ConsistentRead: true }));
    const value: unknown = res.Item?.value;
    return typeof value === 'string' && value !== '' ? value : undefined;
  };

  /** Deletes an API key this container made and will not use (DeleteApiKey also drops it from the plan). */
  const discard = async (apiKeyId: string, identity: string, why: string): Promise<void> => {
    try {
      await apiGateway.send(new DeleteApiKeyCommand({ apiKey: apiKeyId }));
    } catch (e) {
      logger?.warn('could not delete an unused usage-plan API key', { apiKeyId, identity, why, error: e instanceof Error ? e.name : 'unknown' });
    }
  };

  const create = async (identity: string): Promise<string> => {
    const usagePlanId = await planId();
    const value = Buffer.from(random(VALUE_BYTES)).toString('hex');
    const created = await apiGateway.send(new CreateApiKeyCommand({ name: identity, enabled: true, value }));
    const apiKeyId = created.id;
    if (apiKeyId === undefined) throw new Error(`CreateApiKey answered without an id for ${identity}`);
    try {
      await apiGateway.send(new CreateUsagePlanKeyCommand({ usagePlanId, keyId: apiKeyId, keyType: 'API_KEY' }));
      await ddb.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...itemKey(identity), identity, apiKeyId, value, createdAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return value;
    } catch (e) {
      if (!(e instanceof ConditionalCheckFailedException)) {
        await discard(apiKeyId, identity, 'creation failed');
        throw e;
      }
    }
    // A concurrent cold start stored its key first: use that one.
    await discard(apiKeyId, identity, 'lost the creation race');
    const winner = await stored(identity);
    if (winner === undefined) throw new Error(`The usage key of ${identity} vanished after a concurrent creation`);
    return winner;
  };

  return {
    keyFor: (principal) => {
      const identity = usageIdentityOf(principal);
      let value = values.get(identity);
      if (value === undefined) {
        value = (async () => (await stored(identity)) ?? (await create(identity)))();
        values.set(identity, value);
        value.catch(() => values.delete(identity));
      }
      return value;
    },
  };
};
