import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { checkPublishable } from '../../core/events/publishable';
import type { DomainEvent, EventBus } from '../../core/ports/event-bus';

const MAX_ENTRIES_PER_CALL = 10;

/**
 * Publishes domain events to the custom bus. Every event is checked against the catalog first, so a
 * batch with one off-schema event puts none; partial failures are errors, not silently dropped events.
 */
export const createEventBridgeBus = ({ client, busName }: { client: EventBridgeClient; busName: string }): EventBus => ({
  publish: async (unchecked: readonly DomainEvent[]) => {
    const events = unchecked.map(checkPublishable);
    for (let i = 0; i < events.length; i += MAX_ENTRIES_PER_CALL) {
      const entries: PutEventsRequestEntry[] = events.slice(i, i + MAX_ENTRIES_PER_CALL).map((e) => ({
        EventBusName: busName,
        Source: e.source,
        DetailType: e.detailType,
        Detail: JSON.stringify(e.detail),
        ...(e.resources ? { Resources: [...e.resources] } : {}),
      }));
      const res = await client.send(new PutEventsCommand({ Entries: entries }));
      if ((res.FailedEntryCount ?? 0) > 0) {
        const failures = (res.Entries ?? []).filter((r) => r.ErrorCode).map((r) => `${r.ErrorCode ?? ''}: ${r.ErrorMessage ?? ''}`);
        throw new Error(`EventBridge rejected ${res.FailedEntryCount ?? 0} event(s): ${failures.join('; ')}`);
      }
    }
  },
});
