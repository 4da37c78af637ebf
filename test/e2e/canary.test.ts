import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalDynamo } from '../../local/dynamo';
import { cognito, request, type HttpResponse } from '../support/http';
import { startLocalStack, type StartedStack } from '../support/local-stack';

/**
 * Plants secrets (an admin password, a user's password, an API key) and proves they appear
 * nowhere but where they must: not in any API response other than the one that hands them out,
 * not in a log line or event (the stack runs at DEBUG, which logs every event's detail), and not
 * in the stored data other than as hashes.
 */
const ADMIN_PASSWORD = 'CANARY-admin-Pw-7f3k!';
const USER_PASSWORD = 'CANARY-user-Pw-9q2z!';
const HOST_PASSWORD = 'CANARY-host-Pw-4m8w!';
const KEY_PASSPHRASE = 'CANARY-passphrase-2v6r';
const PRIVATE_KEY = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
// A line from the middle of the key: distinctive, and present wherever the key would leak.
const KEY_LINE = PRIVATE_KEY.split('\n')[5] ?? '';

let stack: StartedStack;
const responses: HttpResponse[] = [];
const canaries: string[] = [ADMIN_PASSWORD, USER_PASSWORD, HOST_PASSWORD, KEY_PASSPHRASE, KEY_LINE];

beforeAll(async () => {
  stack = await startLocalStack({ env: { OPSC_ADMIN_EMAIL: 'root@example.com', OPSC_ADMIN_PASSWORD: ADMIN_PASSWORD, OPSC_SKIP_WEB_BUILD: '1', LOG_LEVEL: 'DEBUG' } });
}, 120_000);

afterAll(async () => {
  await stack.stop();
});

const record = async (p: Promise<HttpResponse>) => {
  const r = await p;
  responses.push(r);
  return r;
};

it('never reveals a planted secret outside its one-time response', async () => {
  const base = stack.baseUrl;
  const auth = await cognito(base, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: 'opsconductor-console',
    AuthParameters: { USERNAME: 'root@example.com', PASSWORD: ADMIN_PASSWORD },
  });
  const token = (auth.body.AuthenticationResult as { AccessToken: string }).AccessToken;
  const project = await record(request(base, 'POST', '/v1/projects', { token, body: { name: 'canary' } }));
  const projectId = String(project.json().id);

  // One-time responses: recorded separately, never in `responses`.
  const invited = await request(base, 'POST', '/v1/users', { token, body: { username: 'cara', email: 'cara@example.com' } });
  const temporary = String(invited.json().temporaryPassword);
  const created = await request(base, 'POST', `/v1/projects/${projectId}/api-keys`, { token, body: { name: 'ci', role: 'operator' } });
  const apiKey = String(created.json().secret);
  canaries.push(apiKey, apiKey.slice(-43));
  expect(JSON.stringify(invited.json().user)).not.toContain(temporary);
  expect(JSON.stringify(created.json().apiKey)).not.toContain(apiKey.slice(-43));

  const first = await cognito(base, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: 'opsconductor-console',
    AuthParameters: { USERNAME: 'cara', PASSWORD: temporary },
  });
  const answered = await cognito(base, 'RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    ClientId: 'opsconductor-console',
    Session: first.body.Session,
    ChallengeResponses: { USERNAME: 'cara', NEW_PASSWORD: USER_PASSWORD },
  });
  expect(JSON.stringify(answered.body)).not.toContain(USER_PASSWORD);
  canaries.push(temporary);

  await record(request(base, 'PUT', `/v1/projects/${projectId}/members/cara`, { token, body: { role: 'viewer' } }));

  // Credentials: material in, never out.
  const password = await record(request(base, 'POST', `/v1/projects/${projectId}/credentials`, { token, body: { name: 'pw', kind: 'ssh-password', username: 'ops', password: HOST_PASSWORD } }));
  const key = await record(request(base, 'POST', `/v1/projects/${projectId}/credentials`, { token, body: { name: 'key', kind: 'ssh-key', username: 'ops', privateKey: PRIVATE_KEY } }));
  const keyId = String(key.json().id);
  await record(request(base, 'PUT', `/v1/projects/${projectId}/credentials/${keyId}`, { token, body: { name: 'key', kind: 'ssh-key', username: 'ops', privateKey: PRIVATE_KEY, passphrase: KEY_PASSPHRASE } }));
  const target = await record(request(base, 'POST', `/v1/projects/${projectId}/targets`, { token, body: { name: 't', address: '127.0.0.1', port: 1, protocol: 'ssh', credentialId: String(password.json().id) } }));
  await record(request(base, 'POST', `/v1/projects/${projectId}/targets/${String(target.json().id)}/test`, { token }));
  await record(request(base, 'GET', `/v1/projects/${projectId}/credentials`, { token }));
  await record(request(base, 'GET', `/v1/projects/${projectId}/credentials/${keyId}`, { token }));
  await record(request(base, 'POST', `/v1/projects/${projectId}/credentials`, { token, body: { name: 'bad', kind: 'ssh-key', username: 'ops', privateKey: PRIVATE_KEY, passphrase: 7 } }));
  await record(request(base, 'GET', '/v1/me', { headers: { 'X-Api-Key': apiKey } }));
  await record(request(base, 'GET', '/v1/me', { token: apiKey }));
  await record(request(base, 'GET', `/v1/projects/${projectId}/api-keys`, { token }));
  await record(request(base, 'GET', '/v1/users', { token }));
  await record(request(base, 'GET', `/v1/projects/${projectId}/members`, { token }));
  await record(request(base, 'GET', '/v1/me', { headers: { 'X-Api-Key': `${apiKey.slice(0, -1)}x` } }));
  await record(request(base, 'POST', '/v1/projects', { token, rawBody: `{"name": "${ADMIN_PASSWORD}`, headers: { 'Content-Type': 'application/json' } }));

  for (const r of responses) for (const c of canaries) expect(r.text).not.toContain(c);

  await stack.kill();
  const output = stack.output();
  expect(output).toContain('event detail');
  for (const c of canaries) expect(output).not.toContain(c);

  // The stored data: every item of the table, and every file in the data folder.
  const dynamo = await startLocalDynamo({ path: path.join(stack.dataDir, 'dynamo') });
  try {
    const items = await dynamo.doc.send(new ScanCommand({ TableName: dynamo.tableName }));
    const dump = JSON.stringify(items.Items);
    expect(dump).toContain('secretHash');
    for (const c of canaries) expect(dump).not.toContain(c);
  } finally {
    await dynamo.close();
  }
  expect(readFileSync(path.join(stack.dataDir, 'vault', 'credentials.json'), 'utf8')).toMatch(/v1\./);
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const full = path.join(dir, f);
      return statSync(full).isDirectory() ? files(full) : [full];
    });
  for (const file of files(stack.dataDir)) {
    const content = readFileSync(file).toString('latin1');
    for (const c of canaries) expect(content).not.toContain(c);
  }
}, 120_000);
