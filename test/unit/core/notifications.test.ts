import { createHmac, randomBytes } from 'node:crypto';
import { createDynamoJobStore } from '../../../adapters/aws/job-store';
import { createDynamoChannelStore, createDynamoDeliveryStore, createDynamoRuleStore } from '../../../adapters/aws/notification-store';
import { createDynamoProjectStore } from '../../../adapters/aws/project-store';
import { createDynamoRunStore } from '../../../adapters/aws/run-store';
import { fixedClock } from '../../../core/clock';
import { AppError } from '../../../core/errors';
import { RunCompleted, RunStarted } from '../../../core/events/catalog';
import { createIdGenerator } from '../../../core/ids';
import { JobInput } from '../../../core/jobs/schema';
import { createJob } from '../../../core/jobs/service';
import {
  backoffMs,
  checkOverdueRuns,
  deliverRunEvent,
  httpOutcome,
  matchingRules,
  scrub,
  withRetries,
  type DeliveryDeps,
  type RetryPolicy,
  type TryOutcome,
} from '../../../core/notifications/deliver';
import { ChannelInput, RuleInput, type Rule } from '../../../core/notifications/schema';
import { createChannel, createRule, deleteChannel, getChannel, previewTemplate, testChannel, updateChannel, updateRule, type NotificationDeps } from '../../../core/notifications/service';
import { renderMessage, sampleVariables, validateTemplate } from '../../../core/notifications/template';
import type { EventEnvelope } from '../../../core/ports/event-bus';
import type { HttpPoster, MailMessage } from '../../../core/ports/notifier';
import { emptyCounts, type Run } from '../../../core/runs/schema';
import type { LocalDynamo } from '../../../local/dynamo';
import { startTestDynamo } from '../../support/dynalite';
import { admin, recordingBus, testSealer } from '../../support/fakes';

/** Each setup() starts a project of its own, so rules of one test never match another's runs. */
let projectId = 'prj_01JD0000000000000000000001';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const fastRetry: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000, timeoutMs: 1000 };

/** Posts answered from a script of statuses (or thrown network errors), recorded. */
const scriptedHttp = (script: (number | 'network')[]) => {
  const posts: { url: string; body: string; headers: Readonly<Record<string, string>> }[] = [];
  const poster: HttpPoster = {
    post: (url, body, headers) => {
      posts.push({ url, body, headers });
      const next = script.length > 1 ? script.shift() : script[0];
      if (next === 'network') return Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error(`connect ECONNREFUSED ${url}`), { code: 'ECONNREFUSED' }) }));
      return Promise.resolve({ status: next ?? 200 });
    },
  };
  return { poster, posts };
};

const setup = (opts: { http?: (number | 'network')[] } = {}) => {
  const clock = fixedClock('2026-03-01T10:00:00Z');
  const ids = createIdGenerator(clock, randomBytes);
  projectId = ids.next('prj');
  const table = { ddb: dynamo.doc, tableName: dynamo.tableName };
  const mails: MailMessage[] = [];
  const http = scriptedHttp(opts.http ?? [200]);
  const sleeps: number[] = [];
  const deps: NotificationDeps & DeliveryDeps & { runs: ReturnType<typeof createDynamoRunStore> } = {
    channels: createDynamoChannelStore(table),
    rules: createDynamoRuleStore(table),
    deliveries: createDynamoDeliveryStore(table),
    jobs: createDynamoJobStore(table),
    projects: createDynamoProjectStore(table),
    runs: createDynamoRunStore(table),
    bus: recordingBus(),
    clock,
    ids,
    random: randomBytes,
    sealer: testSealer,
    mail: {
      send: (m) => {
        mails.push(m);
        return Promise.resolve({ reference: `mail-${String(mails.length)}` });
      },
    },
    http: http.poster,
    consoleUrl: 'http://console.test',
    retry: fastRetry,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
  return { deps, clock, mails, posts: http.posts, sleeps, bus: deps.bus as ReturnType<typeof recordingBus> };
};

const channel = (deps: NotificationDeps, input: unknown) => createChannel(deps, admin, projectId, ChannelInput.parse(input));
const rule = (deps: NotificationDeps, input: unknown) => createRule(deps, admin, projectId, RuleInput.parse(input));

const newJob = async (deps: NotificationDeps) =>
  createJob({ jobs: createDynamoJobStore({ ddb: dynamo.doc, tableName: dynamo.tableName }), bus: recordingBus(), clock: deps.clock, ids: deps.ids }, admin, projectId, JobInput.parse({ name: `j-${String(Math.random())}`, steps: [{ kind: 'command', content: 'true' }] }));

const storedRun = async (deps: { runs: ReturnType<typeof createDynamoRunStore>; ids: NotificationDeps['ids'] }, jobId: string, patch: Partial<Run> = {}): Promise<Run> => {
  const run: Run = {
    id: deps.ids.next('run'),
    projectId,
    jobId,
    jobName: 'deploy',
    jobVersion: 2,
    status: 'running',
    parameters: {},
    targets: {},
    runTimeoutSeconds: 3600,
    counts: { ...emptyCounts(), total: 3 },
    createdAt: '2026-03-01T09:00:00.000Z',
    createdBy: 'alice',
    startedAt: '2026-03-01T09:00:01.000Z',
    updatedAt: '2026-03-01T09:00:01.000Z',
    version: 1,
    ...patch,
  };
  await deps.runs.create(run);
  return run;
};

let eventSeq = 0;
const completed = (run: Run, status: 'succeeded' | 'failed' | 'cancelled' | 'timed_out'): EventEnvelope => ({
  version: '0',
  id: `evt-${String(++eventSeq)}`,
  'detail-type': RunCompleted.detailType,
  source: RunCompleted.source,
  account: 'local',
  region: 'local',
  time: '2026-03-01T10:00:00Z',
  resources: [],
  detail: RunCompleted.schema.parse({
    projectId,
    actor: { type: 'system', id: 'state-machine' },
    run: { id: run.id, jobId: run.jobId, jobName: run.jobName, jobVersion: run.jobVersion },
    status,
    counts: { total: 3, succeeded: 1, failed: 2 },
    error: { code: 'MAX_ERRORS', message: 'Too many hosts failed.' },
  }),
});

describe('rule matching', () => {
  const base: Rule = {
    id: 'nrl_01JD0000000000000000000001',
    projectId,
    name: 'r',
    events: ['run.failed'],
    channelIds: [],
    template: {},
    enabled: true,
    createdAt: '',
    createdBy: '',
    updatedAt: '',
    updatedBy: '',
    version: 1,
  };
  it('matches project-wide rules for every job, job rules for theirs, enabled rules on their events only', () => {
    const projectWide = { ...base, id: 'nrl_A' };
    const forJobA = { ...base, id: 'nrl_B', jobId: 'job_A' };
    const disabled = { ...base, id: 'nrl_C', enabled: false };
    const onSuccess = { ...base, id: 'nrl_D', events: ['run.succeeded' as const] };
    const rules = [projectWide, forJobA, disabled, onSuccess];
    expect(matchingRules(rules, 'run.failed', 'job_A').map((r) => r.id)).toEqual(['nrl_A', 'nrl_B']);
    expect(matchingRules(rules, 'run.failed', 'job_B').map((r) => r.id)).toEqual(['nrl_A']);
    expect(matchingRules(rules, 'run.succeeded', 'job_B').map((r) => r.id)).toEqual(['nrl_D']);
    expect(matchingRules(rules, 'run.started', 'job_A')).toEqual([]);
  });
});

describe('templates', () => {
  const vars = sampleVariables('run.failed', 'http://console.test', { id: projectId, name: 'web' });

  it('renders the default of each event with the run, job, project, counts and the link', async () => {
    const m = await renderMessage({}, vars);
    expect(m.subject).toBe('[web] nightly-backup failed');
    expect(m.body).toContain('2 of 4 host(s) succeeded, 1 failed, 1 unreachable');
    expect(m.body).toContain(`http://console.test/projects/${projectId}/runs/run_01JD0000000000000000000000`);
  });

  it('renders a custom template; unknown variables are empty; the subject is one line', async () => {
    const m = await renderMessage({ subject: '{{ job.name | upcase }}\n{{ nothing.here }}!', body: '{% for s in run.error %}{% endfor %}{{ counts.failed }}/{{ counts.total }} {{ missing }}' }, vars);
    expect(m).toEqual({ subject: 'NIGHTLY-BACKUP !', body: '1/4 ' });
  });

  it('refuses a template that does not parse, or reaches for files', () => {
    const refused = (t: { subject?: string; body?: string }) => {
      try {
        validateTemplate(t);
      } catch (e) {
        return e instanceof AppError ? { code: e.code, details: e.details } : e;
      }
      return 'accepted';
    };
    expect(refused({ body: '{% if run.id %}unclosed' })).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'template.body' }] });
    expect(refused({ body: "{% include '/etc/passwd' %}" })).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(refused({ subject: "{% render 'x' %}" })).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'template.subject' }] });
    expect(refused({ body: '{{ run.id | no_such_filter }}' })).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(refused({ subject: 'ok {{ run.id }}', body: '{% if run.error %}{{ run.error.message }}{% endif %}' })).toBe('accepted');
  });
});

describe('retry policy', () => {
  const run = async (outcomes: TryOutcome[]) => {
    const sleeps: number[] = [];
    let tries = 0;
    const result = await withRetries(fastRetry, (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    }, () => Promise.resolve(outcomes[Math.min(tries++, outcomes.length - 1)] as TryOutcome));
    return { result, sleeps };
  };

  it('retries 5xx and network errors with doubling backoff until one succeeds', async () => {
    const { result, sleeps } = await run([httpOutcome(500), { ok: false, retryable: true, error: 'network error: ECONNRESET' }, httpOutcome(204)]);
    expect(result).toEqual({ ok: true, attempts: 3, reference: 'HTTP 204' });
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('does not retry 4xx or 3xx', async () => {
    for (const status of [400, 404, 410, 302]) {
      const { result, sleeps } = await run([httpOutcome(status), httpOutcome(200)]);
      expect(result).toEqual({ ok: false, attempts: 1, error: `the receiver answered HTTP ${String(status)}` });
      expect(sleeps).toEqual([]);
    }
  });

  it('gives up after the last try, and caps the backoff', async () => {
    const { result, sleeps } = await run([httpOutcome(503)]);
    expect(result).toEqual({ ok: false, attempts: 4, error: 'the receiver answered HTTP 503' });
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(backoffMs(fastRetry, 10)).toBe(8000);
  });

  it('scrubs secrets out of error messages', () => {
    expect(scrub('failed for https://hooks.example/T1/SECRET', ['https://hooks.example/T1/SECRET'])).toBe('failed for [redacted]');
  });
});

describe('channels and rules', () => {
  it('shows a webhook signing secret once, keeps it and Slack URLs sealed, and never answers them again', async () => {
    const { deps, bus } = setup();
    const slackUrl = 'https://hooks.slack.test/services/T000/B000/CANARYslackTOKENabcd';
    const hook = await channel(deps, { kind: 'webhook', name: 'ci', url: 'https://ci.example.com/hook' });
    expect(hook.signingSecret).toMatch(/^whsec_[0-9a-f]{64}$/);
    const slack = await channel(deps, { kind: 'slack', name: 'chat', webhookUrl: slackUrl });
    expect(slack).toMatchObject({ kind: 'slack', webhookUrlHint: 'https://hooks.slack.test/…abcd' });
    const stored = await deps.channels.get(projectId, slack.id);
    const everything = JSON.stringify([await getChannel(deps, projectId, hook.id), await getChannel(deps, projectId, slack.id), stored, bus.events]);
    expect(everything).not.toContain(String(hook.signingSecret));
    expect(everything).not.toContain('CANARYslackTOKEN');
    const rotated = await updateChannel(deps, admin, projectId, hook.id, { rotateSecret: true });
    expect(rotated.signingSecret).toMatch(/^whsec_/);
    expect(rotated.signingSecret).not.toBe(hook.signingSecret);
    await expect(updateChannel(deps, admin, projectId, hook.id, { recipients: ['a@example.com'] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(bus.events.map((e) => e.detailType)).toEqual(['Notification Channel Created', 'Notification Channel Created', 'Notification Channel Updated']);
  });

  it('checks a rule against the project: channels, job, overdue duration, template', async () => {
    const { deps } = setup();
    const mail = await channel(deps, { kind: 'email', name: 'ops', recipients: ['ops@example.com'] });
    const ghost = 'nch_01JD0000000000000000000099';
    await expect(rule(deps, { name: 'r', events: ['run.failed'], channelIds: [ghost] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'channelIds.0' }] });
    await expect(rule(deps, { name: 'r', jobId: 'job_01JD0000000000000000000099', events: ['run.failed'], channelIds: [mail.id] })).rejects.toMatchObject({ details: [{ path: 'jobId' }] });
    await expect(rule(deps, { name: 'r', events: ['run.overdue'], channelIds: [mail.id] })).rejects.toMatchObject({ details: [{ path: 'overdueAfterMinutes' }] });
    await expect(rule(deps, { name: 'r', events: ['run.failed'], channelIds: [mail.id], template: { body: '{% if %}' } })).rejects.toMatchObject({ details: [{ path: 'template.body' }] });
    const ok = await rule(deps, { name: 'r', events: ['run.failed', 'run.overdue'], overdueAfterMinutes: 30, channelIds: [mail.id] });
    // A channel a rule names cannot go; clearing the overdue duration needs run.overdue gone too.
    await expect(deleteChannel(deps, admin, projectId, mail.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(updateRule(deps, admin, projectId, ok.id, { overdueAfterMinutes: null })).rejects.toMatchObject({ details: [{ path: 'overdueAfterMinutes' }] });
    const updated = await updateRule(deps, admin, projectId, ok.id, { overdueAfterMinutes: null, events: ['run.failed'] });
    expect(updated.overdueAfterMinutes).toBeUndefined();
  });

  it('test-sends once, answers how it went, and keeps it out of the delivery log', async () => {
    const { deps, posts, sleeps } = setup({ http: [500, 200] });
    const hook = await channel(deps, { kind: 'webhook', name: 'ci {{ run.id }}', url: 'https://ci.example.com/hook' });
    const result = await testChannel(deps, projectId, hook.id);
    expect(result).toMatchObject({ status: 'failed', attempts: 1, error: 'the receiver answered HTTP 500' });
    expect(result.message.body).toContain('"ci {{ run.id }}"');
    expect(posts).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(await testChannel(deps, projectId, hook.id)).toMatchObject({ status: 'sent', attempts: 1 });
    expect((await deps.deliveries.list(projectId, { limit: 50 })).items).toEqual([]);
    await expect(testChannel(deps, projectId, 'nch_01JD0000000000000000000099')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('previews a template against a real run of the project', async () => {
    const { deps } = setup();
    const job = await newJob(deps);
    const run = await storedRun(deps, job.id, { status: 'failed', finishedAt: '2026-03-01T09:02:01.000Z', counts: { ...emptyCounts(), total: 3, succeeded: 1, failed: 2 } });
    const preview = await previewTemplate(deps, projectId, { event: 'run.failed', template: { subject: '{{ run.id }} by {{ run.startedBy }} took {{ run.durationSeconds }}s' } });
    expect(preview.subject).toBe('run_01JD0000000000000000000000 by alice took 180s');
    const real = await previewTemplate(deps, projectId, { event: 'run.failed', runId: run.id, template: { subject: '{{ run.id }} by {{ run.startedBy }} took {{ run.durationSeconds }}s, {{ counts.failed }} failed' } });
    expect(real.subject).toBe(`${run.id} by alice took 120s, 2 failed`);
    await expect(previewTemplate(deps, 'prj_01JD0000000000000000000002', { event: 'run.failed', runId: run.id, template: {} })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('delivery', () => {
  it('sends one message per channel for an event, once, however often the bus delivers it and however many rules name the channel', async () => {
    const { deps, mails, posts, clock } = setup();
    const job = await newJob(deps);
    const run = await storedRun(deps, job.id, { status: 'failed' });
    const mail = await channel(deps, { kind: 'email', name: 'ops', recipients: ['ops@example.com'] });
    const hook = await channel(deps, { kind: 'webhook', name: 'ci', url: 'https://ci.example.com/hook' });
    await rule(deps, { name: 'all failures', events: ['run.failed'], channelIds: [mail.id, hook.id] });
    // Rules are evaluated oldest first (ids sort by time): the older rule's template wins a shared channel.
    clock.advance(1000);
    await rule(deps, { name: 'this job', jobId: job.id, events: ['run.failed', 'run.succeeded'], channelIds: [mail.id], template: { subject: 'custom {{ job.name }}' } });
    await rule(deps, { name: 'successes', events: ['run.succeeded'], channelIds: [hook.id] });
    const event = completed(run, 'timed_out');
    const first = await deliverRunEvent(deps, event);
    const again = await deliverRunEvent(deps, event);
    expect(mails).toHaveLength(1);
    expect(posts).toHaveLength(1);
    expect(first.filter((o) => 'status' in o).map((o) => ('status' in o ? o.status : ''))).toEqual(['sent', 'sent']);
    expect(again.every((o) => 'skipped' in o && o.skipped === 'already-delivered')).toBe(true);
    expect(mails[0]).toMatchObject({ to: ['ops@example.com'], subject: `[${projectId}] deploy failed` });
    // The webhook is signed with the channel's secret, over the exact body.
    const secret = (await testSealer.open(hook.id, (await deps.channels.get(projectId, hook.id))?.config.kind === 'webhook' ? ((await deps.channels.get(projectId, hook.id))?.config as { sealedSecret: string }).sealedSecret : ''))
      .channelSecret;
    const post = posts[0];
    expect(post?.headers['X-OpsConductor-Timestamp']).toMatch(/^[0-9]{10}$/);
    expect(post?.headers['X-OpsConductor-Signature']).toBe(`sha256=${createHmac('sha256', String(secret)).update(`${String(post?.headers['X-OpsConductor-Timestamp'])}.${String(post?.body)}`).digest('hex')}`);
    expect(JSON.parse(String(post?.body))).toMatchObject({ event: 'run.failed', run: { id: run.id, status: 'failed' }, counts: { failed: 2 }, job: { id: job.id } });
    // A success notifies the job rule's channel and the success rule's.
    await deliverRunEvent(deps, completed(run, 'succeeded'));
    expect(mails.map((m) => m.subject)).toEqual([`[${projectId}] deploy failed`, 'custom deploy']);
    expect(posts).toHaveLength(2);
  });

  it('records a failed delivery with attempts and a message without the secret; a 4xx is not retried', async () => {
    const { deps, posts, sleeps } = setup({ http: ['network', 'network', 'network', 'network'] });
    const job = await newJob(deps);
    const run = await storedRun(deps, job.id);
    const slackUrl = 'https://hooks.slack.test/services/T1/B1/CANARYslack';
    const slack = await channel(deps, { kind: 'slack', name: 'chat', webhookUrl: slackUrl });
    await rule(deps, { name: 'r', jobId: job.id, events: ['run.cancelled'], channelIds: [slack.id] });
    const [outcome] = await deliverRunEvent(deps, completed(run, 'cancelled'));
    expect(outcome).toMatchObject({ status: 'failed', attempts: 4, error: 'network error: ECONNREFUSED', channelKind: 'slack', runId: run.id });
    expect(posts).toHaveLength(4);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    const log = await deps.deliveries.list(projectId, { limit: 50, runId: run.id });
    expect(log.items).toHaveLength(1);
    expect(JSON.stringify(log)).not.toContain('CANARYslack');

    const refused = setup({ http: [404, 200] });
    const job2 = await newJob(refused.deps);
    const run2 = await storedRun(refused.deps, job2.id);
    const hook = await channel(refused.deps, { kind: 'webhook', name: 'gone', url: 'https://ci.example.com/gone' });
    await rule(refused.deps, { name: 'r2', jobId: job2.id, events: ['run.cancelled'], channelIds: [hook.id] });
    const outcomes = await deliverRunEvent(refused.deps, completed(run2, 'cancelled'));
    expect(outcomes.find((o) => 'channelId' in o && o.channelId === hook.id)).toMatchObject({ status: 'failed', attempts: 1, error: 'the receiver answered HTTP 404' });
    expect(refused.sleeps).toEqual([]);
  });

  it('notifies run.started from Run Started, and a run overdue once per rule however often the check runs', async () => {
    const { deps, clock, mails } = setup();
    const job = await newJob(deps);
    const run = await storedRun(deps, job.id, { startedAt: clock.now().toISOString() });
    const mail = await channel(deps, { kind: 'email', name: 'ops', recipients: ['ops@example.com'] });
    await rule(deps, { name: 'slow', jobId: job.id, events: ['run.started', 'run.overdue'], overdueAfterMinutes: 30, channelIds: [mail.id] });
    await deliverRunEvent(deps, {
      version: '0',
      id: `evt-start-${run.id}`,
      'detail-type': RunStarted.detailType,
      source: RunStarted.source,
      account: 'local',
      region: 'local',
      time: clock.now().toISOString(),
      resources: [],
      detail: { projectId, actor: { type: 'system', id: 'state-machine' }, run: { id: run.id, jobId: job.id, jobName: 'deploy', jobVersion: 2 }, hosts: 3 },
    });
    expect(mails.map((m) => m.text)).toEqual([expect.stringContaining('started on 3 host(s), by alice')]);
    clock.advance(29 * 60_000);
    await checkOverdueRuns(deps);
    expect(mails).toHaveLength(1);
    clock.advance(2 * 60_000);
    await checkOverdueRuns(deps);
    clock.advance(5 * 60_000);
    await checkOverdueRuns(deps);
    expect(mails).toHaveLength(2);
    expect(mails[1]).toMatchObject({ subject: `[${projectId}] deploy is overdue` });
    expect(mails[1]?.text).toContain('has been running for 31 minutes (overdue after 30)');
  });
});
