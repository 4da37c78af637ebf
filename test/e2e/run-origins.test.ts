import { rmSync } from 'node:fs';
import { signWebhook } from '../../core/triggers/webhook';
import { ADMIN } from '../support/in-process-stack';
import { creator, request, signIn } from '../support/http';
import { startLocalStack, type StartedStack } from '../support/local-stack';
import { startWebhookReceiver } from '../support/notification-receivers';
import { startTestSshd, type TestSshd } from '../support/sshd';

/**
 * Issue #8's "done when", through `npm start` as a user runs it: a run started by a schedule, one
 * started by an outside system (a signed webhook) and one started from the API each show in the
 * audit trail under who started it, and each sends the notification its rule asks for; then the
 * same again after the product is stopped and started on the same data folder.
 */
jest.setTimeout(240_000);

type AuditItem = { action: string; actor: { type: string; id: string; name?: string }; resourceIds: string[] };
type Run = { id: string; status: string; jobId: string };

let sshd: TestSshd;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let stack: StartedStack | undefined;

beforeAll(async () => {
  sshd = await startTestSshd();
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  if (stack) {
    await stack.kill();
    rmSync(stack.dataDir, { recursive: true, force: true });
  }
  await receiver.close();
  await sshd.stop();
});

const waitFor = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

const start = (dataDir?: string) =>
  startLocalStack({
    ...(dataDir === undefined ? {} : { dataDir }),
    env: { OPSC_SKIP_WEB_BUILD: '1', OPSC_ADMIN_EMAIL: ADMIN.email, OPSC_ADMIN_PASSWORD: ADMIN.password },
  });

describe('a run from a schedule, from an outside event and from the API', () => {
  it('each is audited under its starter and notified, before and after a restart', async () => {
    stack = await start();
    let base = stack.baseUrl;
    let token = await signIn(base, ADMIN.email, ADMIN.password);
    const api = (method: string, path: string, body?: unknown) => request(base, method, path, { token, ...(body === undefined ? {} : { body }) });
    const post = (path: string, body: unknown) => creator(base, token)(path, body);

    const projectId = await post('/v1/projects', { name: 'origins' });
    const p = (s: string) => `/v1/projects/${projectId}${s}`;
    const credentialId = await post(p('/credentials'), { name: 'key', kind: 'ssh-key', username: sshd.username, privateKey: sshd.clientKey.privateKey });
    await post(p('/targets'), { name: 'h1', address: '127.0.0.1', port: sshd.port, protocol: 'ssh', credentialId, tags: { role: 'web' }, hostKeyFingerprint: sshd.hostKeyFingerprint });
    const jobId = await post(p('/jobs'), {
      name: 'deploy',
      targets: { selector: 'role=web' },
      parameters: [{ name: 'version', type: 'string', default: 'scheduled' }],
      steps: [{ kind: 'command', content: 'echo "deploying $OPSC_PARAM_version"' }],
    });
    const channel = await request(base, 'POST', p('/notification-channels'), { token, body: { kind: 'webhook', name: 'ci', url: `${receiver.url}/runs` } });
    expect(channel.status).toBe(201);
    const channelId = String(channel.json().id);
    await post(p('/notification-rules'), { name: 'done', events: ['run.succeeded'], channelIds: [channelId] });
    const triggerCreated = await api('POST', p('/triggers'), { name: 'ci-hook', jobId, webhook: { enabled: true }, inputMapping: { version: '$.detail.body.version' } });
    expect(triggerCreated.status).toBe(201);
    const trigger = triggerCreated.json() as { id: string; webhookSecret: string };
    // A rate schedule fires at its start plus whole periods: starting it 58 s ago makes it fire in about 2 s.
    const soon = () => new Date(Date.now() - 58_000).toISOString();
    const scheduleId = await post(p('/schedules'), { name: 'every minute', jobId, expression: 'rate(1 minute)', startAt: soon(), overlap: 'allow' });

    /** Starts one run each way and answers their ids once all three have succeeded. */
    const startThree = async (round: number, known: ReadonlySet<string>) => {
      const fromApi = await api('POST', p(`/jobs/${jobId}/runs`), { parameters: { version: `api-${String(round)}` } });
      expect(fromApi.status).toBe(201);
      const body = JSON.stringify({ version: `hook-${String(round)}` });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const hooked = await request(base, 'POST', `/v1/hooks/${trigger.id}`, {
        rawBody: body,
        headers: {
          'Content-Type': 'application/json',
          'X-OpsConductor-Timestamp': timestamp,
          'X-OpsConductor-Delivery': `build-${String(round)}`,
          'X-OpsConductor-Signature': signWebhook(trigger.webhookSecret, timestamp, body),
        },
      });
      expect(hooked.status).toBe(202);
      const runs = await waitFor(`round ${String(round)}: three new runs succeeded`, async () => {
        const items = ((await api('GET', p(`/runs?jobId=${jobId}`))).json().items as Run[]).filter((r) => !known.has(r.id));
        // The schedule keeps firing every minute; the first of its runs in this round is the one that counts.
        return items.length >= 3 && items.every((r) => r.status === 'succeeded') ? items : undefined;
      });
      return { apiRunId: String(fromApi.json().id), runIds: runs.map((r) => r.id) };
    };

    /** Who started each run, as the audit trail's Run Queued records say. */
    const startersOf = async (runIds: readonly string[]) => {
      const items = (await api('GET', p('/audit?action=Run%20Queued&limit=100'))).json().items as AuditItem[];
      return runIds.map((id) => items.find((i) => i.resourceIds.includes(id))?.actor.name);
    };

    const notifiedRuns = () => receiver.hitsOf('/runs').map((h) => (JSON.parse(h.body) as { run: { id: string } }).run.id);

    const checkRound = async (round: number, known: Set<string>) => {
      const { apiRunId, runIds } = await startThree(round, known);
      const starters = await waitFor(`round ${String(round)}: the audit trail has every run`, async () => {
        const s = await startersOf(runIds);
        return s.every((x) => x !== undefined) ? s : undefined;
      });
      expect(starters).toEqual(expect.arrayContaining([`trigger:${trigger.id}`, `schedule:${scheduleId}`]));
      // The API's run is the signed-in admin's.
      expect(starters[runIds.indexOf(apiRunId)]).toMatch(/^admin/);
      await waitFor(`round ${String(round)}: a notification for every run`, () => Promise.resolve(runIds.every((id) => notifiedRuns().includes(id)) ? true : undefined));
      for (const id of runIds) known.add(id);
    };

    const known = new Set<string>();
    await checkRound(1, known);

    // Stop the product, start it again on the same data folder, and do it all again.
    await stack.kill();
    stack = await start(stack.dataDir);
    base = stack.baseUrl;
    token = await signIn(base, ADMIN.email, ADMIN.password);
    expect((await api('PATCH', p(`/schedules/${scheduleId}`), { startAt: soon() })).status).toBe(200);
    await checkRound(2, known);

    // Every notified run was notified once, across the restart.
    const notified = notifiedRuns().filter((id) => known.has(id));
    expect(new Set(notified).size).toBe(notified.length);
  });
});
