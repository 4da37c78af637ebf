import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fetchHttpPoster } from '../../adapters/http/fetch-poster';
import { createLocalMailTransport } from '../../adapters/local/mail';
import { fixedClock } from '../../core/clock';
import { CHANNEL_SECRET_FIELD, sendToChannel, type RetryPolicy } from '../../core/notifications/deliver';
import type { Channel } from '../../core/notifications/schema';
import { renderMessage, sampleVariables } from '../../core/notifications/template';
import { testSealer } from '../support/fakes';
import { startSmtpCatcher, startWebhookReceiver } from '../support/notification-receivers';
import { freePort } from '../support/sshd';

/**
 * The senders against real receivers on loopback: an SMTP server (smtp-server) that requires a
 * login, a node:http webhook receiver that answers from a script, and the outbox folder. Retries
 * use short waits; what is retried and what is not is the policy's, unchanged.
 */
const retry: RetryPolicy = { attempts: 4, baseDelayMs: 20, maxDelayMs: 100, timeoutMs: 2000 };
const SMTP_PASSWORD = 'CANARY-smtp-pa55word';
const projectId = 'prj_01JD0000000000000000000001';
const vars = sampleVariables('run.failed', 'http://127.0.0.1:3000', { id: projectId, name: 'web' });

let smtp: Awaited<ReturnType<typeof startSmtpCatcher>>;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  smtp = await startSmtpCatcher({ password: SMTP_PASSWORD, refuseDomain: 'refused.example' });
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await smtp.close();
  await receiver.close();
});

const channelOf = async (id: string, config: { kind: 'email'; recipients: string[] } | { kind: 'webhook'; url: string; secret: string } | { kind: 'slack'; url: string }): Promise<Channel> => ({
  id,
  projectId,
  name: id,
  enabled: true,
  config:
    config.kind === 'email'
      ? config
      : config.kind === 'webhook'
        ? { kind: 'webhook', url: config.url, sealedSecret: await testSealer.seal(id, { [CHANNEL_SECRET_FIELD]: config.secret }) }
        : { kind: 'slack', sealedUrl: await testSealer.seal(id, { [CHANNEL_SECRET_FIELD]: config.url }), urlHint: 'hint' },
  createdAt: '',
  createdBy: '',
  updatedAt: '',
  updatedBy: '',
  version: 1,
});

const deps = (mail = createLocalMailTransport({ dataDir: tmpdir() })) => ({ sealer: testSealer, mail, http: fetchHttpPoster, clock: fixedClock('2026-03-01T10:00:00Z'), retry });

describe('email', () => {
  it('sends through an SMTP relay with a login, and a 5xx refusal is final', async () => {
    const mail = createLocalMailTransport({ dataDir: tmpdir(), from: 'OpsConductor <ops@example.com>', smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'relay', password: SMTP_PASSWORD } });
    const message = await renderMessage({}, vars);
    const channel = await channelOf('nch_01JD0000000000000000000001', { kind: 'email', recipients: ['oncall@example.com', 'lead@example.com'] });
    const sent = await sendToChannel(deps(mail), channel, 'd1', vars, message);
    expect(sent).toMatchObject({ ok: true, attempts: 1 });
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]).toMatchObject({ from: 'ops@example.com', to: ['oncall@example.com', 'lead@example.com'] });
    expect(smtp.mails[0]?.data).toContain('Subject: [web] nightly-backup failed');
    expect(smtp.mails[0]?.data).toContain('2 of 4 host(s) succeeded');
    expect(smtp.logins).toEqual([{ username: 'relay', password: SMTP_PASSWORD }]);

    const refused = await sendToChannel(deps(mail), await channelOf('nch_01JD0000000000000000000002', { kind: 'email', recipients: ['nobody@refused.example'] }), 'd2', vars, message);
    expect(refused).toEqual({ ok: false, attempts: 1, error: 'mail not accepted: SMTP 550' });
    expect(JSON.stringify(refused)).not.toContain(SMTP_PASSWORD);
  });

  it('with a wrong password, fails without quoting it', async () => {
    const mail = createLocalMailTransport({ dataDir: tmpdir(), smtp: { host: '127.0.0.1', port: smtp.port, secure: false, user: 'relay', password: 'CANARY-wrong-pass' } });
    const result = await sendToChannel({ ...deps(mail), retry: { ...retry, attempts: 1 } }, await channelOf('nch_01JD0000000000000000000003', { kind: 'email', recipients: ['a@example.com'] }), 'd3', vars, await renderMessage({}, vars));
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^mail not accepted: /);
    expect(JSON.stringify(result)).not.toContain('CANARY-wrong-pass');
  });

  it('without a relay, writes an .eml file to the outbox', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'opsc-outbox-'));
    try {
      const mail = createLocalMailTransport({ dataDir });
      const result = await sendToChannel(deps(mail), await channelOf('nch_01JD0000000000000000000004', { kind: 'email', recipients: ['oncall@example.com'] }), 'd4', vars, await renderMessage({}, vars));
      expect(result).toMatchObject({ ok: true, attempts: 1, reference: expect.stringMatching(/^outbox\/.+\.eml$/) as unknown });
      const files = readdirSync(path.join(dataDir, 'outbox'));
      expect(files).toHaveLength(1);
      const eml = readFileSync(path.join(dataDir, 'outbox', String(files[0])), 'utf8');
      expect(eml).toMatch(/^To: oncall@example\.com$/m);
      expect(eml).toMatch(/^Subject: \[web\] nightly-backup failed$/m);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('webhook and Slack', () => {
  it('retries a webhook that answers 500 until it answers 200, with the same signed body each time', async () => {
    receiver.script('/flaky', [500, 500, 200]);
    const secret = 'whsec_CANARY0123456789';
    const channel = await channelOf('nch_01JD0000000000000000000005', { kind: 'webhook', url: `${receiver.url}/flaky`, secret });
    const result = await sendToChannel(deps(), channel, 'evt_1:nch_5', vars, await renderMessage({}, vars));
    expect(result).toEqual({ ok: true, attempts: 3, reference: 'HTTP 200' });
    const got = receiver.hitsOf('/flaky');
    expect(got).toHaveLength(3);
    for (const hit of got) {
      expect(hit.headers['content-type']).toBe('application/json');
      expect(hit.headers['x-opsconductor-delivery']).toBe('evt_1:nch_5');
      expect(hit.headers['x-opsconductor-event']).toBe('run.failed');
      expect(hit.headers['x-opsconductor-signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${String(hit.headers['x-opsconductor-timestamp'])}.${hit.body}`).digest('hex')}`);
      expect(hit.body).not.toContain(secret);
    }
    expect(JSON.parse(String(got[0]?.body))).toMatchObject({ event: 'run.failed', project: { name: 'web' }, message: { subject: '[web] nightly-backup failed' } });
  });

  it('does not retry a 4xx, and gives up on a receiver that keeps failing', async () => {
    receiver.script('/gone', [410]);
    const gone = await sendToChannel(deps(), await channelOf('nch_01JD0000000000000000000006', { kind: 'webhook', url: `${receiver.url}/gone`, secret: 'whsec_x1234' }), 'd6', vars, await renderMessage({}, vars));
    expect(gone).toEqual({ ok: false, attempts: 1, error: 'the receiver answered HTTP 410' });
    expect(receiver.hitsOf('/gone')).toHaveLength(1);
    receiver.script('/down', [503]);
    const down = await sendToChannel(deps(), await channelOf('nch_01JD0000000000000000000007', { kind: 'webhook', url: `${receiver.url}/down`, secret: 'whsec_x1234' }), 'd7', vars, await renderMessage({}, vars));
    expect(down).toEqual({ ok: false, attempts: 4, error: 'the receiver answered HTTP 503' });
  });

  it('posts Slack text to the incoming webhook, and a network failure never quotes the URL', async () => {
    const slackPath = '/services/T0/B0/CANARYslackSECRET';
    const sent = await sendToChannel(deps(), await channelOf('nch_01JD0000000000000000000008', { kind: 'slack', url: `${receiver.url}${slackPath}` }), 'd8', vars, await renderMessage({}, vars));
    expect(sent).toMatchObject({ ok: true, attempts: 1 });
    const [hit] = receiver.hitsOf(slackPath);
    expect(JSON.parse(String(hit?.body))).toEqual({ text: expect.stringContaining('*[web] nightly-backup failed*\nRun ') as unknown });
    // A port that was just free: nothing listens there.
    const closedPort = await freePort();
    const unreachable = await sendToChannel(deps(), await channelOf('nch_01JD0000000000000000000009', { kind: 'slack', url: `http://127.0.0.1:${String(closedPort)}${slackPath}` }), 'd9', vars, await renderMessage({}, vars));
    expect(unreachable).toEqual({ ok: false, attempts: 4, error: 'network error: ECONNREFUSED' });
    expect(JSON.stringify(unreachable)).not.toContain('CANARYslack');
  });
});
