import type { Clock } from '../clock';
import { AppError, conflict, notFound } from '../errors';
import {
  NotificationChannelCreated,
  NotificationChannelDeleted,
  NotificationChannelUpdated,
  NotificationRuleCreated,
  NotificationRuleDeleted,
  NotificationRuleUpdated,
} from '../events/catalog';
import type { IdGenerator, RandomBytes } from '../ids';
import { actorOf, displayNameOf, type Principal } from '../identity/principal';
import type { Page } from '../pagination';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { JobStore } from '../ports/job-store';
import type { NotificationChannelStore, NotificationDeliveryStore, NotificationRuleStore } from '../ports/notification-store';
import type { ProjectStore } from '../ports/project-store';
import type { RunSealer } from '../ports/run-sealer';
import type { RunStore } from '../ports/run-store';
import { CHANNEL_SECRET_FIELD, defaultRetryPolicy, sendToChannel, variablesOf, type SendDeps } from './deliver';
import type { Channel, ChannelConfig, ChannelInput, ChannelPatch, ChannelView, Delivery, DeliveryListQuery, PreviewInput, Rule, RuleInput, RulePatch } from './schema';
import { renderMessage, sampleVariables, validateTemplate, type RenderedMessage, type TemplateVariables } from './template';

/**
 * The notifications API: channels, rules, template preview, test sends and the delivery log.
 * A webhook channel's signing secret is generated here and answered once; it and a Slack URL are
 * kept only sealed (context: the channel id), like trigger webhook secrets.
 */
export interface NotificationDeps extends SendDeps {
  channels: NotificationChannelStore;
  rules: NotificationRuleStore;
  deliveries: Pick<NotificationDeliveryStore, 'list'>;
  jobs: Pick<JobStore, 'get'>;
  projects: Pick<ProjectStore, 'get'>;
  runs: Pick<RunStore, 'get'>;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
  random: RandomBytes;
  sealer: RunSealer;
  consoleUrl: string;
}

const invalid = (path: string, message: string, summary = 'The request body is not valid.') =>
  new AppError('VALIDATION_FAILED', summary, [{ location: 'body', path, message }]);

/** Enough to recognise a Slack URL without holding it: its host and its last four characters. */
export const urlHintOf = (url: string): string => {
  const { protocol, host } = new URL(url);
  return `${protocol}//${host}/…${url.slice(-4)}`;
};

export const channelView = (c: Channel): ChannelView => {
  const { config, ...rest } = c;
  switch (config.kind) {
    case 'email':
      return { ...rest, kind: 'email', recipients: config.recipients };
    case 'webhook':
      return { ...rest, kind: 'webhook', url: config.url, hasSecret: true };
    case 'slack':
      return { ...rest, kind: 'slack', webhookUrlHint: config.urlHint };
  }
};

const channelRef = (c: Channel) => ({ id: c.id, name: c.name, kind: c.config.kind, enabled: c.enabled });
const ruleRef = (r: Rule) => ({ id: r.id, name: r.name, ...(r.jobId === undefined ? {} : { jobId: r.jobId }), events: r.events, channelIds: r.channelIds, enabled: r.enabled });

const newSigningSecret = (deps: Pick<NotificationDeps, 'random'>) => `whsec_${Buffer.from(deps.random(32)).toString('hex')}`;
const seal = (deps: Pick<NotificationDeps, 'sealer'>, channelId: string, secret: string) => deps.sealer.seal(channelId, { [CHANNEL_SECRET_FIELD]: secret });

const mustGetChannel = async (deps: Pick<NotificationDeps, 'channels'>, projectId: string, channelId: string) => {
  const c = await deps.channels.get(projectId, channelId);
  if (!c) throw notFound('Notification channel', channelId);
  return c;
};

const mustGetRule = async (deps: Pick<NotificationDeps, 'rules'>, projectId: string, ruleId: string) => {
  const r = await deps.rules.get(projectId, ruleId);
  if (!r) throw notFound('Notification rule', ruleId);
  return r;
};

export const listChannels = async (deps: Pick<NotificationDeps, 'channels'>, projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<ChannelView>> => {
  const result = await deps.channels.list(projectId, page);
  return { ...result, items: result.items.map(channelView) };
};

export const getChannel = async (deps: Pick<NotificationDeps, 'channels'>, projectId: string, channelId: string): Promise<ChannelView> =>
  channelView(await mustGetChannel(deps, projectId, channelId));

/** A created channel; a webhook channel's signing secret is in `signingSecret` this once. */
export type ChannelWithSecret = ChannelView & { signingSecret?: string };

export const createChannel = async (deps: NotificationDeps, by: Principal, projectId: string, input: ChannelInput): Promise<ChannelWithSecret> => {
  const id = deps.ids.next('nch');
  let config: ChannelConfig;
  let secret: string | undefined;
  switch (input.kind) {
    case 'email':
      config = { kind: 'email', recipients: input.recipients };
      break;
    case 'webhook':
      secret = newSigningSecret(deps);
      config = { kind: 'webhook', url: input.url, sealedSecret: await seal(deps, id, secret) };
      break;
    case 'slack':
      config = { kind: 'slack', sealedUrl: await seal(deps, id, input.webhookUrl), urlHint: urlHintOf(input.webhookUrl) };
      break;
  }
  const now = deps.clock.now().toISOString();
  const channel: Channel = { id, projectId, name: input.name, enabled: input.enabled, config, createdAt: now, createdBy: displayNameOf(by), updatedAt: now, updatedBy: displayNameOf(by), version: 1 };
  await deps.channels.create(channel);
  await deps.bus.publish([eventOf(NotificationChannelCreated, { projectId, actor: actorOf(by), channel: channelRef(channel) })]);
  return { ...channelView(channel), ...(secret === undefined ? {} : { signingSecret: secret }) };
};

const kindFields = { email: ['recipients'], webhook: ['url', 'rotateSecret'], slack: ['webhookUrl'] } as const;

export const updateChannel = async (deps: NotificationDeps, by: Principal, projectId: string, channelId: string, patch: ChannelPatch): Promise<ChannelWithSecret> => {
  const current = await mustGetChannel(deps, projectId, channelId);
  const kind = current.config.kind;
  const allowed: readonly string[] = kindFields[kind];
  for (const field of ['recipients', 'url', 'rotateSecret', 'webhookUrl'] as const) {
    if (patch[field] !== undefined && !allowed.includes(field)) throw invalid(field, `does not apply to a ${kind} channel`);
  }
  let config = current.config;
  let secret: string | undefined;
  if (config.kind === 'email' && patch.recipients !== undefined) config = { ...config, recipients: patch.recipients };
  if (config.kind === 'webhook') {
    if (patch.url !== undefined) config = { ...config, url: patch.url };
    if (patch.rotateSecret) {
      secret = newSigningSecret(deps);
      config = { ...config, sealedSecret: await seal(deps, current.id, secret) };
    }
  }
  if (config.kind === 'slack' && patch.webhookUrl !== undefined) {
    config = { kind: 'slack', sealedUrl: await seal(deps, current.id, patch.webhookUrl), urlHint: urlHintOf(patch.webhookUrl) };
  }
  const next: Channel = {
    ...current,
    ...(patch.name === undefined ? {} : { name: patch.name }),
    ...(patch.enabled === undefined ? {} : { enabled: patch.enabled }),
    config,
    updatedAt: deps.clock.now().toISOString(),
    updatedBy: displayNameOf(by),
    version: current.version + 1,
  };
  await deps.channels.update(next, current.version);
  const changed = Object.keys(patch).filter((k) => k !== 'rotateSecret');
  await deps.bus.publish([
    eventOf(NotificationChannelUpdated, { projectId, actor: actorOf(by), channel: channelRef(next), changed, ...(secret === undefined ? {} : { secretRotated: true }) }),
  ]);
  return { ...channelView(next), ...(secret === undefined ? {} : { signingSecret: secret }) };
};

/** Refused (409) while a rule names the channel: the rule would silently stop notifying. */
export const deleteChannel = async (deps: NotificationDeps, by: Principal, projectId: string, channelId: string): Promise<void> => {
  const current = await mustGetChannel(deps, projectId, channelId);
  const users = (await deps.rules.listAll(projectId)).filter((r) => r.channelIds.includes(channelId));
  if (users.length > 0) {
    throw conflict('Rules still notify this channel: remove it from them first.', { rules: users.map((r) => ({ id: r.id, name: r.name })) });
  }
  await deps.channels.delete(current);
  await deps.bus.publish([eventOf(NotificationChannelDeleted, { projectId, actor: actorOf(by), channel: channelRef(current) })]);
};

export interface TestSendResult {
  status: 'sent' | 'failed';
  attempts: number;
  error?: string;
  reference?: string;
  message: RenderedMessage;
}

/** A test message to the channel now (one try: the caller is waiting), answering how it went. Not in the delivery log. */
export const testChannel = async (deps: NotificationDeps, projectId: string, channelId: string): Promise<TestSendResult> => {
  const channel = await mustGetChannel(deps, projectId, channelId);
  const project = await deps.projects.get(projectId);
  const vars = sampleVariables('run.succeeded', deps.consoleUrl, { id: projectId, name: project?.name ?? projectId });
  // Not a template: the channel's name is the user's text and must not be read as Liquid.
  const message = {
    subject: `[${vars.project.name}] Test notification from OpsConductor`,
    body: `This is a test of the notification channel "${channel.name}". Rules that name it send messages like this one when runs start, end or run late.`,
  };
  const result = await sendToChannel({ ...deps, retry: { ...(deps.retry ?? defaultRetryPolicy), attempts: 1 } }, channel, `test-${deps.ids.next('evt')}`, vars, message);
  return {
    status: result.ok ? 'sent' : 'failed',
    attempts: result.attempts,
    ...(result.error === undefined ? {} : { error: result.error }),
    ...(result.reference === undefined ? {} : { reference: result.reference }),
    message,
  };
};

/** Everything a saved rule must satisfy: its job and channels exist in the project, overdue has a duration, templates parse. */
const checkRule = async (deps: Pick<NotificationDeps, 'jobs' | 'channels'>, projectId: string, r: Pick<Rule, 'jobId' | 'events' | 'channelIds' | 'overdueAfterMinutes' | 'template'>) => {
  if (r.jobId !== undefined && !(await deps.jobs.get(projectId, r.jobId))) throw invalid('jobId', 'is not a job of this project');
  const unique = new Set(r.channelIds);
  if (unique.size !== r.channelIds.length) throw invalid('channelIds', 'names a channel twice');
  for (const [i, channelId] of r.channelIds.entries()) {
    if (!(await deps.channels.get(projectId, channelId))) throw invalid(`channelIds.${String(i)}`, 'is not a notification channel of this project');
  }
  if (new Set(r.events).size !== r.events.length) throw invalid('events', 'names an event twice');
  if (r.events.includes('run.overdue') && r.overdueAfterMinutes === undefined) throw invalid('overdueAfterMinutes', 'is required with run.overdue');
  if (!r.events.includes('run.overdue') && r.overdueAfterMinutes !== undefined) throw invalid('overdueAfterMinutes', 'applies only with run.overdue');
  validateTemplate(r.template);
};

export const listRules = (deps: Pick<NotificationDeps, 'rules'>, projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Rule>> => deps.rules.list(projectId, page);

export const getRule = (deps: Pick<NotificationDeps, 'rules'>, projectId: string, ruleId: string): Promise<Rule> => mustGetRule(deps, projectId, ruleId);

export const createRule = async (deps: NotificationDeps, by: Principal, projectId: string, input: RuleInput): Promise<Rule> => {
  await checkRule(deps, projectId, input);
  const now = deps.clock.now().toISOString();
  const rule: Rule = {
    id: deps.ids.next('nrl'),
    projectId,
    name: input.name,
    ...(input.jobId === undefined ? {} : { jobId: input.jobId }),
    events: input.events,
    channelIds: input.channelIds,
    ...(input.overdueAfterMinutes === undefined ? {} : { overdueAfterMinutes: input.overdueAfterMinutes }),
    template: input.template,
    enabled: input.enabled,
    createdAt: now,
    createdBy: displayNameOf(by),
    updatedAt: now,
    updatedBy: displayNameOf(by),
    version: 1,
  };
  await deps.rules.create(rule);
  await deps.bus.publish([eventOf(NotificationRuleCreated, { projectId, actor: actorOf(by), rule: ruleRef(rule) })]);
  return rule;
};

export const updateRule = async (deps: NotificationDeps, by: Principal, projectId: string, ruleId: string, patch: RulePatch): Promise<Rule> => {
  const current = await mustGetRule(deps, projectId, ruleId);
  const { jobId, overdueAfterMinutes, ...rest } = patch;
  const merged: Rule = { ...current, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
  // null clears: a rule for one job becomes project-wide, an overdue duration goes with run.overdue.
  if (jobId === null) delete merged.jobId;
  else if (jobId !== undefined) merged.jobId = jobId;
  if (overdueAfterMinutes === null) delete merged.overdueAfterMinutes;
  else if (overdueAfterMinutes !== undefined) merged.overdueAfterMinutes = overdueAfterMinutes;
  await checkRule(deps, projectId, merged);
  const next: Rule = { ...merged, updatedAt: deps.clock.now().toISOString(), updatedBy: displayNameOf(by), version: current.version + 1 };
  await deps.rules.update(next, current.version);
  await deps.bus.publish([eventOf(NotificationRuleUpdated, { projectId, actor: actorOf(by), rule: ruleRef(next) })]);
  return next;
};

export const deleteRule = async (deps: NotificationDeps, by: Principal, projectId: string, ruleId: string): Promise<void> => {
  const current = await mustGetRule(deps, projectId, ruleId);
  await deps.rules.delete(current);
  await deps.bus.publish([eventOf(NotificationRuleDeleted, { projectId, actor: actorOf(by), rule: ruleRef(current) })]);
};

/** A template rendered against a real run of the project, or a sample run; nothing is sent. */
export const previewTemplate = async (deps: NotificationDeps, projectId: string, input: PreviewInput): Promise<RenderedMessage & { variables: TemplateVariables }> => {
  validateTemplate(input.template);
  const project = { id: projectId, name: (await deps.projects.get(projectId))?.name ?? projectId };
  let vars: TemplateVariables;
  if (input.runId === undefined) {
    vars = sampleVariables(input.event, deps.consoleUrl, project);
  } else {
    const run = await deps.runs.get(input.runId);
    if (run?.projectId !== projectId) throw notFound('Run', input.runId);
    const extra =
      input.event === 'run.overdue' && run.startedAt !== undefined
        ? { overdue: { afterMinutes: 0, runningMinutes: Math.floor((deps.clock.now().getTime() - Date.parse(run.startedAt)) / 60_000) } }
        : {};
    vars = variablesOf(deps.consoleUrl, input.event, project, { id: run.id, jobId: run.jobId, jobName: run.jobName, jobVersion: run.jobVersion }, run, extra);
  }
  return { ...(await renderMessage(input.template, vars)), variables: vars };
};

export const listDeliveries = (deps: Pick<NotificationDeps, 'deliveries'>, projectId: string, query: DeliveryListQuery): Promise<Page<Delivery>> => deps.deliveries.list(projectId, query);

