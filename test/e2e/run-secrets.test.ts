import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalDynamo } from '../../local/dynamo';
import { request, signIn, type HttpResponse } from '../support/http';
import { startLocalStack, type StartedStack } from '../support/local-stack';
import { startTestSshd, type TestSshd } from '../support/sshd';
import { startWinRmServer, type TestWinRmServer } from '../support/winrm-server';

/**
 * A secure parameter's value reaches the host and nothing else: not the run's output, not an API
 * response, not a log line or event (the stack logs every event's detail at DEBUG), not the
 * table, not any file in the data folder (output logs included). The same for an SSH host and a
 * WinRM host (the local WinRM test server), and for the WinRM credential's password.
 */
const SECRET = 'CANARY-deploy-token-5h1x';
const WINRM_PASSWORD = 'CANARY-winrm-Passw0rd-9q';
const ADMIN = { email: 'admin@example.com', password: 'CANARY-Run-Adm1n!pw' };

let stack: StartedStack;
let sshd: TestSshd;
let winrm: TestWinRmServer;

beforeAll(async () => {
  sshd = await startTestSshd();
  winrm = await startWinRmServer({ scheme: 'http', password: WINRM_PASSWORD });
  stack = await startLocalStack({ env: { OPSC_ADMIN_EMAIL: ADMIN.email, OPSC_ADMIN_PASSWORD: ADMIN.password, OPSC_SKIP_WEB_BUILD: '1', LOG_LEVEL: 'DEBUG' } });
}, 120_000);

afterAll(async () => {
  await stack.stop();
  await sshd.stop();
  await winrm.stop();
});

it('keeps a secure parameter out of output, responses, logs, events and storage', async () => {
  const base = stack.baseUrl;
  const token = await signIn(base, ADMIN.email, ADMIN.password);
  const responses: HttpResponse[] = [];
  const api = async (method: string, route: string, body?: unknown) => {
    const res = await request(base, method, route, { token, ...(body === undefined ? {} : { body }) });
    responses.push(res);
    return res;
  };
  const projectId = String((await api('POST', '/v1/projects', { name: 'secrets' })).json().id);
  const p = (route: string) => `/v1/projects/${projectId}${route}`;
  const credentialId = String((await api('POST', p('/credentials'), { name: 'key', kind: 'ssh-key', username: sshd.username, privateKey: sshd.clientKey.privateKey })).json().id);
  const targetId = String((await api('POST', p('/targets'), { name: 'host', address: '127.0.0.1', port: sshd.port, protocol: 'ssh', credentialId, hostKeyFingerprint: sshd.hostKeyFingerprint })).json().id);
  const winrmCredentialId = String((await api('POST', p('/credentials'), { name: 'windows', kind: 'winrm-password', username: winrm.username, password: WINRM_PASSWORD })).json().id);
  const winrmTargetId = String(
    (await api('POST', p('/targets'), { name: 'windows', address: winrm.host, port: winrm.port, protocol: 'winrm', winrm: { transport: 'http', auth: 'ntlm' }, credentialId: winrmCredentialId })).json().id,
  );
  const jobId = String(
    (
      await api('POST', p('/jobs'), {
        name: 'uses a token',
        targets: { targetIds: [targetId, winrmTargetId] },
        parameters: [{ name: 'token', type: 'string', secure: true, required: true }],
        // The value is printed whole, split across two writes, and its length is checked on the host.
        steps: [{ kind: 'command', content: 'echo "token=$OPSC_PARAM_token"; printf %s "$OPSC_PARAM_token" | cut -c1-6; printf %s "$OPSC_PARAM_token" | cut -c7- >&2; echo "length=${#OPSC_PARAM_token}"' }],
      })
    ).json().id,
  );

  const started = await request(base, 'POST', p(`/jobs/${jobId}/runs`), { token, body: { parameters: { token: SECRET } } });
  expect(started.status).toBe(201);
  const runId = String(started.json().id);
  let run: Record<string, unknown> = {};
  for (let i = 0; i < 300 && !['succeeded', 'failed'].includes(String(run.status)); i++) {
    await new Promise((r) => setTimeout(r, 100));
    run = (await api('GET', p(`/runs/${runId}`))).json();
  }
  expect(run).toMatchObject({ status: 'succeeded', parameters: { token: '******' } });
  for (const host of [targetId, winrmTargetId]) {
    const output = await api('GET', p(`/runs/${runId}/output?targetId=${host}`));
    const text = (output.json().items as { data: string }[]).map((c) => Buffer.from(c.data, 'base64').toString()).join('');
    expect(text).toContain('token=******');
    expect(text).toContain(`length=${String(SECRET.length)}`);
  }
  for (const r of [started, ...responses]) {
    expect(r.text).not.toContain(SECRET);
    expect(r.text).not.toContain(WINRM_PASSWORD);
  }

  await stack.kill();
  expect(stack.output()).toContain('event detail');
  expect(stack.output()).not.toContain(SECRET);
  expect(stack.output()).not.toContain(WINRM_PASSWORD);
  const dynamo = await startLocalDynamo({ path: path.join(stack.dataDir, 'dynamo') });
  try {
    const items = await dynamo.doc.send(new ScanCommand({ TableName: dynamo.tableName }));
    const dump = JSON.stringify(items.Items, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
    expect(dump).toContain('sealedSecureParameters');
    expect(dump).not.toContain(SECRET);
    expect(dump).not.toContain(WINRM_PASSWORD);
  } finally {
    await dynamo.close();
  }
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => {
      const full = path.join(dir, f);
      return statSync(full).isDirectory() ? files(full) : [full];
    });
  const logs = files(path.join(stack.dataDir, 'runs'));
  expect(logs).toHaveLength(2);
  for (const log of logs) expect(readFileSync(log, 'utf8')).toContain('token=******');
  for (const file of files(stack.dataDir)) {
    expect(readFileSync(file).toString('latin1')).not.toContain(SECRET);
    expect(readFileSync(file).toString('latin1')).not.toContain(WINRM_PASSWORD);
  }
}, 120_000);
