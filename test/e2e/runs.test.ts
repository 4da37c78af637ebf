import { request, type HttpResponse } from '../support/http';
import { startInProcessStack } from '../support/in-process-stack';
import { freePort, startTestSshd, type TestSshd } from '../support/sshd';

/**
 * Runs end to end: the API, the job-run ASL on the local engine, the runner process over SSH to a
 * real OpenSSH sshd on loopback, output and results in the store.
 */
jest.setTimeout(120_000);

let stack: Awaited<ReturnType<typeof startInProcessStack>>;
let sshd: TestSshd;
let projectId: string;
let credentialId: string;
const responses: HttpResponse[] = [];

const api = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
  const res = await request(stack.url, method, path, { token: stack.adminToken, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
  responses.push(res);
  return res;
};
const p = (path: string) => `/v1/projects/${projectId}${path}`;

const target = async (name: string, tags: Record<string, string>, port = sshd.port) =>
  String((await api('POST', p('/targets'), { name, address: '127.0.0.1', port, protocol: 'ssh', credentialId, tags, hostKeyFingerprint: sshd.hostKeyFingerprint })).json().id);

const job = async (body: Record<string, unknown>) => {
  const res = await api('POST', p('/jobs'), body);
  if (res.status !== 201) throw new Error(`job: ${res.status} ${res.text}`);
  return String(res.json().id);
};

type RunBody = Record<string, unknown> & { id: string; status: string; counts: Record<string, number> };

const waitForRun = async (runId: string, timeoutMs = 60_000): Promise<RunBody> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = (await api('GET', p(`/runs/${runId}`))).json() as RunBody;
    if (['succeeded', 'failed', 'cancelled', 'timed_out'].includes(run.status)) return run;
    if (Date.now() > until) throw new Error(`run ${runId} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const hostsOf = async (runId: string) => (await api('GET', p(`/runs/${runId}/hosts`))).json().items as (Record<string, unknown> & { targetId: string; status: string })[];

const outputOf = async (runId: string, targetId: string): Promise<Buffer> => {
  const parts: Buffer[] = [];
  let cursor = '0';
  for (;;) {
    const page = (await api('GET', p(`/runs/${runId}/output?targetId=${targetId}&cursor=${cursor}`))).json() as { items: { data: string }[]; nextCursor: string; complete: boolean };
    for (const item of page.items) parts.push(Buffer.from(item.data, 'base64'));
    cursor = page.nextCursor;
    if (page.complete) return Buffer.concat(parts);
    if (page.items.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  sshd = await startTestSshd();
  stack = await startInProcessStack();
  projectId = String((await api('POST', '/v1/projects', { name: 'runs' })).json().id);
  credentialId = String((await api('POST', p('/credentials'), { name: 'key', kind: 'ssh-key', username: sshd.username, privateKey: sshd.clientKey.privateKey })).json().id);
}, 60_000);

afterAll(async () => {
  await stack.close();
  await sshd.stop();
});

describe('runs', () => {
  it('runs the steps on every host and keeps exit codes and output', async () => {
    const a = await target('ok-1', { group: 'basic' });
    const b = await target('ok-2', { group: 'basic' });
    const jobId = await job({
      name: 'basic',
      targets: { selector: 'group=basic' },
      parameters: [{ name: 'greeting', type: 'string', default: 'hello' }],
      steps: [{ kind: 'command', content: 'echo "$OPSC_PARAM_greeting from $(hostname)"; echo oops >&2' }, { kind: 'script', interpreter: 'sh', content: 'exit 0' }],
    });

    const started = await api('POST', p(`/jobs/${jobId}/runs`), { parameters: { greeting: 'hi' } });
    expect(started.status).toBe(201);
    const run = await waitForRun(String(started.json().id));

    expect(run).toMatchObject({ status: 'succeeded', counts: { total: 2, succeeded: 2, pending: 0, running: 0 } });
    const hosts = await hostsOf(run.id);
    expect(hosts.map((h) => [h.targetId, h.status, h.exitCode])).toEqual(expect.arrayContaining([[a, 'succeeded', 0], [b, 'succeeded', 0]]));
    const out = (await outputOf(run.id, a)).toString();
    expect(out).toContain('hi from ');
    expect(out).toContain('oops');
  });
});
