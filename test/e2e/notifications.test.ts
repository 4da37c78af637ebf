import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalDynamo } from '../../local/dynamo';
import { creator, request, signIn, type HttpResponse } from '../support/http';
import { startInProcessStack } from '../support/in-process-stack';
import { startLocalStack, type StartedStack } from '../support/local-stack';
import { startSmtpCatcher, startWebhookReceiver } from '../support/notification-receivers';
import { freePort } from '../support/sshd';

/**
 * Notifications end to end: a run that fails (its only host does not answer) notifies an email
 * channel, a signed webhook and a Slack webhook through the stack's own bus consumer. With an SMTP
 * relay configured (`npm start` as a child process, logging at DEBUG) the mail goes to a catcher
 * that requires the planted password; without one it lands as an .eml file in the outbox. The
 * planted secrets (SMTP password, Slack URL, webhook signing secret) appear in no response, log
 * line, event, audit record, delivery log entry or stored file.
 */
jest.setTimeout(180_000);

const SMTP_PASSWORD = 'CANARY-smtp-Pw-5t7y!';
const SLACK_PATH = '/services/T0CANARY/B0CANARY/CANARYslackToken7';
const ADMIN = { email: 'root@example.com', password: 'CANARY-root-Pw-1x9c!' };

let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
let closedPort: number;

const waitFor = async <T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 90_000): Promise<T> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
};

beforeAll(async () => {
  smtp = await startSmtpCatcher({ password: SMTP_PASSWORD });
  // The webhook fails once with a 500, then accepts: the delivery is retried.
  receiver = await startWebhookReceiver();
  receiver.script('/hook', [500, 200]);
  closedPort = await freePort();
});

afterAll(async () => {
  await smtp.close();
  await receiver.close();
});

/** A job whose one host refuses connections: every run of it fails. */
const failingJob = async (post: ReturnType<typeof creator>, projectId: string) => {
  const credentialId = await post(`/v1/projects/${projectId}/credentials`, { name: 'pw', kind: 'ssh-password', username: 'ops', password: 'not-a-canary' });
  const targetId = await post(`/v1/projects/${projectId}/targets`, { name: 'down', address: '127.0.0.1', port: closedPort, protocol: 'ssh', credentialId });
  return post(`/v1/projects/${projectId}/jobs`, { name: 'deploy', targets: { targetIds: [targetId] }, steps: [{ kind: 'command', content: 'true' }] });
};

type Deliveries = { items: { status: string; attempts: number; channelKind: string; runId: string; error?: string }[] };

describe('notifications', () => {
  let stack: StartedStack;
  afterAll(async () => {
    await stack.kill();
    rmSync(stack.dataDir, { recursive: true, force: true });
  });

  it('a failed run mails through SMTP and calls the webhook (retried) and Slack; no planted secret leaks anywhere', async () => {
    stack = await startLocalStack({
      env: {
        OPSC_SKIP_WEB_BUILD: '1',
        LOG_LEVEL: 'DEBUG',
        OPSC_ADMIN_EMAIL: ADMIN.email,
        OPSC_ADMIN_PASSWORD: ADMIN.password,
        OPSC_SMTP_HOST: '127.0.0.1',
        OPSC_SMTP_PORT: String(smtp.port),
        OPSC_SMTP_USER: 'relay',
        OPSC_SMTP_PASSWORD: SMTP_PASSWORD,
        OPSC_MAIL_FROM: 'OpsConductor <ops@example.com>',
      },
    });
    const base = stack.baseUrl;
    const token = await signIn(base, ADMIN.email, ADMIN.password);
    const post = creator(base, token);
    const responses: HttpResponse[] = [];
    const api = async (method: string, p: string, body?: unknown) => {
      const r = await request(base, method, p, { token, ...(body === undefined ? {} : { body }) });
      responses.push(r);
      return r;
    };
    const projectId = await post('/v1/projects', { name: 'notify' });
    const p = (s: string) => `/v1/projects/${projectId}${s}`;
    const jobId = await failingJob(post, projectId);

    const email = await post(p('/notification-channels'), { kind: 'email', name: 'oncall', recipients: ['oncall@example.com'] });
    // One-time response: kept apart from `responses`.
    const webhookCreated = await request(base, 'POST', p('/notification-channels'), { token, body: { kind: 'webhook', name: 'ci', url: `${receiver.url}/hook` } });
    expect(webhookCreated.status).toBe(201);
    const webhook = webhookCreated.json() as { id: string; signingSecret: string };
    const slack = await api('POST', p('/notification-channels'), { kind: 'slack', name: 'chat', webhookUrl: `${receiver.url}${SLACK_PATH}` });
    expect(slack.json()).toMatchObject({ kind: 'slack', webhookUrlHint: expect.stringMatching(/…ken7$/) as unknown });
    const canaries = [SMTP_PASSWORD, 'CANARYslackToken', webhook.signingSecret, webhook.signingSecret.slice(6)];

    // A bad rule is a 400, not a 500.
    expect((await api('POST', p('/notification-rules'), { name: 'bad', events: ['run.exploded'], channelIds: [email] })).status).toBe(400);
    expect((await api('POST', p('/notification-rules'), { name: 'bad', events: ['run.failed'], channelIds: [email], template: { body: '{% if %}' } })).status).toBe(400);
    const rule = await api('POST', p('/notification-rules'), {
      name: 'failures',
      events: ['run.failed'],
      channelIds: [email, webhook.id, String(slack.json().id)],
      template: { subject: '{{ job.name }} {{ run.status }} in {{ project.name }}' },
    });
    expect(rule.status).toBe(201);
    const preview = await api('POST', p('/notification-templates/preview'), { event: 'run.failed', template: { subject: '{{ job.name }}: {{ counts.failed }} failed' } });
    expect(preview.json()).toMatchObject({ subject: 'nightly-backup: 1 failed' });

    // Test send: the answer says how it went.
    const tested = await api('POST', p(`/notification-channels/${String(slack.json().id)}/test`));
    expect(tested.json()).toMatchObject({ status: 'sent', attempts: 1 });

    const run = await api('POST', p(`/jobs/${jobId}/runs`), {});
    expect(run.status).toBe(201);
    const runId = String(run.json().id);
    const done = await waitFor('the run to fail', async () => {
      const r = (await api('GET', p(`/runs/${runId}`))).json() as { status: string };
      return ['succeeded', 'failed', 'cancelled', 'timed_out'].includes(r.status) ? r : undefined;
    });
    expect(done.status).toBe('failed');
    const deliveries = await waitFor('three deliveries to finish', async () => {
      const d = (await api('GET', p(`/notification-deliveries?runId=${runId}`))).json() as Deliveries;
      return d.items.length === 3 && d.items.every((i) => i.status !== 'pending') ? d : undefined;
    });
    expect(deliveries.items.map((i) => [i.channelKind, i.status, i.attempts]).sort()).toEqual([
      ['email', 'sent', 1],
      ['slack', 'sent', 1],
      ['webhook', 'sent', 2],
    ]);

    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]?.to).toEqual(['oncall@example.com']);
    expect(smtp.mails[0]?.data).toContain('Subject: deploy failed in notify');
    expect(smtp.mails[0]?.data).toContain(`${base}/projects/${projectId}/runs/${runId}`);
    const hookHits = receiver.hitsOf('/hook');
    expect(hookHits).toHaveLength(2);
    const last = hookHits[1];
    expect(last?.headers['x-opsconductor-signature']).toBe(`sha256=${createHmac('sha256', webhook.signingSecret).update(`${String(last?.headers['x-opsconductor-timestamp'])}.${String(last?.body)}`).digest('hex')}`);
    expect(JSON.parse(String(last?.body))).toMatchObject({ event: 'run.failed', run: { id: runId, status: 'failed' }, job: { id: jobId, name: 'deploy' } });
    expect(receiver.hitsOf(SLACK_PATH)).toHaveLength(2);

    // Every read the API offers, and the audit trail of the changes.
    await api('GET', p('/notification-channels'));
    await api('GET', p(`/notification-channels/${webhook.id}`));
    await api('GET', p(`/notification-channels/${String(slack.json().id)}`));
    await api('GET', p('/notification-rules'));
    await api('GET', p('/notification-deliveries'));
    const audit = await waitFor('the audit records', async () => {
      const a = await api('GET', p('/audit'));
      return a.text.includes('Notification Rule Created') && a.text.includes('Notification Channel Created') ? a : undefined;
    });
    expect(audit.status).toBe(200);
    const exported = await api('GET', p('/audit/export?format=jsonl'));
    expect(exported.status).toBe(200);
    for (const r of responses) for (const c of canaries) expect(r.text).not.toContain(c);

    await stack.kill();
    const output = stack.output();
    expect(output).toContain('event detail');
    expect(output).toContain('notifications');
    for (const c of canaries) expect(output).not.toContain(c);
    const dynamo = await startLocalDynamo({ path: path.join(stack.dataDir, 'dynamo') });
    try {
      const dump = JSON.stringify((await dynamo.doc.send(new ScanCommand({ TableName: dynamo.tableName }))).Items);
      expect(dump).toContain('sealedSecret');
      for (const c of canaries) expect(dump).not.toContain(c);
    } finally {
      await dynamo.close();
    }
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const full = path.join(dir, f);
        return statSync(full).isDirectory() ? files(full) : [full];
      });
    for (const file of files(stack.dataDir)) {
      const content = readFileSync(file).toString('latin1');
      for (const c of canaries) expect(content).not.toContain(c);
    }
  });

  it('without an SMTP relay, a failed run leaves the mail as an .eml file in the outbox', async () => {
    const local = await startInProcessStack();
    try {
      const post = creator(local.url, local.adminToken);
      const projectId = await post('/v1/projects', { name: 'outbox' });
      const jobId = await failingJob(post, projectId);
      const email = await post(`/v1/projects/${projectId}/notification-channels`, { kind: 'email', name: 'oncall', recipients: ['oncall@example.com'] });
      await post(`/v1/projects/${projectId}/notification-rules`, { name: 'deploy failures', jobId, events: ['run.failed', 'run.succeeded'], channelIds: [email] });
      const runId = await post(`/v1/projects/${projectId}/jobs/${jobId}/runs`, {});
      const outbox = path.join(local.dataDir, 'outbox');
      const eml = await waitFor('the .eml file', () => {
        try {
          const [file] = readdirSync(outbox);
          return Promise.resolve(file === undefined ? undefined : readFileSync(path.join(outbox, file), 'utf8').replace(/=\r?\n/g, ''));
        } catch {
          return Promise.resolve(undefined);
        }
      });
      expect(eml).toMatch(/^To: oncall@example\.com$/m);
      expect(eml).toMatch(/^Subject: \[outbox\] deploy failed$/m);
      expect(eml).toContain(`/projects/${projectId}/runs/${runId}`);
      const log = (await request(local.url, 'GET', `/v1/projects/${projectId}/notification-deliveries`, { token: local.adminToken })).json() as Deliveries;
      expect(log.items).toEqual([expect.objectContaining({ status: 'sent', attempts: 1, channelKind: 'email', runId })]);
    } finally {
      await local.close();
    }
  });
});
