import type { Logger } from '@aws-lambda-powertools/logger';
import type { LocalEventBus } from '../adapters/local/event-bus';
import type { EventPattern } from '../core/events/pattern';
import type { TriggerSync } from '../core/ports/trigger-sync';
import { fireTrigger, type TriggerFireDeps } from '../core/triggers/fire';
import { armedPatternOf, triggerRuleName } from '../core/triggers/rule';
import type { Trigger } from '../core/triggers/schema';

/**
 * Triggers on the local bus: one rule per enabled trigger, named and patterned as its EventBridge
 * rule is on AWS (core/triggers/rule.ts), its target fireTrigger. The stack puts every enabled
 * trigger at start (before the bus recovers undelivered events), and the triggers service puts or
 * removes one after each change.
 */
export const localTriggerSync = (deps: { bus: Pick<LocalEventBus, 'addRule' | 'removeRule'>; fireDeps: TriggerFireDeps; logger: Logger }): TriggerSync => ({
  put: (trigger: Trigger) => {
    const name = triggerRuleName(trigger.id);
    deps.bus.removeRule(name);
    if (trigger.enabled) {
      deps.bus.addRule({
        name,
        pattern: JSON.parse(armedPatternOf(trigger)) as EventPattern,
        target: async (event) => {
          const outcome = await fireTrigger(deps.fireDeps, trigger, event);
          if (outcome.outcome !== 'ignored') deps.logger.info('trigger', { triggerId: trigger.id, eventId: event.id, ...outcome });
        },
      });
    }
    return Promise.resolve();
  },
  remove: (trigger: Trigger) => {
    deps.bus.removeRule(triggerRuleName(trigger.id));
    return Promise.resolve();
  },
});
