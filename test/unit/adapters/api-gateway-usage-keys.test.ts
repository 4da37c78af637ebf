import { APIGatewayClient, NotFoundException } from '@aws-sdk/client-api-gateway';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createApiGatewayUsageKeys, usageIdentityOf, usagePlanNamed } from '../../../adapters/aws/api-gateway-usage-keys';
import type { Principal } from '../../../core/identity/principal';
import type { LocalDynamo } from '../../../local/dynamo';
import { startTestDynamo } from '../../support/dynalite';

const PLAN = 'plan123';
const apiGateway = new APIGatewayClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });

interface Sent {
  command: string;
  input: Record<string, unknown>;
}
/** What API Gateway answers to one command: a response (or a promise of one), or an error to throw. */
type Responder = (command: string, input: Record<string, unknown>) => unknown;

let dynamo: LocalDynamo;
let sent: Sent[];
let respond: Responder;
let nextKey: number;
const commands = () => sent.map((s) => s.command);

/** API Gateway's default answers: CreateApiKey echoes the value with a fresh id. */
const defaults: Responder = (command, input) => {
  if (command === 'CreateApiKey') return { id: `ak${String(++nextKey)}`, name: input.name, value: input.value, enabled: true };
  if (command === 'CreateUsagePlanKey') return { id: input.keyId, type: 'API_KEY' };
  return {};
};

beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(() => dynamo.close());

beforeEach(() => {
  sent = [];
  nextKey = 0;
  respond = defaults;
  jest.spyOn(APIGatewayClient.prototype, 'send').mockImplementation(((command: { constructor: { name: string }; input: Record<string, unknown> }) => {
    const name = command.constructor.name.replace(/Command$/, '');
    sent.push({ command: name, input: command.input });
    return Promise.resolve(respond(name, command.input)).then((reply) => {
      if (reply instanceof Error) throw reply;
      return { $metadata: {}, ...(reply as object) };
    });
  }) as never);
});
afterEach(() => {
  jest.restoreAllMocks();
});

let n = 0;
/** A user nobody has seen yet, so tests do not share table items. */
const newUser = (): Principal => ({ type: 'user', sub: `sub-${String(++n)}`, username: `user${String(n)}`, groups: [] });
const usageItem = async (identity: string) =>
  (await dynamo.doc.send(new GetCommand({ TableName: dynamo.tableName, Key: { PK: `USAGEKEY#${identity}`, SK: 'META' }, ConsistentRead: true }))).Item;
const keys = (extra: Partial<Parameters<typeof createApiGatewayUsageKeys>[0]> = {}) =>
  createApiGatewayUsageKeys({ apiGateway, ddb: dynamo.doc, tableName: dynamo.tableName, usagePlanId: PLAN, ...extra });

describe('API Gateway usage keys', () => {
  it('names callers user:<sub> and key:<keyId>', () => {
    expect(usageIdentityOf({ type: 'user', sub: 's-1', username: 'ada', groups: [] })).toBe('user:s-1');
    expect(usageIdentityOf({ type: 'apiKey', keyId: 'k-1', name: 'ci', projectId: 'p', role: 'operator' })).toBe('key:k-1');
  });

  it('on first use creates an enabled API key in the usage plan and stores its value', async () => {
    const user = newUser();

    const value = await keys().keyFor(user);

    expect(value).toMatch(/^[a-f0-9]{64}$/);
    expect(sent).toEqual([
      { command: 'CreateApiKey', input: { name: usageIdentityOf(user), enabled: true, value } },
      { command: 'CreateUsagePlanKey', input: { usagePlanId: PLAN, keyId: 'ak1', keyType: 'API_KEY' } },
    ]);
    expect(await usageItem(usageIdentityOf(user))).toMatchObject({ identity: usageIdentityOf(user), apiKeyId: 'ak1', value, createdAt: expect.any(String) as unknown });
  });

  it('gives API-key callers their own usage key', async () => {
    const principal: Principal = { type: 'apiKey', keyId: `k-${String(++n)}`, name: 'ci', projectId: 'p1', role: 'operator' };

    const value = await keys().keyFor(principal);

    expect(sent[0]?.input).toMatchObject({ name: `key:${principal.keyId}` });
    expect(await usageItem(`key:${principal.keyId}`)).toMatchObject({ value });
  });

  it('makes a different value every time', async () => {
    const a = await keys().keyFor(newUser());
    const b = await keys().keyFor(newUser());

    expect(a).not.toBe(b);
  });

  it('reuses the value stored in the table (another container made it)', async () => {
    const user = newUser();
    const first = await keys().keyFor(user);
    sent = [];

    const again = await keys().keyFor(user);

    expect(again).toBe(first);
    expect(sent).toEqual([]);
  });

  it('reuses the value from memory without reading the table again', async () => {
    const user = newUser();
    const usageKeys = keys();
    const first = await usageKeys.keyFor(user);
    const ddbSend = jest.spyOn(dynamo.doc, 'send');
    sent = [];

    const again = await usageKeys.keyFor(user);

    expect(again).toBe(first);
    expect(ddbSend).not.toHaveBeenCalled();
    expect(sent).toEqual([]);
  });

  it('shares one creation between concurrent calls in the same container', async () => {
    const user = newUser();
    const usageKeys = keys();

    const [a, b] = await Promise.all([usageKeys.keyFor(user), usageKeys.keyFor(user)]);

    expect(a).toBe(b);
    expect(commands()).toEqual(['CreateApiKey', 'CreateUsagePlanKey']);
  });

  it('when a concurrent cold start stored its key first, deletes its own API key and uses the stored value', async () => {
    const user = newUser();
    const identity = usageIdentityOf(user);
    const winner = 'a'.repeat(64);
    // The other container's Put lands between our usage-plan key and our Put.
    respond = (command, input) => {
      if (command === 'CreateUsagePlanKey') {
        return dynamo.doc
          .send(new PutCommand({ TableName: dynamo.tableName, Item: { PK: `USAGEKEY#${identity}`, SK: 'META', identity, apiKeyId: 'other', value: winner } }))
          .then(() => defaults(command, input));
      }
      return defaults(command, input);
    };

    const value = await keys().keyFor(user);

    expect(value).toBe(winner);
    expect(sent).toEqual([
      { command: 'CreateApiKey', input: expect.objectContaining({ name: identity }) as unknown },
      { command: 'CreateUsagePlanKey', input: { usagePlanId: PLAN, keyId: 'ak1', keyType: 'API_KEY' } },
      { command: 'DeleteApiKey', input: { apiKey: 'ak1' } },
    ]);
    expect(await usageItem(identity)).toMatchObject({ apiKeyId: 'other', value: winner });
  });

  it('still answers with the stored value when the losing key cannot be deleted, and warns without the value', async () => {
    const user = newUser();
    const identity = usageIdentityOf(user);
    const winner = 'b'.repeat(64);
    let created = '';
    respond = (command, input) => {
      if (command === 'CreateApiKey') created = String(input.value);
      if (command === 'DeleteApiKey') return new NotFoundException({ message: 'gone', $metadata: {} });
      return defaults(command, input);
    };
    await dynamo.doc.send(new PutCommand({ TableName: dynamo.tableName, Item: { PK: `USAGEKEY#${identity}`, SK: 'META', identity, apiKeyId: 'other', value: winner } }));
    // The item appears only after our read: make the first GetItem miss.
    const realSend = dynamo.doc.send.bind(dynamo.doc);
    let reads = 0;
    jest.spyOn(dynamo.doc, 'send').mockImplementation(((command: unknown) =>
      command instanceof GetCommand && reads++ === 0 ? Promise.resolve({ $metadata: {} }) : realSend(command as never)) as never);
    const warnings: unknown[] = [];

    const value = await keys({ logger: { warn: (...args: unknown[]) => warnings.push(args) } }).keyFor(user);

    expect(value).toBe(winner);
    expect(commands()).toEqual(['CreateApiKey', 'CreateUsagePlanKey', 'DeleteApiKey']);
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings)).toContain('ak1');
    expect(JSON.stringify(warnings)).not.toContain(created);
  });

  it('deletes the API key when it cannot join the plan, and tries again on the next call', async () => {
    const user = newUser();
    const usageKeys = keys();
    respond = (command, input) => (command === 'CreateUsagePlanKey' ? new NotFoundException({ message: 'Invalid Usage Plan ID', $metadata: {} }) : defaults(command, input));

    await expect(usageKeys.keyFor(user)).rejects.toThrow('Invalid Usage Plan ID');
    expect(commands()).toEqual(['CreateApiKey', 'CreateUsagePlanKey', 'DeleteApiKey']);
    expect(await usageItem(usageIdentityOf(user))).toBeUndefined();

    respond = defaults;
    sent = [];
    const value = await usageKeys.keyFor(user);
    expect(commands()).toEqual(['CreateApiKey', 'CreateUsagePlanKey']);
    expect(await usageItem(usageIdentityOf(user))).toMatchObject({ value });
  });

  it('finds the plan by name once, only when it first creates a key', async () => {
    const stored = newUser();
    await keys().keyFor(stored);
    respond = (command, input) => {
      if (command !== 'GetUsagePlans') return defaults(command, input);
      return input.position === undefined
        ? { items: [{ id: 'other', name: 'Else-callers' }], position: 'p2' }
        : { items: [{ id: 'found', name: 'Stack-callers' }] };
    };
    sent = [];
    const usageKeys = keys({ usagePlanId: usagePlanNamed(apiGateway, 'Stack-callers') });

    await usageKeys.keyFor(stored);
    expect(sent).toEqual([]);

    await usageKeys.keyFor(newUser());
    await usageKeys.keyFor(newUser());
    expect(commands()).toEqual(['GetUsagePlans', 'GetUsagePlans', 'CreateApiKey', 'CreateUsagePlanKey', 'CreateApiKey', 'CreateUsagePlanKey']);
    expect(sent.filter((s) => s.command === 'CreateUsagePlanKey').map((s) => s.input.usagePlanId)).toEqual(['found', 'found']);
  });

  it('refuses a plan name that matches no plan or several', async () => {
    respond = () => ({ items: [{ id: 'a', name: 'dup' }, { id: 'b', name: 'dup' }] });

    await expect(usagePlanNamed(apiGateway, 'missing')()).rejects.toThrow('No usage plan is named missing');
    await expect(usagePlanNamed(apiGateway, 'dup')()).rejects.toThrow('2 usage plans are named dup');
  });
});
