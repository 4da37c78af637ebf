import type { Clock } from '../../core/clock';
import { compilePattern, type EventPattern } from '../../core/events/pattern';
import type { IdGenerator } from '../../core/ids';
import type { DomainEvent, EventBus, EventEnvelope } from '../../core/ports/event-bus';

export interface LocalRule {
  name: string;
  /** An EventBridge event pattern, matched by the same matcher the API's test-pattern endpoint uses. */
  pattern: EventPattern;
  target: (event: EventEnvelope) => Promise<void>;
}

export interface LocalEventBus extends EventBus {
  addRule(rule: LocalRule): void;
  /** Resolves when every delivery started so far has finished (tests and shutdown). */
  drain(): Promise<void>;
}

export interface LocalBusDeps {
  clock: Clock;
  ids: IdGenerator;
  onDeliveryError: (rule: string, event: EventEnvelope, error: unknown) => void;
  account?: string;
  region?: string;
}

/**
 * EventBridge's role on one machine: events get the same envelope, rules the same patterns, and
 * targets are called after `publish` returns, as EventBridge delivers asynchronously.
 */
export const createLocalEventBus = (deps: LocalBusDeps): LocalEventBus => {
  const rules: { name: string; matches: (e: unknown) => boolean; target: LocalRule['target'] }[] = [];
  const inFlight = new Set<Promise<void>>();

  const deliver = (rule: (typeof rules)[number], envelope: EventEnvelope): void => {
    const p = new Promise<void>((resolve) => setImmediate(resolve))
      // Each target gets its own copy, as it would after EventBridge serialised the event.
      .then(() => rule.target(structuredClone(envelope)))
      .catch((error: unknown) => {
        deps.onDeliveryError(rule.name, envelope, error);
      })
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  return {
    addRule: (rule) => {
      rules.push({ name: rule.name, matches: compilePattern(rule.pattern), target: rule.target });
    },

    publish: (events: readonly DomainEvent[]) => {
      for (const e of events) {
        const envelope: EventEnvelope = {
          version: '0',
          id: deps.ids.next('evt'),
          'detail-type': e.detailType,
          source: e.source,
          account: deps.account ?? '000000000000',
          time: deps.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: deps.region ?? 'local',
          resources: [...(e.resources ?? [])],
          detail: JSON.parse(JSON.stringify(e.detail)) as unknown,
        };
        for (const rule of rules) if (rule.matches(envelope)) deliver(rule, envelope);
      }
      return Promise.resolve();
    },

    drain: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
  };
};
