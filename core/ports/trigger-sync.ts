import type { Trigger } from '../triggers/schema';

/**
 * What delivers events to triggers, told about every change the triggers service makes: locally
 * one rule per enabled trigger on the local bus (local/stack.ts). On AWS no adapter exists yet
 * (docs/triggers.md): the API saves triggers, but no EventBridge rule fires them. Called after the
 * store write.
 */
export interface TriggerSync {
  /** The trigger as saved: a rule with its pattern while enabled, none while disabled (create or replace). */
  put(trigger: Trigger): Promise<void>;
  /** The trigger was deleted: its rule goes (gone already is fine). */
  remove(trigger: Trigger): Promise<void>;
}

/** For deployments without a rule per trigger (AWS today): nothing to keep in step. */
export const noTriggerSync: TriggerSync = {
  put: () => Promise.resolve(),
  remove: () => Promise.resolve(),
};
