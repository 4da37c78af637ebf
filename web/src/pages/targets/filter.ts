import type { PropertyFilterProps } from '@cloudscape-design/components/property-filter';
import type { Target, TargetFilter, TargetProtocol } from '../../api/types';

/**
 * The targets filter: Cloudscape PropertyFilter tokens turned into the API's query
 * (`selector`, `namePrefix`, `protocol`; docs/selectors.md), plus a selector typed by hand.
 *
 * - a tag key is a property: `key = v` → `key=v`, `key != v` → `key!=v`, `key is one of v1, v2` →
 *   `key in (v1,v2)`, `key is none of …` → `key notin (…)`;
 * - "Has tag" names a key: `= key` → `key` (exists), `!= key` → `!key` (does not exist);
 * - "Target name" starts with → `namePrefix`; "Target protocol" = → `protocol`.
 * The selector has no OR: every token must hold, so the filter's operation is always "and".
 * A syntax error (400 VALIDATION_FAILED on `selector`) names a position in the text sent, which
 * the page shows with that position marked.
 */
export const TAG_PREFIX = 'tag:';
export const HAS_TAG = 'hasTag';
export const NAME = 'name';
export const PROTOCOL = 'protocol';

// A value the grammar takes bare; any other is quoted, with " and \ escaped.
const BARE_VALUE = /^[A-Za-z0-9._\-/:@+]+$/;
export const selectorValue = (value: string): string => (BARE_VALUE.test(value) ? value : `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`);

const listOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : typeof value === 'string' ? [value] : []);

/** One token as a selector requirement; undefined for tokens that are not about tags. */
export const requirementOf = (token: PropertyFilterProps.Token): string | undefined => {
  const property = token.propertyKey ?? '';
  if (property === HAS_TAG) {
    const key = listOf(token.value)[0] ?? '';
    return token.operator === '!=' ? `!${key}` : key;
  }
  if (!property.startsWith(TAG_PREFIX)) return undefined;
  const key = property.slice(TAG_PREFIX.length);
  const values = listOf(token.value);
  switch (token.operator) {
    case '=':
      return `${key}=${selectorValue(values[0] ?? '')}`;
    case '!=':
      return `${key}!=${selectorValue(values[0] ?? '')}`;
    case 'in':
    case 'notin':
      return values.length === 0 ? undefined : `${key} ${token.operator} (${values.map(selectorValue).join(',')})`;
    default:
      return undefined;
  }
};

/**
 * The query the API gets: the tokens' requirements, then the typed selector, all ANDed. The typed
 * text goes last: the generated part is always well formed, so a syntax error is the typed text's
 * (an unclosed list there cannot swallow a requirement after it).
 */
export const filterOf = (query: PropertyFilterProps.Query, typedSelector: string): TargetFilter => {
  const typed = typedSelector.trim() === '' ? '' : typedSelector;
  const requirements = query.tokens.map(requirementOf).filter((r): r is string => r !== undefined && r !== '');
  const selector = [...requirements, typed].filter((r) => r !== '').join(',');
  // The API takes one of each; the last token given wins (the summary under the filter says what is sent).
  const namePrefix = query.tokens.filter((t) => t.propertyKey === NAME).map((t) => listOf(t.value)[0] ?? '').findLast((v) => v !== '');
  const protocol = query.tokens
    .filter((t) => t.propertyKey === PROTOCOL)
    .map((t) => listOf(t.value)[0])
    .findLast((v): v is TargetProtocol => v === 'ssh' || v === 'winrm');
  return {
    ...(selector === '' ? {} : { selector }),
    ...(namePrefix === undefined ? {} : { namePrefix }),
    ...(protocol === undefined ? {} : { protocol }),
  };
};

/** A selector syntax error (400 VALIDATION_FAILED on `selector`): its message ends the problem with `at position N`. */
export const positionOf = (message: string): number | undefined => {
  const m = /at position (\d+)/.exec(message);
  return m?.[1] === undefined ? undefined : Number(m[1]);
};

/** Tag keys and their values seen in the targets loaded so far (the filter's suggestions). */
export type KnownTags = ReadonlyMap<string, readonly string[]>;

/** `known` with the tags of `targets` added; the same object when they add nothing (safe in an effect). */
export const withTagsOf = (known: KnownTags, targets: readonly Target[]): KnownTags => {
  let next: Map<string, string[]> | undefined;
  for (const target of targets) {
    for (const [key, value] of Object.entries(target.tags)) {
      const values = (next ?? known).get(key);
      if (values?.includes(value) === true) continue;
      next ??= new Map([...known].map(([k, v]) => [k, [...v]]));
      next.set(key, [...(next.get(key) ?? []), value].sort());
    }
  }
  return next ?? known;
};

const protocolLabels: Record<TargetProtocol, string> = { ssh: 'SSH', winrm: 'WinRM' };

export const filteringProperties = (known: KnownTags): PropertyFilterProps.FilteringProperty[] => [
  { key: NAME, propertyLabel: 'Target name', groupValuesLabel: 'Target names', operators: ['^'], defaultOperator: '^' },
  {
    key: PROTOCOL,
    propertyLabel: 'Target protocol',
    groupValuesLabel: 'Protocols',
    operators: [{ operator: '=', format: (v: string) => protocolLabels[v === 'winrm' ? 'winrm' : 'ssh'] }],
  },
  {
    key: HAS_TAG,
    propertyLabel: 'Has tag',
    groupValuesLabel: 'Tag keys',
    operators: [
      { operator: '=', description: 'Has the tag (exists)' },
      { operator: '!=', description: 'Does not have the tag (!exists)' },
    ],
  },
  ...[...known.keys()].sort().map(
    (key): PropertyFilterProps.FilteringProperty => ({
      key: `${TAG_PREFIX}${key}`,
      propertyLabel: key,
      groupValuesLabel: `Values of ${key}`,
      group: 'tags',
      operators: [
        '=',
        '!=',
        { operator: 'in', tokenType: 'enum', description: 'Is one of', match: () => true },
        { operator: 'notin', tokenType: 'enum', description: 'Is none of', match: () => true },
      ],
    }),
  ),
];

export const filteringOptions = (known: KnownTags): PropertyFilterProps.FilteringOption[] => [
  { propertyKey: PROTOCOL, value: 'ssh', label: 'SSH' },
  { propertyKey: PROTOCOL, value: 'winrm', label: 'WinRM' },
  ...[...known.keys()].sort().map((key) => ({ propertyKey: HAS_TAG, value: key })),
  ...[...known].flatMap(([key, values]) => values.map((value) => ({ propertyKey: `${TAG_PREFIX}${key}`, value }))),
];
