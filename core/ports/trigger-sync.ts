import type { Trigger } from '../triggers/schema';

/**
 * What delivers events to triggers, told about every change the triggers service makes: locally
 * one rule per enabled trigger on the local bus (local/triggers.ts), on AWS one EventBridge rule per
 * trigger (adapters/aws/eventbridge-trigger-sync.ts). Called after the store write.
 */
export interface TriggerSync {
  /** The trigger as saved: a rule with its pattern while enabled, none while disabled (create or replace). */
  put(trigger: Trigger): Promise<void>;
  /** The trigger was deleted: its rule goes (gone already is fine). */
  remove(trigger: Trigger): Promise<void>;
}
