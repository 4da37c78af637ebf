import type { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import type { EventEnvelope } from '../../core/ports/event-bus';
import { ProjectId } from '../../core/projects/schema';
import { fireTrigger, type TriggerFireDeps, type TriggerFireOutcome } from '../../core/triggers/fire';
import { TriggerId } from '../../core/triggers/schema';

/** The envelope as EventBridge delivers it; `detail` is whatever the sender put (the mapping reads it). */
const Envelope = z.looseObject({
  version: z.string(),
  id: z.string().min(1),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string(),
  time: z.string(),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.unknown(),
  'replay-name': z.string().optional(),
});

/** The input each trigger rule's target sends (adapters/aws/eventbridge-trigger-sync.ts): the ids and the whole event. */
export const TriggerFireInput = z.strictObject({ triggerId: TriggerId, projectId: ProjectId, event: Envelope });

/**
 * The target of every trigger rule: one delivery of one event to one trigger (core/triggers/fire.ts
 * re-reads the trigger, ignores it when gone or disabled, maps the input and starts the run with
 * the key `<triggerId>@<event>`). An input that is not ours throws before anything is read, and so
 * does an infrastructure failure: Lambda retries, then dead-letters; a redelivery starts no second run.
 */
export const makeTriggerFireHandler =
  (deps: TriggerFireDeps & { logger: Logger }) =>
  async (input: unknown): Promise<TriggerFireOutcome> => {
    const parsed = TriggerFireInput.safeParse(input);
    if (!parsed.success) throw new Error(`Not a trigger fire: ${z.prettifyError(parsed.error)}`);
    const { triggerId, projectId, event } = parsed.data;
    const outcome = await fireTrigger(deps, { id: triggerId, projectId }, event as EventEnvelope);
    // Ids and the outcome only: the event's detail may carry anything its sender put in it.
    deps.logger.info('trigger fire', { triggerId, projectId, eventId: event.id, ...outcome });
    return outcome;
  };
