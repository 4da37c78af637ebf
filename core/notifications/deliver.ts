import { z } from 'zod';
import type { Clock } from '../clock';
import { RunCompleted, RunStarted } from '../events/catalog';
import type { NotificationChannelStore, NotificationDeliveryStore, NotificationRuleStore } from '../ports/notification-store';
import type { HttpPoster, MailTransport } from '../ports/notifier';
import type { ProjectStore } from '../ports/project-store';
import type { RunSealer } from '../ports/run-sealer';
import type { RunStore } from '../ports/run-store';
import type { Run } from '../runs/schema';
import { signWebhook } from '../triggers/webhook';
import type { Channel, Delivery, NotificationEvent, Rule } from './schema';
import { renderMessage, type RenderedMessage, type TemplateVariables } from './template';

/**
 * Delivery: which rules an occurrence (a run event, or a run found overdue) matches, the message
 * each of their channels gets, and sending it with retries. Each (occurrence, channel) is one
 * delivery, claimed in the store before anything is sent, so an event the bus delivers twice (or
 * two rules naming the same channel) sends one message.
 */
export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per try. */
  timeoutMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 8000, timeoutMs: 10_000 };

/** The wait before try `n + 1` after try `n` (1-based) failed: doubling from the base, capped. */
export const backoffMs = (policy: RetryPolicy, failedTry: number): number => Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedTry - 1));

export type TryOutcome = { ok: true; reference?: string } | { ok: false; retryable: boolean; error: string };

/** HTTP: 2xx sent; 5xx retried; 3xx (redirects are not followed) and 4xx are the receiver's final word. */
export const httpOutcome = (status: number): TryOutcome =>
  status >= 200 && status < 300
    ? { ok: true, reference: `HTTP ${String(status)}` }
    : { ok: false, retryable: status >= 500, error: `the receiver answered HTTP ${String(status)}` };

/** A network failure, named by its code only: messages can quote URLs, which may hold a secret. */
export const networkOutcome = (e: unknown): TryOutcome => {
  // Duck-typed: fetch's errors may come from another realm than this module's Error.
  const err = (typeof e === 'object' && e !== null ? e : {}) as { name?: unknown; cause?: { code?: unknown } | null };
  const code = err.cause?.code;
  const name = err.name;
  const what = name === 'TimeoutError' || name === 'AbortError' ? 'timed out' : typeof code === 'string' && /^[A-Z_]+$/.test(code) ? code : 'connection failed';
  return { ok: false, retryable: true, error: `network error: ${what}` };
};

/**
 * A mail transport's error: permanent when it says so (SES: the message or sender was refused) or
 * on an SMTP 5xx reply (bad recipient, refused); anything else may pass on a retry.
 */
export const mailOutcome = (e: unknown): TryOutcome => {
  const responseCode = (e as { responseCode?: unknown }).responseCode;
  const code = (e as { code?: unknown }).code;
  const permanent = (e as { permanent?: unknown }).permanent === true || (typeof responseCode === 'number' && responseCode >= 500);
  const what = typeof responseCode === 'number' ? `SMTP ${String(responseCode)}` : typeof code === 'string' && /^[A-Za-z_]+$/.test(code) ? code : 'send failed';
  return { ok: false, retryable: !permanent, error: `mail not accepted: ${what}` };
};

/** Removes every occurrence of the secrets from a message that will be stored or answered. */
export const scrub = (message: string, secrets: readonly string[]): string =>
  secrets.filter((s) => s.length >= 4).reduce((m, s) => m.split(s).join('[redacted]'), message);

export const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Tries until one succeeds, one fails for good, or the tries run out. */
export const withRetries = async (
  policy: RetryPolicy,
  sleep: (ms: number) => Promise<void>,
  once: () => Promise<TryOutcome>,
): Promise<{ ok: boolean; attempts: number; error?: string; reference?: string }> => {
  for (let n = 1; n <= policy.attempts; n++) {
    const last = await once();
    if (last.ok) return { ok: true, attempts: n, ...(last.reference === undefined ? {} : { reference: last.reference }) };
    if (!last.retryable || n === policy.attempts) return { ok: false, attempts: n, error: last.error };
    await sleep(backoffMs(policy, n));
  }
  return { ok: false, attempts: policy.attempts, error: 'no tries allowed' };
};

export interface SendDeps {
  sealer: Pick<RunSealer, 'open'>;
  mail: MailTransport;
  http: HttpPoster;
  clock: Clock;
  retry?: RetryPolicy | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** The key a channel's secret is sealed under, in the sealer's values (context: the channel id). */
export const CHANNEL_SECRET_FIELD = 'channelSecret';

export const openChannelSecret = async (deps: Pick<SendDeps, 'sealer'>, channelId: string, sealed: string): Promise<string> => {
  const secret = (await deps.sealer.open(channelId, sealed))[CHANNEL_SECRET_FIELD];
  if (secret === undefined) throw new Error(`The secret of channel ${channelId} is missing from its sealed value.`);
  return secret;
};

/** What a webhook channel receives (signed with `X-OpsConductor-Timestamp` and `X-OpsConductor-Signature`, as inbound trigger webhooks are). */
export const webhookPayload = (deliveryId: string, sentAt: string, vars: TemplateVariables, message: RenderedMessage) => ({
  deliveryId,
  sentAt,
  event: vars.event,
  project: vars.project,
  job: vars.job,
  run: vars.run,
  counts: vars.counts,
  ...(vars.overdue === undefined ? {} : { overdue: vars.overdue }),
  message,
});

export const USER_AGENT = 'OpsConductor-Notifications/1';

/** One message to one channel, retried per the policy. Never throws for the channel's own failures. */
export const sendToChannel = async (
  deps: SendDeps,
  channel: Channel,
  deliveryId: string,
  vars: TemplateVariables,
  message: RenderedMessage,
): Promise<{ ok: boolean; attempts: number; error?: string; reference?: string }> => {
  const policy = deps.retry ?? defaultRetryPolicy;
  const sleep = deps.sleep ?? sleepFor;
  const config = channel.config;
  const secrets: string[] = [];
  const post = (url: string, body: string, headers: Record<string, string>) =>
    withRetries(policy, sleep, async () => {
      try {
        return httpOutcome((await deps.http.post(url, body, { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT, ...headers }, policy.timeoutMs)).status);
      } catch (e) {
        return networkOutcome(e);
      }
    });
  let result: { ok: boolean; attempts: number; error?: string; reference?: string };
  switch (config.kind) {
    case 'email':
      result = await withRetries(policy, sleep, async () => {
        try {
          return { ok: true, reference: (await deps.mail.send({ to: config.recipients, subject: message.subject, text: message.body })).reference };
        } catch (e) {
          return mailOutcome(e);
        }
      });
      break;
    case 'webhook': {
      const secret = await openChannelSecret(deps, channel.id, config.sealedSecret);
      secrets.push(secret);
      const now = deps.clock.now();
      const body = JSON.stringify(webhookPayload(deliveryId, now.toISOString(), vars, message));
      // Signed exactly as inbound trigger webhooks are, so a receiver can refuse stale replays too.
      const timestamp = String(Math.floor(now.getTime() / 1000));
      result = await post(config.url, body, {
        'X-OpsConductor-Event': vars.event,
        'X-OpsConductor-Delivery': deliveryId,
        'X-OpsConductor-Timestamp': timestamp,
        'X-OpsConductor-Signature': signWebhook(secret, timestamp, body),
      });
      break;
    }
    case 'slack': {
      const url = await openChannelSecret(deps, channel.id, config.sealedUrl);
      secrets.push(url);
      result = await post(url, JSON.stringify({ text: `*${message.subject}*\n${message.body}` }), {});
      break;
    }
  }
  return result.error === undefined ? result : { ...result, error: scrub(result.error, secrets) };
};

export const notificationEventOfStatus = (status: 'succeeded' | 'failed' | 'cancelled' | 'timed_out'): NotificationEvent =>
  status === 'succeeded' ? 'run.succeeded' : status === 'cancelled' ? 'run.cancelled' : 'run.failed';

/** Which rules an occurrence of `event` for a run of `jobId` matches. */
export const matchingRules = (rules: readonly Rule[], event: NotificationEvent, jobId: string): Rule[] =>
  rules.filter((r) => r.enabled && r.events.includes(event) && (r.jobId === undefined || r.jobId === jobId));

export interface DeliveryDeps extends SendDeps {
  rules: Pick<NotificationRuleStore, 'listAll'>;
  channels: Pick<NotificationChannelStore, 'get'>;
  deliveries: Pick<NotificationDeliveryStore, 'claim' | 'finish'>;
  projects: Pick<ProjectStore, 'get'>;
  runs: Pick<RunStore, 'get'>;
  /** The console's base URL, for links to run pages. */
  consoleUrl: string;
  /** How long a claimed delivery is reserved for its sender. */
  leaseMs?: number;
}

export const DEFAULT_LEASE_MS = 5 * 60 * 1000;

export const runUrl = (consoleUrl: string, projectId: string, runId: string) =>
  `${consoleUrl.replace(/\/+$/, '')}/projects/${encodeURIComponent(projectId)}/runs/${encodeURIComponent(runId)}`;

/** The template variables of a run, from the stored run when there is one, else from what the event said. */
export const variablesOf = (
  consoleUrl: string,
  event: NotificationEvent,
  project: { id: string; name: string },
  ref: { id: string; jobId: string; jobName: string; jobVersion: number },
  run: Run | undefined,
  extra: { counts?: Record<string, number>; error?: { code: string; message: string } | undefined; hosts?: number; overdue?: TemplateVariables['overdue'] },
): TemplateVariables => {
  const counts = { ...(run?.counts ?? {}), ...(extra.counts ?? {}) };
  const startedAt = run?.startedAt;
  const finishedAt = run?.finishedAt;
  const durationSeconds = startedAt !== undefined && finishedAt !== undefined ? Math.round((Date.parse(finishedAt) - Date.parse(startedAt)) / 1000) : undefined;
  const error = extra.error ?? run?.error;
  return {
    event,
    project,
    job: { id: ref.jobId, name: ref.jobName, version: ref.jobVersion },
    run: {
      id: ref.id,
      status: run?.status ?? (event === 'run.started' ? 'running' : event.slice('run.'.length)),
      url: runUrl(consoleUrl, project.id, ref.id),
      startedBy: run?.createdBy ?? 'unknown',
      createdAt: run?.createdAt ?? '',
      startedAt,
      finishedAt,
      durationSeconds,
      hosts: extra.hosts ?? counts.total ?? 0,
      error,
    },
    counts,
    ...(extra.overdue === undefined ? {} : { overdue: extra.overdue }),
  };
};

export type DeliveryOutcome = Delivery | { skipped: 'already-delivered' | 'channel-missing' | 'channel-disabled'; deliveryId: string; current?: Delivery };

/** The delivery of one occurrence to one channel of one rule: claimed, rendered, sent, recorded. */
export const deliverOnce = async (
  deps: DeliveryDeps,
  occurrence: string,
  rule: Rule,
  channelId: string,
  vars: TemplateVariables,
): Promise<DeliveryOutcome> => {
  const id = `${occurrence}:${channelId}`;
  const channel = await deps.channels.get(rule.projectId, channelId);
  if (!channel) return { skipped: 'channel-missing', deliveryId: id };
  if (!channel.enabled) return { skipped: 'channel-disabled', deliveryId: id };
  const now = deps.clock.now();
  const pending: Delivery = {
    id,
    projectId: rule.projectId,
    occurrence,
    event: vars.event,
    ruleId: rule.id,
    channelId: channel.id,
    channelName: channel.name,
    channelKind: channel.config.kind,
    runId: vars.run.id,
    jobId: vars.job.id,
    status: 'pending',
    attempts: 0,
    leaseUntil: new Date(now.getTime() + (deps.leaseMs ?? DEFAULT_LEASE_MS)).toISOString(),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const claim = await deps.deliveries.claim(pending, now.toISOString());
  if (!claim.claimed) return { skipped: 'already-delivered', deliveryId: id, current: claim.current };
  let result: { ok: boolean; attempts: number; error?: string };
  try {
    const message = await renderMessage(rule.template, vars);
    result = await sendToChannel(deps, channel, id, vars, message);
  } catch (e) {
    // A template that fails to render, or a sealed secret that no longer opens: recorded, not retried.
    result = { ok: false, attempts: 0, error: e instanceof Error ? e.message : 'delivery failed' };
  }
  const finishedAt = deps.clock.now().toISOString();
  const { leaseUntil: _lease, ...rest } = pending;
  const done: Delivery = {
    ...rest,
    status: result.ok ? 'sent' : 'failed',
    attempts: result.attempts,
    updatedAt: finishedAt,
    ...(result.ok ? { sentAt: finishedAt } : { error: (result.error ?? 'failed').slice(0, 1000) }),
  };
  await deps.deliveries.finish(done);
  return done;
};

const projectOf = async (deps: Pick<DeliveryDeps, 'projects'>, projectId: string) => ({ id: projectId, name: (await deps.projects.get(projectId))?.name ?? projectId });

const RunEvent = z.object({ id: z.string().min(1).max(128), source: z.string(), 'detail-type': z.string(), detail: z.unknown() });

/**
 * The bus consumer's work for one event: `Run Started` and `Run Completed` become
 * `run.started | run.succeeded | run.failed | run.cancelled` (a run that timed out is failed);
 * every matching rule's channels get one message each. Other events are ignored. Store failures
 * throw, so the bus retries; deliveries already made are not made again.
 */
export const deliverRunEvent = async (deps: DeliveryDeps, envelope: unknown): Promise<DeliveryOutcome[]> => {
  const parsed = RunEvent.safeParse(envelope);
  if (!parsed.success) throw new Error('Not an event envelope.');
  const e = parsed.data;
  let projectId: string;
  let event: NotificationEvent;
  let ref: { id: string; jobId: string; jobName: string; jobVersion: number };
  let extra: Parameters<typeof variablesOf>[5];
  if (e.source === RunStarted.source && e['detail-type'] === RunStarted.detailType) {
    const d = RunStarted.schema.parse(e.detail);
    ({ projectId, run: ref } = d);
    event = 'run.started';
    // The event's actor is the state machine; who started the run is on the run.
    extra = { hosts: d.hosts };
  } else if (e.source === RunCompleted.source && e['detail-type'] === RunCompleted.detailType) {
    const d = RunCompleted.schema.parse(e.detail);
    ({ projectId, run: ref } = d);
    event = notificationEventOfStatus(d.status);
    extra = { counts: d.counts, error: d.error };
  } else {
    return [];
  }
  const rules = matchingRules(await deps.rules.listAll(projectId), event, ref.jobId);
  if (rules.length === 0) return [];
  const vars = variablesOf(deps.consoleUrl, event, await projectOf(deps, projectId), ref, await deps.runs.get(ref.id), extra);
  const outcomes: DeliveryOutcome[] = [];
  for (const rule of rules) for (const channelId of rule.channelIds) outcomes.push(await deliverOnce(deps, e.id, rule, channelId, vars));
  return outcomes;
};

/**
 * The overdue check (every minute: a local timer, an EventBridge schedule on AWS): every running
 * run past a `run.overdue` rule's duration notifies that rule's channels, once per run and rule
 * (the occurrence `overdue-<ruleId>-<runId>` is claimed like any other).
 */
export const checkOverdueRuns = async (deps: DeliveryDeps & { runs: Pick<RunStore, 'get' | 'listActive'> }): Promise<DeliveryOutcome[]> => {
  const now = deps.clock.now().getTime();
  const rulesOf = new Map<string, Rule[]>();
  const outcomes: DeliveryOutcome[] = [];
  for (const run of await deps.runs.listActive()) {
    if (run.status !== 'running' || run.startedAt === undefined) continue;
    let projectRules = rulesOf.get(run.projectId);
    if (projectRules === undefined) {
      projectRules = await deps.rules.listAll(run.projectId);
      rulesOf.set(run.projectId, projectRules);
    }
    const runningMs = now - Date.parse(run.startedAt);
    const due = matchingRules(projectRules, 'run.overdue', run.jobId).filter((r) => r.overdueAfterMinutes !== undefined && runningMs >= r.overdueAfterMinutes * 60_000);
    if (due.length === 0) continue;
    const project = await projectOf(deps, run.projectId);
    const ref = { id: run.id, jobId: run.jobId, jobName: run.jobName, jobVersion: run.jobVersion };
    for (const rule of due) {
      const vars = variablesOf(deps.consoleUrl, 'run.overdue', project, ref, run, {
        overdue: { afterMinutes: rule.overdueAfterMinutes ?? 0, runningMinutes: Math.floor(runningMs / 60_000) },
      });
      for (const channelId of rule.channelIds) outcomes.push(await deliverOnce(deps, `overdue-${rule.id}-${run.id}`, rule, channelId, vars));
    }
  }
  return outcomes;
};
