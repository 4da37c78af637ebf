import { createHmac, randomBytes } from 'node:crypto';
import { createDynamoJobStore } from '../../../adapters/aws/job-store';
import { createDynamoRunStore } from '../../../adapters/aws/run-store';
import { createDynamoTriggerStore } from '../../../adapters/aws/trigger-store';
import { createLocalEventBus } from '../../../adapters/local/event-bus';
import { fixedClock } from '../../../core/clock';
import { AppError } from '../../../core/errors';
import { JobCreated } from '../../../core/events/catalog';
import { createIdGenerator } from '../../../core/ids';
import { JobInput } from '../../../core/jobs/schema';
import { createJob } from '../../../core/jobs/service';
import { eventOf, type EventEnvelope } from '../../../core/ports/event-bus';
import { runIdFor } from '../../../core/runs/service';
import { causedBy, fireTrigger, occurrenceOf, triggerIdempotencyKey, triggerParameters, type TriggerFireDeps } from '../../../core/triggers/fire';
import { TriggerInput, TriggerPatch } from '../../../core/triggers/schema';
import { createTrigger, deleteTrigger, getTrigger, listTriggers, rotateWebhookSecret, testTrigger, updateTrigger, webhookPatternOf, type TriggerDeps } from '../../../core/triggers/service';
import { receiveWebhook, signWebhook } from '../../../core/triggers/webhook';
import type { LocalDynamo } from '../../../local/dynamo';
import { localTriggerSync } from '../../../local/triggers';
import { startTestDynamo } from '../../support/dynalite';
import { admin, quietLogger, recordingBus, testSealer } from '../../support/fakes';

const projectId = 'prj_01JD0000000000000000000001';
const targetId = 'tgt_01JD0000000000000000000001';

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startTestDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

const setup = () => {
  const clock = fixedClock('2026-03-01T00:00:30Z');
  const ids = createIdGenerator(clock, randomBytes);
  const table = { ddb: dynamo.doc, tableName: dynamo.tableName };
  const bus = recordingBus();
  const jobs = createDynamoJobStore(table);
  const runs = createDynamoRunStore(table);
  const triggers = createDynamoTriggerStore(table);
  const launched: string[] = [];
  const launcher = {
    start: (r: { runId: string }) => {
      launched.push(r.runId);
      return Promise.resolve();
    },
  };
  const synced: string[] = [];
  const triggerSync = {
    put: (t: { id: string; enabled: boolean }) => {
      synced.push(`put ${t.id} ${t.enabled ? 'enabled' : 'disabled'}`);
      return Promise.resolve();
    },
    remove: (t: { id: string }) => {
      synced.push(`remove ${t.id}`);
      return Promise.resolve();
    },
  };
  const deps: TriggerDeps & TriggerFireDeps = { triggers, jobs, runs, bus, clock, ids, launcher, sealer: testSealer, random: randomBytes, triggerSync };
  const job = (input: Record<string, unknown> = {}) =>
    createJob(deps, admin, projectId, JobInput.parse({ name: `j-${String(Math.random()).slice(2, 8)}`, steps: [{ kind: 'command', content: 'uptime' }], targets: { targetIds: [targetId] }, ...input }));
  const trigger = (input: Record<string, unknown>) => createTrigger(deps, admin, 'admin', projectId, TriggerInput.parse(input));
  return { deps, bus, launched, job, trigger, synced, triggers, runs };
};

const envelope = (detail: Record<string, unknown>, over: Partial<EventEnvelope> = {}): EventEnvelope => ({
  version: '0',
  id: `evt-${String(Math.random()).slice(2, 10)}`,
  'detail-type': 'Deploy Requested',
  source: 'com.example.ci',
  account: '000000000000',
  time: '2026-03-01T00:00:30Z',
  region: 'local',
  resources: [],
  detail,
  ...over,
});

const asEvent = (e: EventEnvelope) => e as unknown as Record<string, unknown>;
const ciPattern = '{"source":["com.example.ci"],"detail-type":["Deploy Requested"]}';
const versionJob = { parameters: [{ name: 'version', type: 'string', required: true }, { name: 'env', type: 'string', default: 'dev' }] };

const failure = async (p: Promise<unknown>): Promise<AppError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a failure');
};

describe('triggers service', () => {
  it('validates the pattern with the event pattern validator, and keeps the text as given', async () => {
    const t = setup();
    const job = await t.job(versionJob);
    const bad = await failure(t.trigger({ name: 'bad', jobId: job.id, pattern: '{"source":"com.example.ci"}', inputMapping: { version: '$.detail.version' } }));
    expect(bad).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await failure(t.trigger({ name: 'nojson', jobId: job.id, pattern: '{nope', inputMapping: { version: '$.detail.version' } }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await failure(t.trigger({ name: 'nopattern', jobId: job.id, inputMapping: { version: '$.detail.version' } }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    // Valid, but too long for an EventBridge rule once the trigger's self-exclusion is added: refused before anything is saved.
    const long = JSON.stringify({ source: ['com.example.ci'], 'detail-type': Array.from({ length: 100 }, (_, i) => `Deploy Requested ${String(i).padStart(3, '0')}`) });
    expect(long.length).toBeLessThan(4096);
    expect(await failure(t.trigger({ name: 'long', jobId: job.id, pattern: long, inputMapping: { version: '$.detail.version' } }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'The event pattern is too long.',
    });
    expect(t.synced).toEqual([]);

    const ok = await t.trigger({ name: 'ci', jobId: job.id, pattern: ciPattern, inputMapping: { version: '$.detail.version' }, parameters: { env: 'prod' } });
    expect(ok).toMatchObject({ pattern: ciPattern, enabled: true, webhook: { enabled: false, hasSecret: false }, version: 1 });
    expect(ok.id).toMatch(/^trg_/);
    expect(ok).not.toHaveProperty('webhookSecret');
    expect(t.bus.events.map((e) => e.detailType)).toContain('Trigger Created');
  });

  it('refuses unknown mapped parameters, secure parameters, jobs without targets, and unconfirmed dangerous jobs', async () => {
    const t = setup();
    const job = await t.job(versionJob);
    expect(await failure(t.trigger({ name: 'x', jobId: job.id, pattern: ciPattern, inputMapping: { nope: '$.detail.x' } }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    const secure = await t.job({ parameters: [{ name: 'token', type: 'string', secure: true }] });
    expect(await failure(t.trigger({ name: 'x', jobId: secure.id, pattern: ciPattern, inputMapping: { token: '$.detail.token' } }))).toMatchObject({ code: 'BAD_REQUEST' });
    const noTargets = await createJob(t.deps, admin, projectId, JobInput.parse({ name: 'nt', steps: [{ kind: 'command', content: 'uptime' }] }));
    expect(await failure(t.trigger({ name: 'x', jobId: noTargets.id, pattern: ciPattern }))).toMatchObject({ code: 'UNPROCESSABLE' });
    const dangerous = await t.job({ steps: [{ kind: 'command', content: 'rm -rf /' }] });
    expect(await failure(t.trigger({ name: 'x', jobId: dangerous.id, pattern: ciPattern }))).toMatchObject({ code: 'CONFIRMATION_REQUIRED' });
    expect(await failure(createTrigger(t.deps, admin, 'operator', projectId, TriggerInput.parse({ name: 'x', jobId: dangerous.id, pattern: ciPattern, confirmDangerous: true })))).toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(t.trigger({ name: 'confirmed', jobId: dangerous.id, pattern: ciPattern, confirmDangerous: true })).resolves.toMatchObject({ confirmDangerous: true });
  });

  it('tells the sync after every create, edit and delete', async () => {
    const t = setup();
    const job = await t.job();
    const tr = await t.trigger({ name: 's', jobId: job.id, pattern: ciPattern });
    await updateTrigger(t.deps, admin, 'admin', projectId, tr.id, TriggerPatch.parse({ enabled: false }));
    await deleteTrigger(t.deps, admin, projectId, tr.id);
    expect(t.synced).toEqual([`put ${tr.id} enabled`, `put ${tr.id} disabled`, `remove ${tr.id}`]);
    expect(t.bus.events.map((e) => e.detailType)).toEqual(expect.arrayContaining(['Trigger Created', 'Trigger Updated', 'Trigger Deleted']));
  });

  it('answers what an event would do: fixed parameters under mapped ones', async () => {
    const t = setup();
    const job = await t.job(versionJob);
    const tr = await t.trigger({ name: 'ci', jobId: job.id, pattern: ciPattern, inputMapping: { version: '$.detail.version', env: '$.detail.env' }, parameters: { env: 'prod' } });
    expect(await testTrigger(t.deps, projectId, tr.id, { event: asEvent(envelope({ version: '1.2.3' })) })).toEqual({ match: true, parameters: { env: 'prod', version: '1.2.3' } });
    expect(await testTrigger(t.deps, projectId, tr.id, { event: asEvent(envelope({ version: '1.2.3', env: 'stage' })) })).toEqual({ match: true, parameters: { env: 'stage', version: '1.2.3' } });
    expect(await testTrigger(t.deps, projectId, tr.id, { event: asEvent(envelope({}, { source: 'com.example.other' })) })).toEqual({ match: false });
    expect(triggerParameters({ parameters: { a: 1 }, inputMapping: { a: '$.detail.missing' } }, envelope({}))).toEqual({ a: 1 });
  });
});

describe('fireTrigger', () => {
  it('starts one run per event id, with the mapped parameters, however often the event comes', async () => {
    const t = setup();
    const job = await t.job(versionJob);
    const tr = await t.trigger({ name: 'ci', jobId: job.id, pattern: ciPattern, inputMapping: { version: '$.detail.version' } });
    const event = envelope({ version: '2.0.0' });

    const first = await fireTrigger(t.deps, tr, event);
    const again = await fireTrigger(t.deps, tr, event);
    const expected = runIdFor(projectId, job.id, triggerIdempotencyKey(tr.id, event.id));

    expect(first).toEqual({ outcome: 'fired', runId: expected });
    expect(again).toEqual({ outcome: 'duplicate', runId: expected });
    // One run: a redelivery may hand the queued run to the launcher again, whose execution name is the run id.
    expect([...new Set(t.launched)]).toEqual([expected]);
    const run = await t.runs.get(expected);
    expect(run).toMatchObject({ parameters: { version: '2.0.0', env: 'dev' }, jobId: job.id });
    const fired = t.bus.events.filter((e) => e.detailType === 'Trigger Fired');
    expect(fired.map((e) => e.detail)).toEqual([expect.objectContaining({ triggerId: tr.id, eventId: event.id, runId: expected })]);
    // Another event is another run.
    expect(await fireTrigger(t.deps, tr, envelope({ version: '2.0.1' }))).toMatchObject({ outcome: 'fired' });
    expect(new Set(t.launched).size).toBe(2);
  });

  it('never fires for events it caused (its own Trigger Fired, the runs it started), nor while disabled', async () => {
    const t = setup();
    const job = await t.job();
    const tr = await t.trigger({ name: 'loop', jobId: job.id, pattern: '{"source":["opsconductor.automation"]}' });
    const own = envelope({ triggerId: tr.id, eventId: 'e', runId: 'r' }, { source: 'opsconductor.automation', 'detail-type': 'Trigger Fired' });
    const ownRun = envelope({ actor: { type: 'system', id: tr.id }, run: {} }, { source: 'opsconductor.automation', 'detail-type': 'Run Queued' });
    expect(causedBy(tr.id, own)).toBe(true);
    expect(await fireTrigger(t.deps, tr, own)).toEqual({ outcome: 'ignored' });
    expect(await fireTrigger(t.deps, tr, ownRun)).toEqual({ outcome: 'ignored' });
    expect(t.launched).toEqual([]);
    await updateTrigger(t.deps, admin, 'admin', projectId, tr.id, TriggerPatch.parse({ enabled: false }));
    expect(await fireTrigger(t.deps, tr, envelope({}, { source: 'opsconductor.automation' }))).toEqual({ outcome: 'ignored' });
  });

  it('publishes Trigger Failed when the job cannot run', async () => {
    const t = setup();
    const job = await t.job(versionJob);
    const tr = await t.trigger({ name: 'ci', jobId: job.id, pattern: ciPattern, inputMapping: { version: '$.detail.version' } });
    // The event lacks the required version.
    const event = envelope({});
    expect(await fireTrigger(t.deps, tr, event)).toEqual({ outcome: 'failed', reason: 'invalid-parameters' });
    expect(t.bus.events.filter((e) => e.detailType === 'Trigger Failed').map((e) => e.detail)).toEqual([
      expect.objectContaining({ triggerId: tr.id, eventId: event.id, reason: 'invalid-parameters' }),
    ]);
    expect(t.launched).toEqual([]);
  });

  it('fires through a local bus rule for a product event, and does not loop on what it publishes', async () => {
    const t = setup();
    const clock = fixedClock('2026-03-01T00:00:30Z');
    const bus = createLocalEventBus({ clock, ids: createIdGenerator(clock, randomBytes), onDeliveryError: () => undefined, retry: { attempts: 1 } });
    const deps = { ...t.deps, bus };
    const job = await t.job({ parameters: [{ name: 'created', type: 'string' }] });
    // Any automation event matches: Job Created, and what the trigger itself causes (Run Queued, Trigger Fired).
    const tr = await createTrigger(
      { ...deps, triggerSync: localTriggerSync({ bus, fireDeps: deps, logger: quietLogger() }) },
      admin,
      'admin',
      projectId,
      TriggerInput.parse({ name: 'on-jobs', jobId: job.id, pattern: { source: ['opsconductor.automation'], 'detail-type': ['Job Created', 'Run Queued', 'Trigger Fired'] }, inputMapping: { created: '$.detail.job.name' } }),
    );
    await bus.drain();
    await bus.publish([eventOf(JobCreated, { projectId, actor: { type: 'user', id: 'u' }, job: { id: job.id, name: 'deploy-web', version: 1, dangerous: false } })]);
    await bus.drain();
    expect(t.launched).toHaveLength(1);
    const run = await t.runs.get(t.launched[0] ?? '');
    expect(run).toMatchObject({ parameters: { created: 'deploy-web' } });
    // Deleting the trigger removes its rule.
    await deleteTrigger({ ...deps, triggerSync: localTriggerSync({ bus, fireDeps: deps, logger: quietLogger() }) }, admin, projectId, tr.id);
    await bus.publish([eventOf(JobCreated, { projectId, actor: { type: 'user', id: 'u' }, job: { id: job.id, name: 'again', version: 1, dangerous: false } })]);
    await bus.drain();
    expect(t.launched).toHaveLength(1);
  });
});

describe('webhooks', () => {
  /** A call as a sender makes it: signed over "<timestamp>.<body>" at the test clock's time unless told otherwise. */
  const call = (secret: string, body: Buffer, over: { timestamp?: string; deliveryId?: string; signature?: string | undefined; signedBody?: Buffer } = {}) => {
    const timestamp = over.timestamp ?? String(Math.floor(Date.parse('2026-03-01T00:00:30Z') / 1000));
    return {
      timestamp,
      deliveryId: over.deliveryId ?? 'delivery-1',
      signature: 'signature' in over ? over.signature : signWebhook(secret, timestamp, over.signedBody ?? body),
      rawBody: body,
    };
  };
  const webhookEvent = (detail: unknown) => envelope(detail as Record<string, unknown>, { source: 'opsconductor.automation', 'detail-type': 'Webhook Received' });

  it('shows the secret once, seals it, and accepts only fresh calls signed with it', async () => {
    const t = setup();
    const job = await t.job(versionJob);
    const created = await t.trigger({ name: 'hook', jobId: job.id, webhook: { enabled: true }, inputMapping: { version: '$.detail.body.version' } });
    const secret = created.webhookSecret ?? '';
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    expect(created.pattern).toBe(webhookPatternOf(created.id));
    expect(created.webhook).toEqual({ enabled: true, hasSecret: true, url: `/v1/hooks/${created.id}` });
    const shown = JSON.stringify([await getTrigger(t.deps, projectId, created.id), await listTriggers(t.deps, projectId, { limit: 10 }), t.bus.events]);
    expect(shown).not.toContain(secret);
    expect(shown).not.toContain('sealedSecret');

    const body = Buffer.from('{"version":"3.1.4"}');
    const before = t.bus.events.length;
    const refusedCalls = [
      call(secret, body, { signature: undefined }),
      call(secret, body, { signature: 'sha256=00' }),
      call('whsec_wrong', body),
      call(secret, body, { signedBody: Buffer.from('{"version":"6.6.6"}') }),
      // Signed over the body alone (the scheme before timestamps): refused.
      { ...call(secret, body), signature: `sha256=${createHmac('sha256', secret).update(body).digest('hex')}` },
      // Stale and future timestamps, beyond 5 minutes either way; signed correctly for them.
      call(secret, body, { timestamp: String(Math.floor(Date.parse('2026-03-01T00:00:30Z') / 1000) - 301) }),
      call(secret, body, { timestamp: String(Math.floor(Date.parse('2026-03-01T00:00:30Z') / 1000) + 301) }),
      // A signed call whose timestamp header was changed afterwards.
      { ...call(secret, body), timestamp: String(Math.floor(Date.parse('2026-03-01T00:00:30Z') / 1000) - 1) },
      call(secret, body, { timestamp: 'yesterday' }),
      { ...call(secret, body), timestamp: undefined },
      { ...call(secret, body), deliveryId: undefined },
      call(secret, body, { deliveryId: 'has space' }),
    ];
    for (const c of refusedCalls) {
      const refused = await failure(receiveWebhook(t.deps, created.id, c));
      expect(refused).toMatchObject({ code: 'UNAUTHORIZED', message: 'The webhook signature is missing or does not match.' });
    }
    expect(await failure(receiveWebhook(t.deps, 'trg_01JD0000000000000000000009', call(secret, body)))).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(t.bus.events.length).toBe(before);

    // 5 minutes off either way is still fresh.
    await receiveWebhook(t.deps, created.id, call(secret, body, { timestamp: String(Math.floor(Date.parse('2026-03-01T00:00:30Z') / 1000) - 300), deliveryId: 'early' }));
    await receiveWebhook(t.deps, created.id, call(secret, body));
    const received = t.bus.events.slice(before);
    expect(received.map((e) => [e.detailType, e.detail])[1]).toEqual([
      'Webhook Received',
      { projectId, actor: { type: 'system', id: created.id, name: `webhook:${created.id}` }, triggerId: created.id, deliveryId: 'delivery-1', body: { version: '3.1.4' } },
    ]);
    // The trigger's own pattern matches it, and the fire is not taken for a self-caused event.
    expect(await testTrigger(t.deps, projectId, created.id, { event: asEvent(webhookEvent(received[1]?.detail)) })).toEqual({ match: true, parameters: { version: '3.1.4' } });
    const fired = await fireTrigger(t.deps, created, webhookEvent(received[1]?.detail));
    expect(fired).toMatchObject({ outcome: 'fired' });

    // Rotation: the old secret stops working.
    const rotated = await rotateWebhookSecret(t.deps, admin, projectId, created.id);
    expect(rotated.webhookSecret).not.toBe(secret);
    expect(await failure(receiveWebhook(t.deps, created.id, call(secret, body, { deliveryId: 'after-rotation' })))).toMatchObject({ code: 'UNAUTHORIZED' });
    await expect(receiveWebhook(t.deps, created.id, call(rotated.webhookSecret, body, { deliveryId: 'after-rotation' }))).resolves.toBeUndefined();
    expect(JSON.stringify(t.bus.events)).not.toContain(rotated.webhookSecret);
  });

  it('starts one run per delivery id: a resent delivery is a new bus event but no new run', async () => {
    const t = setup();
    const job = await t.job(versionJob);
    const created = await t.trigger({ name: 'hook', jobId: job.id, webhook: { enabled: true }, inputMapping: { version: '$.detail.body.version' } });
    const secret = created.webhookSecret ?? '';
    const body = Buffer.from('{"version":"3.1.4"}');
    const before = t.bus.events.length;
    await receiveWebhook(t.deps, created.id, call(secret, body, { deliveryId: 'gh-42' }));
    // The same delivery again, re-signed a minute later, as a sender's retry would be.
    await receiveWebhook(t.deps, created.id, call(secret, body, { deliveryId: 'gh-42', timestamp: String(Math.floor(Date.parse('2026-03-01T00:00:30Z') / 1000) - 60) }));
    // Another delivery (signed bytes that differ: a different body, or another second).
    await receiveWebhook(t.deps, created.id, call(secret, Buffer.from('{"version":"3.1.5"}'), { deliveryId: 'gh-43' }));
    const received = t.bus.events.slice(before).filter((e) => e.detailType === 'Webhook Received');
    expect(received.map((e) => (e.detail as { deliveryId: string }).deliveryId)).toEqual(['gh-42', 'gh-42', 'gh-43']);

    const outcomes = [];
    for (const e of received) outcomes.push(await fireTrigger(t.deps, created, webhookEvent(e.detail)));
    expect(outcomes.map((o) => o.outcome)).toEqual(['fired', 'duplicate', 'fired']);
    // A duplicate may start the same run id again (the launcher is idempotent by execution name): two runs, not three.
    expect(new Set(t.launched).size).toBe(2);
    expect(t.launched[0]).toBe(runIdFor(projectId, job.id, triggerIdempotencyKey(created.id, occurrenceOf(webhookEvent(received[0]?.detail)))));
    expect(occurrenceOf(webhookEvent(received[0]?.detail))).toBe(`webhook:${created.id}:gh-42`);
  });
  it('publishes a byte-identical call once, whatever delivery id it claims, and frees the claim when publishing fails', async () => {
    const t = setup();
    const job = await t.job(versionJob);
    const created = await t.trigger({ name: 'hook', jobId: job.id, webhook: { enabled: true }, inputMapping: { version: '$.detail.body.version' } });
    const secret = created.webhookSecret ?? '';
    const body = Buffer.from('{"version":"3.1.4"}');
    const received = () => t.bus.events.filter((e) => e.detailType === 'Webhook Received').length;
    const original = call(secret, body, { deliveryId: 'gh-1' });

    await receiveWebhook(t.deps, created.id, original);
    // Captured and sent again: as it was, and under a delivery id of the attacker's choosing. Both answer as accepted.
    await expect(receiveWebhook(t.deps, created.id, original)).resolves.toBeUndefined();
    await expect(receiveWebhook(t.deps, created.id, { ...original, deliveryId: 'attacker-2' })).resolves.toBeUndefined();
    expect(received()).toBe(1);

    // A publish that fails leaves no claim behind: the sender's retry of the same call goes through.
    const second = call(secret, Buffer.from('{"version":"4.0.0"}'), { deliveryId: 'gh-2' });
    const failing = { ...t.deps, bus: { publish: () => Promise.reject(new Error('bus down')) } };
    await expect(receiveWebhook(failing, created.id, second)).rejects.toThrow('bus down');
    await receiveWebhook(t.deps, created.id, second);
    expect(received()).toBe(2);
  });
});
