import { isAppError } from '../errors';
import { TriggerFailed, TriggerFired } from '../events/catalog';
import { mapInput } from '../events/test-pattern';
import type { Actor, ApiKeyPrincipal } from '../identity/principal';
import { eventOf, type EventEnvelope } from '../ports/event-bus';
import type { TriggerStore } from '../ports/trigger-store';
import { runIdFor, startRun, type RunDeps } from '../runs/service';
import type { Trigger, TriggerFailureReason } from './schema';

/**
 * One delivery of one event to one trigger, as the trigger's bus rule calls it. The run's
 * idempotency key is `<triggerId>@<event id>`, so a redelivered (or replayed) event starts at most
 * one run. A trigger never fires for events it caused itself (`detail.triggerId` or
 * `detail.actor.id` is its id): its own Trigger Fired/Failed and the Run events of its runs.
 */
export interface TriggerFireDeps extends RunDeps {
  triggers: Pick<TriggerStore, 'get'>;
}

export type TriggerFireOutcome =
  | { outcome: 'fired'; runId: string }
  /** This event had already started its run (a redelivery). */
  | { outcome: 'duplicate'; runId: string }
  | { outcome: 'failed'; reason: TriggerFailureReason }
  /** Gone, disabled, or an event of the trigger's own making. */
  | { outcome: 'ignored' };

/** Who a trigger acts as: like a schedule, an API-key-shaped principal of its own project (`trigger:<id>`). */
export const triggerPrincipal = (t: Pick<Trigger, 'id' | 'projectId'>): ApiKeyPrincipal => ({
  type: 'apiKey',
  keyId: t.id,
  name: `trigger:${t.id}`,
  projectId: t.projectId,
  role: 'operator',
});

export const triggerActor = (t: Pick<Trigger, 'id'>): Actor => ({ type: 'system', id: t.id, name: `trigger:${t.id}` });

export const triggerIdempotencyKey = (triggerId: string, eventId: string): string => `${triggerId}@${eventId}`;

/**
 * Which occurrence an event stands for. Usually its id; for a webhook, the sender's delivery id
 * (`webhook:<hook's trigger>:<delivery>`): each accepted call is a new bus event, so a resent
 * delivery (a sender's retry, or a captured call replayed within the timestamp window) maps to the
 * same run instead of a new one.
 */
export const occurrenceOf = (event: Pick<EventEnvelope, 'id' | 'source' | 'detail-type' | 'detail'>): string => {
  if (event.source !== 'opsconductor.automation' || event['detail-type'] !== 'Webhook Received') return event.id;
  const d = event.detail as { triggerId?: unknown; deliveryId?: unknown } | null;
  return typeof d?.triggerId === 'string' && typeof d.deliveryId === 'string' ? `webhook:${d.triggerId}:${d.deliveryId}` : event.id;
};

const reasonOf = (e: unknown): TriggerFailureReason | undefined => {
  if (!isAppError(e)) return undefined;
  if (e.code === 'NOT_FOUND') return 'job-missing';
  if (e.code === 'CONFIRMATION_REQUIRED' || e.code === 'FORBIDDEN') return 'confirmation-required';
  if (e.code === 'VALIDATION_FAILED' || e.code === 'BAD_REQUEST') return 'invalid-parameters';
  if (e.code === 'UNPROCESSABLE') return 'no-targets';
  return undefined;
};

/** Did this trigger cause the event (its own fire/fail events, or the events of runs it started)? */
export const causedBy = (triggerId: string, event: Pick<EventEnvelope, 'detail'>): boolean => {
  const detail = event.detail;
  if (typeof detail !== 'object' || detail === null) return false;
  const d = detail as { triggerId?: unknown; actor?: { id?: unknown } | null };
  return d.triggerId === triggerId || (typeof d.actor === 'object' && d.actor !== null && d.actor.id === triggerId);
};

/** The run's parameters: the trigger's fixed values, then what the mapping takes from the event. */
export const triggerParameters = (t: Pick<Trigger, 'parameters' | 'inputMapping'>, event: unknown): Record<string, unknown> => ({
  ...t.parameters,
  ...mapInput(event, t.inputMapping),
});

export const fireTrigger = async (deps: TriggerFireDeps, trigger: Pick<Trigger, 'id' | 'projectId'>, event: EventEnvelope): Promise<TriggerFireOutcome> => {
  // Webhook Received carries the trigger id it is for: that is the trigger's input, not its own output.
  const isOwnWebhook = event['detail-type'] === 'Webhook Received' && event.source === 'opsconductor.automation';
  if (!isOwnWebhook && causedBy(trigger.id, event)) return { outcome: 'ignored' };
  // The stored trigger decides: a rule left armed for a moment after a change never fires an old definition.
  const current = await deps.triggers.get(trigger.projectId, trigger.id);
  if (!current?.enabled) return { outcome: 'ignored' };
  const key = triggerIdempotencyKey(current.id, occurrenceOf(event));
  let started: Awaited<ReturnType<typeof startRun>>;
  try {
    started = await startRun(
      deps,
      triggerPrincipal(current),
      current.confirmDangerous ? 'admin' : 'operator',
      current.projectId,
      current.jobId,
      { parameters: triggerParameters(current, event), confirmDangerous: current.confirmDangerous },
      key,
    );
  } catch (e) {
    // The same key with a different request: the trigger changed since this event started its run.
    if (isAppError(e) && e.code === 'IDEMPOTENCY_CONFLICT') return { outcome: 'duplicate', runId: runIdFor(current.projectId, current.jobId, key) };
    const reason = reasonOf(e);
    // Not ours (the store, the launcher): thrown, so the bus retries the delivery and dead-letters it at last.
    if (reason === undefined) throw e;
    await deps.bus.publish([
      eventOf(TriggerFailed, {
        projectId: current.projectId,
        actor: triggerActor(current),
        triggerId: current.id,
        eventId: event.id,
        reason,
        ...(isAppError(e) ? { message: e.message.slice(0, 500) } : {}),
      }),
    ]);
    return { outcome: 'failed', reason };
  }
  if (!started.created) return { outcome: 'duplicate', runId: started.run.id };
  await deps.bus.publish([
    eventOf(TriggerFired, { projectId: current.projectId, actor: triggerActor(current), triggerId: current.id, eventId: event.id, runId: started.run.id }),
  ]);
  return { outcome: 'fired', runId: started.run.id };
};
