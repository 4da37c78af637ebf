import { matchesPattern, validatePattern, type EventPattern } from '../../../core/events/pattern';
import { causedBy } from '../../../core/triggers/fire';
import { armedPatternOf, triggerRuleName } from '../../../core/triggers/rule';
import { webhookPatternOf } from '../../../core/triggers/service';

const id = 'trg_01JD0000000000000000000001';
const other = 'trg_01JD0000000000000000000002';

const armed = (pattern: string): EventPattern => {
  const text = armedPatternOf({ id, pattern });
  const checked = validatePattern(JSON.parse(text));
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.pattern;
};
const event = (source: string, detailType: string, detail: unknown) => ({ version: '0', id: 'e1', source, 'detail-type': detailType, account: '111122223333', time: '2026-03-01T00:00:00Z', region: 'eu-west-1', resources: [], detail });

describe('trigger rules', () => {
  it('are named with one prefix an IAM policy can scope to', () => {
    expect(triggerRuleName(id)).toBe(`trigger-${id}`);
    expect(triggerRuleName(id)).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
  });

  it('match what the pattern matches, but not the events the trigger caused, which fireTrigger would ignore', () => {
    const pattern = armed('{"source":[{"prefix":"opsconductor."}],"detail-type":["Run Completed","Trigger Fired","Job Updated"]}');
    const cases = [
      // A run it started: its actor is the trigger.
      [event('opsconductor.automation', 'Run Completed', { projectId: 'p', actor: { type: 'apiKey', id, name: `trigger:${id}` }, runId: 'r' }), false],
      // Its own Trigger Fired.
      [event('opsconductor.automation', 'Trigger Fired', { projectId: 'p', actor: { type: 'system', id, name: `trigger:${id}` }, triggerId: id }), false],
      // Another trigger's run, a person's change: they match.
      [event('opsconductor.automation', 'Run Completed', { projectId: 'p', actor: { type: 'apiKey', id: other, name: `trigger:${other}` }, runId: 'r' }), true],
      [event('opsconductor.automation', 'Job Updated', { projectId: 'p', actor: { type: 'user', id: 'u1', name: 'alice' } }), true],
    ] as const;
    for (const [e, expected] of cases) {
      expect({ type: e['detail-type'], actor: (e.detail as { actor: unknown }).actor, matched: matchesPattern(pattern, e) }).toEqual({
        type: e['detail-type'],
        actor: (e.detail as { actor: unknown }).actor,
        matched: expected,
      });
      // The bus's filter and the fire's own check agree.
      expect(causedBy(id, e)).toBe(!expected && (e.detail as { actor: { id: string } }).actor.id === id);
    }
  });

  it('still match events from other systems, which carry no actor (or a different kind of one)', () => {
    const pattern = armed('{"source":["com.example.ci"]}');
    expect(matchesPattern(pattern, event('com.example.ci', 'Build', { version: '1' }))).toBe(true);
    expect(matchesPattern(pattern, event('com.example.ci', 'Build', { actor: 'jenkins' }))).toBe(true);
    expect(matchesPattern(pattern, event('com.example.ci', 'Build', { actor: { name: 'jenkins' } }))).toBe(true);
    expect(matchesPattern(pattern, event('com.example.other', 'Build', {}))).toBe(false);
  });

  it("still match the trigger's own webhook, whose actor is the webhook", () => {
    const pattern = armed(webhookPatternOf(id));
    expect(matchesPattern(pattern, event('opsconductor.automation', 'Webhook Received', { projectId: 'p', actor: { type: 'system', id, name: `webhook:${id}` }, triggerId: id, deliveryId: 'd', body: {} }))).toBe(true);
  });

  it('keep the rest of the detail pattern, and leave a pattern that constrains the actor name as written', () => {
    const withDetail = JSON.parse(armedPatternOf({ id, pattern: '{"source":["a"],"detail":{"env":["prod"],"actor":{"type":["user"]}}}' })) as unknown;
    expect(withDetail).toEqual({ source: ['a'], detail: { env: ['prod'], actor: { type: ['user'], name: [{ 'anything-but': `trigger:${id}` }, { exists: false }] } } });
    const own = '{"source":["a"],"detail":{"actor":{"name":["alice"]}}}';
    expect(armedPatternOf({ id, pattern: own })).toBe(own);
    const leaf = '{"source":["a"],"detail":{"actor":["jenkins"]}}';
    expect(armedPatternOf({ id, pattern: leaf })).toBe(leaf);
  });
});
