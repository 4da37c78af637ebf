import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { eventCatalog } from '../../core/events/catalog';
import { request } from '../support/http';
import { inviteAndSignIn, startInProcessStack } from '../support/in-process-stack';

let stack: Awaited<ReturnType<typeof startInProcessStack>>;
let viewerToken: string;

beforeAll(async () => {
  stack = await startInProcessStack();
  viewerToken = (await inviteAndSignIn(stack.url, stack.adminToken, 'plain')).token;
}, 60_000);

afterAll(async () => {
  await stack.close();
});

const event = {
  version: '0',
  id: 'evt_1',
  'detail-type': 'Run Completed',
  source: 'opsconductor.automation',
  account: '000000000000',
  time: '2026-11-25T10:00:00Z',
  region: 'local',
  resources: [],
  detail: { projectId: 'prj_1', run: { id: 'run_1' }, status: 'failed' },
};

describe('events API', () => {
  it('serves the catalog as JSON Schemas to any signed-in caller', async () => {
    const res = await request(stack.url, 'GET', '/v1/events/catalog', { token: viewerToken });

    expect(res.status).toBe(200);
    const items = res.json().items as { source: string; detailType: string; schema: { type?: string; properties?: Record<string, unknown> } }[];
    expect(items.map((i) => i.detailType)).toEqual(eventCatalog.map((d) => d.detailType));
    const completed = items.find((i) => i.detailType === 'Run Completed');
    expect(completed).toMatchObject({ source: 'opsconductor.automation', schema: { type: 'object' } });
    expect(Object.keys(completed?.schema.properties ?? {})).toEqual(expect.arrayContaining(['projectId', 'actor', 'run', 'status']));
  });

  it('tests a pattern given as JSON text against an event, with an input mapping', async () => {
    const res = await request(stack.url, 'POST', '/v1/events/test-pattern', {
      token: viewerToken,
      body: { pattern: '{"source":[{"prefix":"opsconductor."}],"detail":{"status":["failed"]}}', event: JSON.stringify(event), inputMapping: { runId: '$.detail.run.id', nothing: '$.detail.x' } },
    });

    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ match: true, parameters: { runId: 'run_1' } });

    const miss = await request(stack.url, 'POST', '/v1/events/test-pattern', { token: viewerToken, body: { pattern: { detail: { status: ['succeeded'] } }, event } });
    expect(miss.json()).toEqual({ match: false });
  });

  it('answers 400 with the reason for an invalid pattern', async () => {
    const res = await request(stack.url, 'POST', '/v1/events/test-pattern', { token: viewerToken, body: { pattern: { detail: { status: [] } }, event } });

    expect(res.status).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/event pattern is not valid\. \$\.detail\.status: Empty arrays/) as unknown,
      details: [{ location: 'body', path: 'pattern.detail.status', message: expect.any(String) as unknown }],
    });
  });

  it('needs a signed-in caller', async () => {
    expect((await request(stack.url, 'GET', '/v1/events/catalog')).status).toBe(401);
  });

  it('logs every published event in the data folder before delivering it', async () => {
    const created = await request(stack.url, 'POST', '/v1/projects', { token: stack.adminToken, body: { name: 'logged' } });
    expect(created.status).toBe(201);

    const dir = path.join(stack.dataDir, 'events');
    const lines = readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').trimEnd().split('\n'))
      .map((l) => JSON.parse(l) as { 'detail-type': string; detail: { projectId?: string } });
    expect(lines).toContainEqual(expect.objectContaining({ 'detail-type': 'Project Created', detail: expect.objectContaining({ projectId: created.json().id }) as unknown }));
  });
});
