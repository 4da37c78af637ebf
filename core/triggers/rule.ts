import type { Trigger } from './schema';

/**
 * A trigger's bus rule, the same locally and on AWS: its name (one prefix for all of them, so an
 * IAM policy can scope to `rule/<bus>/trigger-*`) and its pattern as armed on the bus.
 */
export const TRIGGER_RULE_PREFIX = 'trigger-';
export const triggerRuleName = (triggerId: string): string => `${TRIGGER_RULE_PREFIX}${triggerId}`;

/** EventBridge's default quota on a rule's pattern, in characters (raising it is a quota request per account). */
export const MAX_RULE_PATTERN_CHARS = 2048;

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The trigger's pattern plus "not caused by this trigger": everything a trigger causes (its own
 * Trigger Fired/Failed, the Run events of runs it started) names it as actor `trigger:<id>`, while
 * its own Webhook Received is `webhook:<id>` and so still matches. Filtering on the bus means such
 * events never invoke the fire at all; `fireTrigger` checks the same thing again, and alone covers
 * a pattern that constrains `detail.actor` itself (left as written: the two constraints cannot be
 * merged into one EventBridge field filter). An absent actor (events from other systems) matches.
 */
export const armedPatternOf = (t: Pick<Trigger, 'id' | 'pattern'>): string => {
  const pattern = JSON.parse(t.pattern) as Record<string, unknown>;
  const detail = pattern.detail ?? {};
  if (!isPlainObject(detail)) return t.pattern;
  const actor = detail.actor ?? {};
  if (!isPlainObject(actor) || actor.name !== undefined) return t.pattern;
  return JSON.stringify({ ...pattern, detail: { ...detail, actor: { ...actor, name: [{ 'anything-but': `trigger:${t.id}` }, { exists: false }] } } });
};
