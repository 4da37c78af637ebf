import { signWebhook } from '../../core/triggers/webhook';
import { request } from '../support/http';
import { startInProcessStack } from '../support/in-process-stack';
import { startTestSshd, type TestSshd } from '../support/sshd';

/**
 * Triggers end to end: a signed webhook becomes a Webhook Received event on the local bus, the
 * trigger's own rule matches it and starts a run with the mapped parameter, which the runner
 * executes over SSH on a real sshd. A bad signature is refused and starts nothing.
 */
jest.setTimeout(120_000);

let stack: Awaited<ReturnType<typeof startInProcessStack>>;
let sshd: TestSshd;
let projectId: string;
let jobId: string;

const api = (method: string, path: string, body?: unknown) => request(stack.url, method, path, { token: stack.adminToken, ...(body === undefined ? {} : { body }) });
const p = (path: string) => `/v1/projects/${projectId}${path}`;
const now = () => String(Math.floor(Date.now() / 1000));
/** A webhook call as a sender makes it: timestamp and delivery headers, the signature over "<timestamp>.<body>". */
const hook = (triggerId: string, raw: string, signature: string | undefined, { timestamp = now(), deliveryId = 'delivery-1' } = {}) =>
  request(stack.url, 'POST', `/v1/hooks/${triggerId}`, {
    rawBody: raw,
    headers: {
      'Content-Type': 'application/json',
      'X-OpsConductor-Timestamp': timestamp,
      'X-OpsConductor-Delivery': deliveryId,
      ...(signature === undefined ? {} : { 'X-OpsConductor-Signature': signature }),
    },
  });

const runsOfJob = async () => ((await api('GET', p('/runs'))).json().items as { id: string; jobId: string }[]).filter((r) => r.jobId === jobId);

const waitFor = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  sshd = await startTestSshd();
  stack = await startInProcessStack();
  projectId = String((await api('POST', '/v1/projects', { name: 'triggers' })).json().id);
  const credentialId = String((await api('POST', p('/credentials'), { name: 'key', kind: 'ssh-key', username: sshd.username, privateKey: sshd.clientKey.privateKey })).json().id);
  const target = await api('POST', p('/targets'), { name: 'h1', address: '127.0.0.1', port: sshd.port, protocol: 'ssh', credentialId, tags: { role: 'web' }, hostKeyFingerprint: sshd.hostKeyFingerprint });
  expect(target.status).toBe(201);
  const job = await api('POST', p('/jobs'), {
    name: 'deploy',
    targets: { selector: 'role=web' },
    parameters: [{ name: 'version', type: 'string', required: true }],
    steps: [{ kind: 'command', content: 'echo "deploying $OPSC_PARAM_version"' }],
  });
  expect(job.status).toBe(201);
  jobId = String(job.json().id);
}, 60_000);

afterAll(async () => {
  await stack.close();
  await sshd.stop();
});

describe('triggers', () => {
  it('answers for an event pattern what an event would start, without starting it', async () => {
    const created = await api('POST', p('/triggers'), {
      name: 'ci',
      jobId,
      pattern: '{"source":["com.example.ci"],"detail-type":["Deploy Requested"]}',
      inputMapping: { version: '$.detail.version' },
    });
    expect(created.status).toBe(201);
    const id = String(created.json().id);
    const tested = await api('POST', p(`/triggers/${id}/test`), { event: { source: 'com.example.ci', 'detail-type': 'Deploy Requested', detail: { version: '1.0.0' } } });
    expect(tested.json()).toEqual({ match: true, parameters: { version: '1.0.0' } });
    const other = await api('POST', p(`/triggers/${id}/test`), { event: { source: 'com.example.ci', 'detail-type': 'Build Finished', detail: {} } });
    expect(other.json()).toEqual({ match: false });
    expect((await runsOfJob()).length).toBe(0);
    expect((await api('DELETE', p(`/triggers/${id}`))).status).toBe(204);
  });

  it('starts a run with the mapped parameter from a signed webhook, once per delivery; refuses a bad signature or a stale call', async () => {
    const created = await api('POST', p('/triggers'), { name: 'deploy-hook', jobId, webhook: { enabled: true }, inputMapping: { version: '$.detail.body.version' } });
    expect(created.status).toBe(201);
    const trigger = created.json() as { id: string; webhookSecret: string; webhook: Record<string, unknown> };
    expect(trigger.webhookSecret).toMatch(/^whsec_/);
    expect(trigger.webhook).toEqual({ enabled: true, hasSecret: true, url: `/v1/hooks/${trigger.id}` });
    expect((await api('GET', p(`/triggers/${trigger.id}`))).text).not.toContain(trigger.webhookSecret);

    const body = JSON.stringify({ type: 'Deploy Requested', version: '4.2.0' });
    const stale = String(Number(now()) - 600);
    const refusals = [
      await hook(trigger.id, body, undefined),
      await hook(trigger.id, body, 'sha256=deadbeef'),
      await hook(trigger.id, body, signWebhook('whsec_wrong', now(), body)),
      // Correctly signed ten minutes ago: a captured call replayed too late.
      await hook(trigger.id, body, signWebhook(trigger.webhookSecret, stale, body), { timestamp: stale }),
      // Unknown trigger.
      await hook('trg_01JD0000000000000000000009', body, signWebhook(trigger.webhookSecret, now(), body)),
    ];
    // One answer for every refusal, so none of them tells a prober more than another.
    expect(refusals.map((r) => [r.status, r.json()])).toEqual(refusals.map(() => [401, { error: expect.objectContaining({ code: 'UNAUTHORIZED' }) as unknown }]));
    expect(new Set(refusals.map((r) => r.text.replace(/"requestId":"[^"]*"/, ''))).size).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await runsOfJob()).toEqual([]);

    const signedAt = now();
    const accepted = await hook(trigger.id, body, signWebhook(trigger.webhookSecret, signedAt, body), { timestamp: signedAt, deliveryId: 'ci-build-77' });
    expect(accepted.status).toBe(202);
    // The same call resent (a retry, or a replay within the window): answered as accepted, and nothing is published again.
    const resent = await hook(trigger.id, body, signWebhook(trigger.webhookSecret, signedAt, body), { timestamp: signedAt, deliveryId: 'ci-build-77' });
    expect(resent.status).toBe(202);
    const [run] = await waitFor('the triggered run', async () => {
      const runs = await runsOfJob();
      return runs.length > 0 ? runs : undefined;
    });
    const done = await waitFor('the run to finish', async () => {
      const r = (await api('GET', p(`/runs/${String(run?.id)}`))).json() as { status: string; parameters: Record<string, unknown> };
      return ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(r.status) ? r : undefined;
    });
    expect(done).toMatchObject({ status: 'succeeded', parameters: { version: '4.2.0' } });
    // No loop, no second run for the resent delivery: the trigger's own Trigger Fired and Run events started nothing more.
    await new Promise((r) => setTimeout(r, 500));
    expect(await runsOfJob()).toHaveLength(1);
  });
});
