import type { Clock } from '../clock';
import { AppError, forbidden, notFound } from '../errors';
import { TriggerCreated, TriggerDeleted, TriggerUpdated } from '../events/catalog';
import { validatePattern } from '../events/pattern';
import { testEventPattern, type TestPatternResult } from '../events/test-pattern';
import type { IdGenerator, RandomBytes } from '../ids';
import { actorOf, displayNameOf, type Principal, type ProjectRole } from '../identity/principal';
import { resolveRunParameters } from '../jobs/parameters';
import type { Page } from '../pagination';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { JobStore } from '../ports/job-store';
import type { RunSealer } from '../ports/run-sealer';
import type { TriggerStore } from '../ports/trigger-store';
import type { TriggerSync } from '../ports/trigger-sync';
import { armedPatternOf, MAX_RULE_PATTERN_CHARS } from './rule';
import type { Trigger, TriggerInput, TriggerPatch, TriggerTestInput, TriggerView } from './schema';

/**
 * The triggers API. A trigger is checked against its job when it is saved (parameter names, secure
 * parameters refused, targets, dangerous commands confirmed by an admin), as a schedule is. A
 * webhook secret is generated here, answered once, and kept only sealed (see `sealSecret`).
 */
export interface TriggerDeps {
  triggers: TriggerStore;
  jobs: Pick<JobStore, 'get'>;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
  random: RandomBytes;
  /** Seals webhook secrets (context: the trigger id). HMAC needs the secret itself, so a hash will not do. */
  sealer: RunSealer;
  triggerSync: TriggerSync;
}

/** The key a webhook secret is sealed under, in the sealer's values. */
export const WEBHOOK_SECRET_FIELD = 'webhookSecret';

export const hookPathOf = (triggerId: string) => `/v1/hooks/${triggerId}`;

/** The pattern a webhook trigger gets when none is given: its own `Webhook Received` events. */
export const webhookPatternOf = (triggerId: string): string =>
  JSON.stringify({ source: ['opsconductor.automation'], 'detail-type': ['Webhook Received'], detail: { triggerId: [triggerId] } });

export const triggerView = (t: Trigger): TriggerView => {
  const { webhook, ...rest } = t;
  return { ...rest, webhook: { enabled: webhook.enabled, hasSecret: webhook.sealedSecret !== undefined, url: hookPathOf(t.id) } };
};

const invalid = (path: string, message: string, summary = 'The request body is not valid.') =>
  new AppError('VALIDATION_FAILED', summary, [{ location: 'body', path, message }]);

/** The pattern as armed on the bus (with the trigger's self-exclusion) must fit EventBridge's rule quota, or saving would fail at PutRule. */
const checkArmedSize = (id: string, pattern: string): void => {
  const size = armedPatternOf({ id, pattern }).length;
  if (size > MAX_RULE_PATTERN_CHARS) {
    throw invalid('pattern', `is ${String(size)} characters as a bus rule (with the trigger's own exclusion, about 90); EventBridge takes at most ${String(MAX_RULE_PATTERN_CHARS)}`, 'The event pattern is too long.');
  }
};

const ref = (t: Trigger) => ({ id: t.id, name: t.name, jobId: t.jobId, enabled: t.enabled, webhook: t.webhook.enabled });

/** The pattern as JSON text, validated; text given is kept as given (number spellings survive). */
const normalizePattern = (pattern: string | Record<string, unknown>): string => {
  let parsed: unknown = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern) as unknown;
    } catch {
      throw invalid('pattern', 'is not valid JSON', 'The event pattern is not valid JSON.');
    }
  }
  const validated = validatePattern(parsed);
  if (!validated.ok) {
    const first = validated.errors[0];
    throw new AppError(
      'VALIDATION_FAILED',
      `The event pattern is not valid.${first === undefined ? '' : ` ${first.path}: ${first.message}`}`,
      validated.errors.map((e) => ({ location: 'body' as const, path: `pattern${e.path.slice(1)}`, message: e.message })),
    );
  }
  return typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
};

type Checked = Pick<Trigger, 'jobId' | 'inputMapping' | 'parameters' | 'confirmDangerous'>;

/** Everything a saved (enabled) trigger must satisfy with its job. */
const checkJob = async (deps: Pick<TriggerDeps, 'jobs'>, projectId: string, t: Checked): Promise<void> => {
  const job = await deps.jobs.get(projectId, t.jobId);
  if (!job) throw invalid('jobId', 'is not a job of this project');
  const mapped = new Set(Object.keys(t.inputMapping));
  const known = new Set(job.parameters.map((p) => p.name));
  for (const name of mapped) if (!known.has(name)) throw invalid(`inputMapping.${name}`, 'is not a parameter of this job');
  const secure = job.parameters.filter((p) => p.secure);
  const givenSecure = secure.filter((p) => Object.hasOwn(t.parameters, p.name) || mapped.has(p.name)).map((p) => p.name);
  const requiredSecure = secure.filter((p) => p.required && !givenSecure.includes(p.name)).map((p) => p.name);
  if (givenSecure.length > 0 || requiredSecure.length > 0) {
    throw new AppError(
      'BAD_REQUEST',
      'Triggers cannot carry secure parameters: a trigger would have to store their values (or take them from events, which are logged and archived). Make the parameter non-secure.',
      { secureParameters: [...givenSecure, ...requiredSecure] },
    );
  }
  // Mapped parameters arrive with the event: only the fixed ones are checked now, and a required one may be mapped.
  const fixed = Object.fromEntries(Object.entries(t.parameters).filter(([k]) => !mapped.has(k)));
  resolveRunParameters(
    job.parameters.map((p) => (mapped.has(p.name) ? { ...p, required: false } : p)),
    fixed,
  );
  if (job.targets === undefined) {
    throw new AppError('UNPROCESSABLE', 'The job has no targets: a trigger runs the job on its own targets, so give the job a selector or target ids first.', [
      { location: 'body', path: 'jobId', message: 'names a job without targets' },
    ]);
  }
  if (job.warnings.length > 0 && !t.confirmDangerous) {
    throw new AppError('CONFIRMATION_REQUIRED', 'This job has dangerous commands: a project admin must confirm them for every run this trigger starts with "confirmDangerous": true.', {
      warnings: job.warnings,
    });
  }
};

const newSecret = (deps: Pick<TriggerDeps, 'random'>): string => `whsec_${Buffer.from(deps.random(32)).toString('hex')}`;

const sealSecret = (deps: Pick<TriggerDeps, 'sealer'>, triggerId: string, secret: string) => deps.sealer.seal(triggerId, { [WEBHOOK_SECRET_FIELD]: secret });

const mustGet = async (deps: Pick<TriggerDeps, 'triggers'>, projectId: string, triggerId: string) => {
  const t = await deps.triggers.get(projectId, triggerId);
  if (!t) throw notFound('Trigger', triggerId);
  return t;
};

export const getTrigger = async (deps: Pick<TriggerDeps, 'triggers'>, projectId: string, triggerId: string): Promise<TriggerView> =>
  triggerView(await mustGet(deps, projectId, triggerId));

export const listTriggers = async (deps: Pick<TriggerDeps, 'triggers'>, projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<TriggerView>> => {
  const result = await deps.triggers.list(projectId, page);
  return { ...result, items: result.items.map(triggerView) };
};

/** A created trigger, with its webhook secret the one time it is shown. */
export type TriggerWithSecret = TriggerView & { webhookSecret?: string };

export const createTrigger = async (deps: TriggerDeps, by: Principal, role: ProjectRole | undefined, projectId: string, input: TriggerInput): Promise<TriggerWithSecret> => {
  if (input.confirmDangerous && role !== 'admin') throw forbidden('Only a project admin can confirm dangerous commands.');
  const id = deps.ids.next('trg');
  if (input.pattern === undefined && !input.webhook.enabled) throw invalid('pattern', 'is required (only a webhook trigger defaults to its own Webhook Received events)');
  const pattern = input.pattern === undefined ? webhookPatternOf(id) : normalizePattern(input.pattern);
  checkArmedSize(id, pattern);
  const fields = { jobId: input.jobId, inputMapping: input.inputMapping, parameters: input.parameters, confirmDangerous: input.confirmDangerous };
  await checkJob(deps, projectId, fields);
  const secret = input.webhook.enabled ? newSecret(deps) : undefined;
  const now = deps.clock.now().toISOString();
  const trigger: Trigger = {
    id,
    projectId,
    name: input.name,
    ...fields,
    pattern,
    enabled: input.enabled,
    webhook: { enabled: input.webhook.enabled, ...(secret === undefined ? {} : { sealedSecret: await sealSecret(deps, id, secret) }) },
    createdAt: now,
    createdBy: displayNameOf(by),
    updatedAt: now,
    updatedBy: displayNameOf(by),
    version: 1,
  };
  await deps.triggers.create(trigger);
  try {
    await deps.triggerSync.put(trigger);
  } catch (e) {
    // Not armed: nor kept, so the caller's retry creates it afresh.
    await deps.triggers.delete(trigger);
    throw e;
  }
  await deps.bus.publish([eventOf(TriggerCreated, { projectId, actor: actorOf(by), trigger: ref(trigger) })]);
  return { ...triggerView(trigger), ...(secret === undefined ? {} : { webhookSecret: secret }) };
};

export const updateTrigger = async (
  deps: TriggerDeps,
  by: Principal,
  role: ProjectRole | undefined,
  projectId: string,
  triggerId: string,
  patch: TriggerPatch,
): Promise<TriggerWithSecret> => {
  const current = await mustGet(deps, projectId, triggerId);
  const { pattern, webhook, ...rest } = patch;
  const merged: Trigger = { ...current, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
  if (merged.confirmDangerous && role !== 'admin') throw forbidden('Only a project admin can confirm dangerous commands.');
  if (pattern !== undefined) {
    merged.pattern = normalizePattern(pattern);
    checkArmedSize(current.id, merged.pattern);
  }
  let secret: string | undefined;
  if (webhook !== undefined) {
    if (webhook.enabled && current.webhook.sealedSecret === undefined) {
      secret = newSecret(deps);
      merged.webhook = { enabled: true, sealedSecret: await sealSecret(deps, current.id, secret) };
    } else if (!webhook.enabled) {
      // A disabled webhook forgets its secret: enabling it again issues a new one.
      merged.webhook = { enabled: false };
    }
  }
  // A disabled trigger may name a job that no longer fits it; enabling it checks the job again.
  if (merged.enabled) await checkJob(deps, projectId, merged);
  const next: Trigger = { ...merged, updatedAt: deps.clock.now().toISOString(), updatedBy: displayNameOf(by), version: current.version + 1 };
  await deps.triggers.update(next, current.version);
  await deps.triggerSync.put(next);
  await deps.bus.publish([eventOf(TriggerUpdated, { projectId, actor: actorOf(by), trigger: ref(next) })]);
  return { ...triggerView(next), ...(secret === undefined ? {} : { webhookSecret: secret }) };
};

/** A new webhook secret (the old one stops working at once), answered this once. */
export const rotateWebhookSecret = async (deps: TriggerDeps, by: Principal, projectId: string, triggerId: string): Promise<TriggerWithSecret & { webhookSecret: string }> => {
  const current = await mustGet(deps, projectId, triggerId);
  if (!current.webhook.enabled) throw new AppError('UNPROCESSABLE', 'This trigger does not accept webhooks: enable them first ("webhook": {"enabled": true}).');
  const secret = newSecret(deps);
  const next: Trigger = {
    ...current,
    webhook: { enabled: true, sealedSecret: await sealSecret(deps, current.id, secret) },
    updatedAt: deps.clock.now().toISOString(),
    updatedBy: displayNameOf(by),
    version: current.version + 1,
  };
  await deps.triggers.update(next, current.version);
  await deps.triggerSync.put(next);
  await deps.bus.publish([eventOf(TriggerUpdated, { projectId, actor: actorOf(by), trigger: ref(next), secretRotated: true })]);
  return { ...triggerView(next), webhookSecret: secret };
};

export const deleteTrigger = async (deps: TriggerDeps, by: Principal, projectId: string, triggerId: string): Promise<void> => {
  const current = await mustGet(deps, projectId, triggerId);
  await deps.triggers.delete(current);
  await deps.triggerSync.remove(current);
  await deps.bus.publish([eventOf(TriggerDeleted, { projectId, actor: actorOf(by), trigger: ref(current) })]);
};

/** Would this event fire the trigger, and with which parameters (fixed ones under mapped ones)? Nothing starts. */
export const testTrigger = async (deps: Pick<TriggerDeps, 'triggers'>, projectId: string, triggerId: string, input: TriggerTestInput): Promise<TestPatternResult> => {
  const t = await mustGet(deps, projectId, triggerId);
  const result = testEventPattern({ pattern: t.pattern, event: input.event, inputMapping: t.inputMapping });
  if (!result.match) return { match: false };
  return { match: true, parameters: { ...t.parameters, ...result.parameters } };
};
