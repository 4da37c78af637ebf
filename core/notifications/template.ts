import { Liquid } from 'liquidjs';
import { AppError } from '../errors';
import type { NotificationEvent, Template } from './schema';

/**
 * Message templates: Liquid (liquidjs) with a subject and a body. Rule authors are project admins,
 * not trusted with the server: the engine reads no files (no include, render or layout tags, an
 * empty in-memory template set), sees own properties only, and parsing and rendering are bounded
 * in size and time. Unknown variables render empty (strict variables off) so a template written
 * for one event works for all.
 */
const engine = new Liquid({
  strictVariables: false,
  strictFilters: true,
  ownPropertyOnly: true,
  templates: {},
  relativeReference: false,
  parseLimit: 64 * 1024,
  renderLimit: 500,
  memoryLimit: 8 * 1024 * 1024,
});
for (const tag of ['include', 'render', 'layout']) Reflect.deleteProperty(engine.tags, tag);

/** What a template can use (docs/notifications.md lists them for users). */
export interface TemplateVariables {
  /** `run.started`, `run.succeeded`, `run.failed`, `run.cancelled`, `run.overdue`. */
  event: NotificationEvent;
  project: { id: string; name: string };
  job: { id: string; name: string; version: number };
  run: {
    id: string;
    status: string;
    /** The run's page in the console. */
    url: string;
    startedBy: string;
    createdAt: string;
    startedAt?: string | undefined;
    finishedAt?: string | undefined;
    durationSeconds?: number | undefined;
    hosts: number;
    error?: { code: string; message: string } | undefined;
  };
  /** Hosts per status: total, succeeded, failed, unreachable, cancelled, timed_out, skipped, lost, pending, running. */
  counts: Record<string, number>;
  /** For `run.overdue`. */
  overdue?: { afterMinutes: number; runningMinutes: number } | undefined;
}

const subjectPrefix = '[{{ project.name }}] {{ job.name }}';
const link = '\n\nRun: {{ run.url }}';

export const defaultTemplates: Record<NotificationEvent, { subject: string; body: string }> = {
  'run.started': {
    subject: `${subjectPrefix} started`,
    body: `Run {{ run.id }} of {{ job.name }} (version {{ job.version }}) started on {{ run.hosts }} host(s), by {{ run.startedBy }}.${link}`,
  },
  'run.succeeded': {
    subject: `${subjectPrefix} succeeded`,
    body: `Run {{ run.id }} of {{ job.name }} succeeded on {{ counts.succeeded }} of {{ counts.total }} host(s){% if run.durationSeconds %} in {{ run.durationSeconds }} s{% endif %}.${link}`,
  },
  'run.failed': {
    subject: `${subjectPrefix} failed`,
    body: `Run {{ run.id }} of {{ job.name }} ended {{ run.status }}: {{ counts.succeeded }} of {{ counts.total }} host(s) succeeded, {{ counts.failed }} failed, {{ counts.unreachable }} unreachable, {{ counts.timed_out }} timed out.{% if run.error %}\n{{ run.error.message }}{% endif %}${link}`,
  },
  'run.cancelled': {
    subject: `${subjectPrefix} cancelled`,
    body: `Run {{ run.id }} of {{ job.name }} was cancelled: {{ counts.succeeded }} of {{ counts.total }} host(s) had succeeded.${link}`,
  },
  'run.overdue': {
    subject: `${subjectPrefix} is overdue`,
    body: `Run {{ run.id }} of {{ job.name }} has been running for {{ overdue.runningMinutes }} minutes (overdue after {{ overdue.afterMinutes }}).${link}`,
  },
};

const invalidTemplate = (field: 'subject' | 'body', e: unknown) =>
  new AppError('VALIDATION_FAILED', `The template ${field} is not valid Liquid.`, [
    { location: 'body', path: `template.${field}`, message: e instanceof Error ? e.message.split('\n')[0] ?? 'does not parse' : 'does not parse' },
  ]);

/** Parses both parts, so a rule is never saved with a template that cannot render. */
export const validateTemplate = (template: Template): void => {
  for (const field of ['subject', 'body'] as const) {
    const text = template[field];
    if (text === undefined) continue;
    try {
      engine.parse(text);
    } catch (e) {
      throw invalidTemplate(field, e);
    }
  }
};

export interface RenderedMessage {
  subject: string;
  body: string;
}

/** The rule's template over the event's default; a subject is one line. Throws UNPROCESSABLE when rendering fails. */
export const renderMessage = async (template: Template, vars: TemplateVariables): Promise<RenderedMessage> => {
  const defaults = defaultTemplates[vars.event];
  const render = async (field: 'subject' | 'body'): Promise<string> => {
    try {
      const out: unknown = await engine.parseAndRender(template[field] ?? defaults[field], vars);
      return String(out);
    } catch (e) {
      throw new AppError('UNPROCESSABLE', `The template ${field} could not be rendered: ${e instanceof Error ? (e.message.split('\n')[0] ?? '') : 'unknown error'}`);
    }
  };
  const subject = (await render('subject')).replace(/\s+/g, ' ').trim().slice(0, 998);
  return { subject, body: await render('body') };
};

/** A run to preview templates against when none is named. */
export const sampleVariables = (event: NotificationEvent, consoleUrl: string, project: { id: string; name: string }): TemplateVariables => ({
  event,
  project,
  job: { id: 'job_01JD0000000000000000000000', name: 'nightly-backup', version: 3 },
  run: {
    id: 'run_01JD0000000000000000000000',
    status: event === 'run.started' || event === 'run.overdue' ? 'running' : event.slice('run.'.length),
    url: `${consoleUrl}/projects/${project.id}/runs/run_01JD0000000000000000000000`,
    startedBy: 'alice',
    createdAt: '2026-01-01T02:00:00.000Z',
    startedAt: '2026-01-01T02:00:01.000Z',
    ...(event === 'run.started' || event === 'run.overdue' ? {} : { finishedAt: '2026-01-01T02:03:01.000Z', durationSeconds: 180 }),
    hosts: 4,
    ...(event === 'run.failed' ? { error: { code: 'MAX_ERRORS', message: '2 hosts failed, more than the job allows (1).' } } : {}),
  },
  counts: {
    total: 4,
    succeeded: event === 'run.failed' ? 2 : event === 'run.succeeded' ? 4 : 0,
    failed: event === 'run.failed' ? 1 : 0,
    unreachable: event === 'run.failed' ? 1 : 0,
    timed_out: 0,
    cancelled: event === 'run.cancelled' ? 4 : 0,
    skipped: 0,
    lost: 0,
    pending: 0,
    running: event === 'run.started' || event === 'run.overdue' ? 4 : 0,
  },
  ...(event === 'run.overdue' ? { overdue: { afterMinutes: 30, runningMinutes: 31 } } : {}),
});
