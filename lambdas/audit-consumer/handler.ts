import type { Logger } from '@aws-lambda-powertools/logger';
import { recordEvent, type AuditConsumerDeps } from '../../core/audit/service';
import type { EventEnvelope } from '../../core/ports/event-bus';

/**
 * The audit trail's bus consumer: the target of a rule matching every `opsconductor.*` event (on
 * AWS an EventBridge rule with retries and a dead-letter queue; locally a rule on the local bus).
 * A failure throws, so the event is retried; a redelivered event writes nothing new.
 */
export const makeAuditConsumer =
  (deps: AuditConsumerDeps & { logger: Logger }) =>
  async (event: EventEnvelope): Promise<void> => {
    const { written, record } = await recordEvent(deps, event);
    deps.logger.debug(written ? 'audit record written' : 'audit record already present', { eventId: record.eventId, action: record.action });
  };
