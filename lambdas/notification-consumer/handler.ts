import type { Logger } from '@aws-lambda-powertools/logger';
import { checkOverdueRuns, deliverRunEvent, type DeliveryDeps, type DeliveryOutcome } from '../../core/notifications/deliver';
import type { RunStore } from '../../core/ports/run-store';
import type { EventEnvelope } from '../../core/ports/event-bus';

/** What is logged of an outcome: ids and status, never a recipient, URL or message. */
const summary = (o: DeliveryOutcome) =>
  'skipped' in o ? { deliveryId: o.deliveryId, skipped: o.skipped } : { deliveryId: o.id, status: o.status, attempts: o.attempts, channelKind: o.channelKind };

/**
 * The notifications' bus consumer: the target of a rule on `Run Started` and `Run Completed` (on
 * AWS an EventBridge rule with retries and a dead-letter queue; locally a rule on the local bus).
 * A channel's own failure is recorded in the delivery log, not thrown; a store failure throws, so
 * the event is retried and deliveries already made are skipped.
 */
export const makeNotificationConsumer =
  (deps: DeliveryDeps & { logger: Logger }) =>
  async (event: EventEnvelope): Promise<void> => {
    const outcomes = await deliverRunEvent(deps, event);
    if (outcomes.length > 0) deps.logger.info('notifications', { eventId: event.id, deliveries: outcomes.map(summary) });
  };

/** The overdue check, run every minute (a local timer; an EventBridge schedule on AWS). */
export const makeOverdueCheck = (deps: DeliveryDeps & { runs: Pick<RunStore, 'get' | 'listActive'>; logger: Logger }) => async (): Promise<void> => {
  const outcomes = await checkOverdueRuns(deps);
  if (outcomes.length > 0) deps.logger.info('overdue notifications', { deliveries: outcomes.map(summary) });
};
