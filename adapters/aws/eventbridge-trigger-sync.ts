import {
  DeleteRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
  RuleState,
  type EventBridgeClient,
  type PutRuleCommandInput,
  type PutTargetsCommandInput,
} from '@aws-sdk/client-eventbridge';
import type { TriggerSync } from '../../core/ports/trigger-sync';
import { armedPatternOf, triggerRuleName } from '../../core/triggers/rule';
import type { Trigger } from '../../core/triggers/schema';

export interface TriggerSyncConfig {
  /** The product bus the rules live on (EVENT_BUS_NAME). */
  busName: string;
  /** The trigger-fire Lambda every rule targets (TRIGGER_FIRE_FUNCTION_ARN). */
  fireFunctionArn: string;
  /** Where EventBridge puts events it could not deliver to it (TRIGGER_DLQ_ARN). */
  deadLetterArn: string;
}

/** The one target of every trigger rule. */
export const fireTargetId = 'fire';
/** EventBridge's delivery retries to the fire Lambda, within `triggerMaxEventAgeSeconds`, then the dead-letter queue. */
export const triggerRetryAttempts = 8;
export const triggerMaxEventAgeSeconds = 6 * 3600;

/**
 * What the fire Lambda receives (lambdas/trigger-fire): the ids, and the whole event as EventBridge
 * delivered it. `<aws.events.event.json>` is EventBridge's own variable for the full event, so
 * nothing of the event passes through a JSONPath here; the trigger's input mapping runs in core.
 */
export const fireInputTemplateOf = (t: Pick<Trigger, 'id' | 'projectId'>): string =>
  `{"triggerId":${JSON.stringify(t.id)},"projectId":${JSON.stringify(t.projectId)},"event":<aws.events.event.json>}`;

export const triggerRuleOf = (t: Trigger, config: TriggerSyncConfig): PutRuleCommandInput => ({
  Name: triggerRuleName(t.id),
  EventBusName: config.busName,
  Description: `OpsConductor trigger ${t.name}`.slice(0, 512),
  EventPattern: armedPatternOf(t),
  State: t.enabled ? RuleState.ENABLED : RuleState.DISABLED,
});

export const triggerTargetsOf = (t: Trigger, config: TriggerSyncConfig): PutTargetsCommandInput => ({
  Rule: triggerRuleName(t.id),
  EventBusName: config.busName,
  Targets: [
    {
      Id: fireTargetId,
      Arn: config.fireFunctionArn,
      InputTransformer: { InputTemplate: fireInputTemplateOf(t) },
      RetryPolicy: { MaximumRetryAttempts: triggerRetryAttempts, MaximumEventAgeInSeconds: triggerMaxEventAgeSeconds },
      DeadLetterConfig: { Arn: config.deadLetterArn },
    },
  ],
});

const isNotFound = (e: unknown) => e instanceof ResourceNotFoundException || (e instanceof Error && e.name === 'ResourceNotFoundException');

const failedEntries = (what: string, res: { FailedEntryCount?: number | undefined; FailedEntries?: { ErrorCode?: string | undefined; ErrorMessage?: string | undefined }[] | undefined }) => {
  if ((res.FailedEntryCount ?? 0) === 0) return;
  const reasons = (res.FailedEntries ?? []).map((f) => `${f.ErrorCode ?? ''}: ${f.ErrorMessage ?? ''}`).join('; ');
  throw new Error(`EventBridge refused ${what}: ${reasons}`);
};

/**
 * EventBridge rules as the TriggerSync: one rule per trigger on the product bus, named by its id.
 * `put` is an upsert (PutRule and PutTargets replace what is there), so a retried or repeated call
 * is harmless; a disabled trigger keeps its rule, DISABLED, and enabling it arms it again. `remove`
 * takes the target off and deletes the rule, and a rule already gone is done.
 */
export const createEventBridgeTriggerSync = ({ client, config }: { client: Pick<EventBridgeClient, 'send'>; config: TriggerSyncConfig }): TriggerSync => ({
  put: async (t) => {
    await client.send(new PutRuleCommand(triggerRuleOf(t, config)));
    failedEntries(`the target of ${triggerRuleName(t.id)}`, await client.send(new PutTargetsCommand(triggerTargetsOf(t, config))));
  },
  remove: async (t) => {
    const Rule = triggerRuleName(t.id);
    try {
      // A target already gone is no failure here; one that stays makes DeleteRule refuse, and that is thrown.
      await client.send(new RemoveTargetsCommand({ Rule, EventBusName: config.busName, Ids: [fireTargetId] }));
      await client.send(new DeleteRuleCommand({ Name: Rule, EventBusName: config.busName }));
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  },
});
