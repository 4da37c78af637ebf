import type { Clock } from '../clock';
import { notFound } from '../errors';
import { ApiKeyCreated, ApiKeyRevoked } from '../events/catalog';
import type { IdGenerator, RandomBytes } from '../ids';
import { actorOf, displayNameOf, type Principal } from '../identity/principal';
import type { Page } from '../pagination';
import type { ApiKeyRecord, ApiKeyStore } from '../ports/access-store';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { CreateApiKeyInput } from './schema';
import { formatApiKey, hashApiKeySecret, newApiKeySecret } from './token';

export interface ApiKeyDeps {
  apiKeys: ApiKeyStore;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
  random: RandomBytes;
}

/** What the API shows of a key: everything but the hash. */
export type ApiKeyView = Omit<ApiKeyRecord, 'secretHash'>;
const view = ({ secretHash: _hash, ...rest }: ApiKeyRecord): ApiKeyView => rest;
const ref = (k: ApiKeyRecord) => ({ keyId: k.keyId, name: k.name, role: k.role, expiresAt: k.expiresAt });

const DAY_MS = 24 * 60 * 60 * 1000;

/** The only time the secret exists outside the caller's hands: in this one response. */
export const createApiKey = async (
  deps: ApiKeyDeps,
  by: Principal,
  projectId: string,
  input: CreateApiKeyInput,
): Promise<{ apiKey: ApiKeyView; secret: string }> => {
  const now = deps.clock.now();
  const secret = newApiKeySecret(deps.random);
  const record: ApiKeyRecord = {
    keyId: deps.ids.next('key'),
    projectId,
    name: input.name,
    role: input.role,
    secretHash: hashApiKeySecret(secret),
    createdBy: displayNameOf(by),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + input.expiresInDays * DAY_MS).toISOString(),
  };
  await deps.apiKeys.create(record);
  await deps.bus.publish([eventOf(ApiKeyCreated, { projectId, actor: actorOf(by), apiKey: ref(record) })]);
  return { apiKey: view(record), secret: formatApiKey(record.keyId, secret) };
};

export const listApiKeys = async (deps: Pick<ApiKeyDeps, 'apiKeys'>, projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<ApiKeyView>> => {
  const res = await deps.apiKeys.listOfProject(projectId, page);
  return { ...res, items: res.items.map(view) };
};

export const revokeApiKey = async (deps: ApiKeyDeps, by: Principal, projectId: string, keyId: string): Promise<void> => {
  const key = await deps.apiKeys.get(keyId);
  // A key of another project is as invisible as a missing one.
  if (!key || key.projectId !== projectId) throw notFound('API key', keyId);
  await deps.apiKeys.delete(keyId);
  await deps.bus.publish([eventOf(ApiKeyRevoked, { projectId, actor: actorOf(by), apiKey: ref(key) })]);
};
