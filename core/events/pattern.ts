/**
 * EventBridge event patterns, checked and matched without a round trip to AWS: a pattern can be refused with a
 * precise reason before it reaches PutRule, and an event matched locally the way the bus would match it.
 *
 * The semantics are those of the EventBridge user guide ("Amazon EventBridge event patterns", "Content filtering in
 * Amazon EventBridge event patterns"), and where the guide is silent, those of aws/event-ruler, the engine behind it.
 * A pattern is validated once, then compiled into a tree of closures, so that matching an event only walks it.
 */

export type EventPattern = Record<string, unknown>;

export interface PatternError {
  /** JSONPath of the offending member, from `$` (the pattern itself). */
  path: string;
  message: string;
}

type Scalar = string | number | boolean | null;
type JsonObject = Record<string, unknown>;

const OR = '$or';
const NUMERIC_OPERATORS: ReadonlySet<string> = new Set(['=', '<', '<=', '>', '>=']);
const MATCH_TYPES: ReadonlySet<string> = new Set([
  'prefix',
  'suffix',
  'equals-ignore-case',
  'anything-but',
  'numeric',
  'exists',
  'cidr',
  'wildcard',
]);
// Inside $or a field with one of these names is far more likely a misplaced matcher than a real field, so the
// engine refuses it rather than guess.
const RESERVED_IN_OR: ReadonlySet<string> = new Set([...MATCH_TYPES, ...NUMERIC_OPERATORS]);
const ANYTHING_BUT_MODIFIERS: ReadonlySet<string> = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);

// EventBridge compares numbers as fixed-point values: within ±5e9 and to six digits right of the decimal point.
const NUMERIC_LIMIT = 5e9;
const NUMERIC_SCALE = 1e6;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isScalar = (value: unknown): value is Scalar =>
  value === null ||
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

const isNumberInLimits = (value: number): boolean => Math.abs(value) <= NUMERIC_LIMIT;

/**
 * The value EventBridge actually compares: shifted positive and truncated to six decimals, done in the same double
 * arithmetic as event-ruler so that values beyond the documented precision compare exactly as they do on the bus.
 * Undefined outside the numeric limits, where no numeric comparison applies.
 */
const comparable = (value: number): number | undefined =>
  isNumberInLimits(value) ? Math.trunc(NUMERIC_SCALE * (NUMERIC_LIMIT + value)) : undefined;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

const childPath = (path: string, key: string | number): string => {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
};

const shown = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
};

// ---------------------------------------------------------------------------------------------------------------
// IP addresses and CIDR blocks

interface IpAddress {
  family: 4 | 6;
  bytes: number[];
}

const DECIMAL_OCTET = /^[0-9]{1,3}$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

const parseIPv4 = (text: string): IpAddress | undefined => {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => DECIMAL_OCTET.test(p))) return undefined;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? { family: 4, bytes } : undefined;
};

// Plain hexadecimal groups with at most one `::`; like EventBridge, no embedded dotted quad and no zone index.
const parseIPv6 = (text: string): IpAddress | undefined => {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (![...head, ...tail].every((g) => HEX_GROUP.test(g))) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const words = [...head, ...Array<string>(missing).fill('0'), ...tail].map((g) => parseInt(g, 16));
  return { family: 6, bytes: words.flatMap((w) => [w >> 8, w & 0xff]) };
};

const parseIp = (text: string): IpAddress | undefined =>
  text.includes(':') ? parseIPv6(text) : parseIPv4(text);

interface CidrBlock {
  family: 4 | 6;
  network: number[];
  bits: number;
}

const parseCidr = (text: string): CidrBlock | string => {
  const parts = text.split('/');
  if (parts.length !== 2) return "Malformed CIDR, one '/' required.";
  const [address = '', mask = ''] = parts;
  if (!/^[0-9]+$/.test(mask)) return 'Malformed CIDR, mask bits must be an integer.';
  const ip = parseIp(address);
  if (ip === undefined) return `Nonstandard IP address: ${address}.`;
  const bits = Number(mask);
  // A block of one address is written as the plain address; EventBridge refuses /32 and /128.
  if (ip.family === 4 && bits > 31) return 'IPv4 mask bits must be < 32.';
  if (ip.family === 6 && bits > 127) return 'IPv6 mask bits must be < 128.';
  return { family: ip.family, network: ip.bytes, bits };
};

// Host bits set in the block's address are ignored, as on the bus: 10.0.0.5/24 covers 10.0.0.0 to 10.0.0.255.
const inCidr = (ip: IpAddress, block: CidrBlock): boolean => {
  if (ip.family !== block.family) return false;
  for (let i = 0; i < ip.bytes.length; i++) {
    const fixedBits = Math.max(0, Math.min(8, block.bits - 8 * i));
    const mask = (0xff << (8 - fixedBits)) & 0xff;
    if (((ip.bytes[i] ?? 0) & mask) !== ((block.network[i] ?? 0) & mask)) return false;
  }
  return true;
};

// ---------------------------------------------------------------------------------------------------------------
// Wildcards

/** The literal runs between unescaped `*`, or a reason the wildcard is invalid. */
const parseWildcard = (text: string): string[] | string => {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '*') {
      if (text[i + 1] === '*') return `Consecutive wildcard characters at pos ${i}.`;
      segments.push(current);
      current = '';
    } else if (ch === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') return `Invalid escape character at pos ${i}.`;
      current += next;
      i++;
    } else {
      current += ch ?? '';
    }
  }
  segments.push(current);
  return segments;
};

// With `*` as the only metacharacter, taking each middle run at its leftmost place never loses a match.
const globMatcher = (segments: readonly string[]): ((text: string) => boolean) => {
  const [head = '', ...rest] = segments;
  const tail = rest.pop();
  if (tail === undefined) return (text) => text === head;
  const middle = rest;
  return (text) => {
    if (text.length < head.length + tail.length || !text.startsWith(head) || !text.endsWith(tail)) return false;
    const end = text.length - tail.length;
    let pos = head.length;
    for (const run of middle) {
      const at = text.indexOf(run, pos);
      if (at < 0 || at + run.length > end) return false;
      pos = at + run.length;
    }
    return true;
  };
};

// ---------------------------------------------------------------------------------------------------------------
// Validation

type Errors = PatternError[];

const checkString = (operand: unknown, path: string, what: string, errors: Errors): operand is string => {
  if (typeof operand === 'string') return true;
  errors.push({ path, message: `${what} match pattern must be a string, not ${shown(operand)}.` });
  return false;
};

const checkNumberInLimits = (value: number, path: string, errors: Errors): void => {
  if (!isNumberInLimits(value)) {
    errors.push({ path, message: `Value must be between -5.0e9 and 5.0e9, inclusive; got ${value}.` });
  }
};

const checkWildcard = (operand: unknown, path: string, errors: Errors): void => {
  if (!checkString(operand, path, 'wildcard', errors)) return;
  const parsed = parseWildcard(operand);
  if (typeof parsed === 'string') errors.push({ path, message: parsed });
};

const checkAffix = (op: string, operand: unknown, path: string, errors: Errors): void => {
  if (typeof operand === 'string') return;
  if (isObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length === 1 && keys[0] === 'equals-ignore-case') {
      checkString(operand['equals-ignore-case'], childPath(path, 'equals-ignore-case'), 'equals-ignore-case', errors);
      return;
    }
  }
  errors.push({
    path,
    message: `${op} match pattern must be a string or {"equals-ignore-case": string}, not ${shown(operand)}.`,
  });
};

/** anything-but over prefix, suffix, equals-ignore-case or wildcard: one string or a non-empty list of strings. */
const checkAnythingButModifier = (operand: JsonObject, path: string, errors: Errors): void => {
  const entries = Object.entries(operand);
  const entry = entries[0];
  if (entries.length !== 1 || entry === undefined) {
    errors.push({ path, message: 'Only one key allowed in anything-but match expression.' });
    return;
  }
  const [modifier, value] = entry;
  const at = childPath(path, modifier);
  if (!ANYTHING_BUT_MODIFIERS.has(modifier)) {
    errors.push({ path: at, message: `Unsupported anything-but pattern: ${modifier}.` });
    return;
  }
  const items: { value: unknown; path: string }[] = Array.isArray(value)
    ? (value as unknown[]).map((v, i) => ({ value: v, path: childPath(at, i) }))
    : [{ value, path: at }];
  if (items.length === 0) {
    errors.push({ path: at, message: `anything-but/${modifier} list must not be empty.` });
    return;
  }
  for (const item of items) {
    if (modifier === 'wildcard') {
      checkWildcard(item.value, item.path, errors);
    } else if (checkString(item.value, item.path, `anything-but/${modifier}`, errors)) {
      if (item.value === '' && modifier !== 'equals-ignore-case') {
        errors.push({ path: item.path, message: 'Null prefix/suffix not allowed.' });
      }
    }
  }
};

const checkAnythingBut = (operand: unknown, path: string, errors: Errors): void => {
  if (typeof operand === 'string') return;
  if (isFiniteNumber(operand)) {
    checkNumberInLimits(operand, path, errors);
    return;
  }
  if (isObject(operand)) {
    checkAnythingButModifier(operand, path, errors);
    return;
  }
  if (!Array.isArray(operand)) {
    const accepted = 'a string, a number, a list of either or a match expression';
    errors.push({ path, message: `Value of anything-but must be ${accepted}, not ${shown(operand)}.` });
    return;
  }
  if (operand.length === 0) {
    errors.push({ path, message: 'Empty arrays are not allowed.' });
    return;
  }
  let strings = 0;
  let numbers = 0;
  operand.forEach((item, i) => {
    if (typeof item === 'string') {
      strings++;
    } else if (isFiniteNumber(item)) {
      numbers++;
      checkNumberInLimits(item, childPath(path, i), errors);
    } else {
      errors.push({
        path: childPath(path, i),
        message: `Inside an anything-but list only strings and numbers are allowed, not ${shown(item)}.`,
      });
    }
  });
  if (strings > 0 && numbers > 0) {
    errors.push({ path, message: 'Inside an anything-but list, values must be all strings or all numbers.' });
  }
};

const checkNumeric = (operand: unknown, path: string, errors: Errors): void => {
  if (!Array.isArray(operand)) {
    errors.push({ path, message: `Value of numeric must be an array, not ${shown(operand)}.` });
    return;
  }
  const [op, value, upperOp, upperValue] = operand as unknown[];
  if (typeof op !== 'string' || !NUMERIC_OPERATORS.has(op)) {
    errors.push({ path: childPath(path, 0), message: `Unrecognized numeric range operator: ${shown(op)}.` });
    return;
  }
  let lower: number | undefined;
  if (isFiniteNumber(value)) {
    lower = value;
    checkNumberInLimits(value, childPath(path, 1), errors);
  } else {
    errors.push({ path: childPath(path, 1), message: `Value of ${op} must be numeric, not ${shown(value)}.` });
  }
  if (operand.length <= 2) return;
  // A two-sided range reads bottom to top: it opens with > or >= and closes with < or <=.
  if (op !== '>' && op !== '>=') {
    errors.push({
      path: childPath(path, 2),
      message: `Too many elements in numeric expression: only > and >= can be followed by an upper bound.`,
    });
    return;
  }
  if (upperOp !== '<' && upperOp !== '<=') {
    errors.push({
      path: childPath(path, 2),
      message: `Bad numeric range operator: ${shown(upperOp)}; the upper bound takes < or <=.`,
    });
    return;
  }
  if (!isFiniteNumber(upperValue)) {
    errors.push({
      path: childPath(path, 3),
      message: `Value of ${upperOp} must be numeric, not ${shown(upperValue)}.`,
    });
    return;
  }
  checkNumberInLimits(upperValue, childPath(path, 3), errors);
  if (operand.length > 4) {
    errors.push({ path: childPath(path, 4), message: 'Too many terms in numeric range expression.' });
  }
  if (lower !== undefined && lower >= upperValue) {
    errors.push({ path, message: `Bottom must be less than top: ${lower} is not below ${upperValue}.` });
  }
};

const checkCidr = (operand: unknown, path: string, errors: Errors): void => {
  if (!checkString(operand, path, 'cidr', errors)) return;
  const parsed = parseCidr(operand);
  if (typeof parsed === 'string') errors.push({ path, message: parsed });
};

const checkMatchExpression = (expression: JsonObject, path: string, errors: Errors): void => {
  const entries = Object.entries(expression);
  const entry = entries[0];
  if (entries.length !== 1 || entry === undefined) {
    errors.push({
      path,
      message: entries.length === 0 ? 'Match expression name not found.' : 'Only one key allowed in match expression.',
    });
    return;
  }
  const [op, operand] = entry;
  const at = childPath(path, op);
  switch (op) {
    case 'prefix':
    case 'suffix':
      checkAffix(op, operand, at, errors);
      return;
    case 'equals-ignore-case':
      checkString(operand, at, op, errors);
      return;
    case 'wildcard':
      checkWildcard(operand, at, errors);
      return;
    case 'anything-but':
      checkAnythingBut(operand, at, errors);
      return;
    case 'numeric':
      checkNumeric(operand, at, errors);
      return;
    case 'exists':
      if (typeof operand !== 'boolean') {
        errors.push({ path: at, message: `exists match pattern must be either true or false, not ${shown(operand)}.` });
      }
      return;
    case 'cidr':
      checkCidr(operand, at, errors);
      return;
    default:
      errors.push({ path: at, message: `Unrecognized match type ${op}.` });
  }
};

const checkValueList = (list: unknown[], path: string, errors: Errors): void => {
  if (list.length === 0) {
    errors.push({ path, message: 'Empty arrays are not allowed.' });
    return;
  }
  list.forEach((item, i) => {
    if (isObject(item)) {
      checkMatchExpression(item, childPath(path, i), errors);
    } else if (!isScalar(item)) {
      errors.push({
        path: childPath(path, i),
        message: `Match value must be a string, number, true, false, null or a match expression, not ${shown(item)}.`,
      });
    }
  });
};

const checkObject = (object: JsonObject, path: string, insideOr: boolean, errors: Errors): void => {
  const keys = Object.keys(object);
  if (keys.length === 0) {
    errors.push({ path, message: 'Empty objects are not allowed.' });
    return;
  }
  for (const key of keys) {
    const value = object[key];
    const at = childPath(path, key);
    if (key === OR) {
      checkOr(value, at, errors);
    } else if (insideOr && RESERVED_IN_OR.has(key)) {
      errors.push({ path: at, message: `"${key}" is a match keyword and cannot be a field name inside $or.` });
    } else if (Array.isArray(value)) {
      checkValueList(value, at, errors);
    } else if (isObject(value)) {
      checkObject(value, at, insideOr, errors);
    } else {
      errors.push({ path: at, message: `"${key}" must be an object or an array, not ${shown(value)}.` });
    }
  }
};

const checkOr = (value: unknown, path: string, errors: Errors): void => {
  if (!Array.isArray(value)) {
    errors.push({ path, message: `$or must be an array of objects, not ${shown(value)}.` });
    return;
  }
  if (value.length < 2) {
    errors.push({ path, message: '$or must have at least 2 objects.' });
  }
  value.forEach((branch, i) => {
    if (isObject(branch)) {
      checkObject(branch, childPath(path, i), true, errors);
    } else {
      errors.push({ path: childPath(path, i), message: `Only objects are allowed in $or, not ${shown(branch)}.` });
    }
  });
};

/** Accepts what EventBridge accepts and names, by JSONPath, every member it would refuse. */
export const validatePattern = (
  pattern: unknown,
): { ok: true; pattern: EventPattern } | { ok: false; errors: PatternError[] } => {
  if (!isObject(pattern)) {
    const message = `Event pattern must be a JSON object, not ${shown(pattern)}.`;
    return { ok: false, errors: [{ path: '$', message }] };
  }
  const errors: Errors = [];
  checkObject(pattern, '$', false, errors);
  return errors.length === 0 ? { ok: true, pattern } : { ok: false, errors };
};

// ---------------------------------------------------------------------------------------------------------------
// Compilation and matching

type ValueTest = (value: Scalar) => boolean;

const never: ValueTest = () => false;

interface LeafRule {
  readonly tests: readonly ValueTest[];
  /** The field holds no leaf value and one of the alternatives is `{"exists": false}`. */
  readonly matchesAbsent: boolean;
}

interface ObjectRule {
  readonly fields: readonly FieldRule[];
  /** Each entry is one `$or`: at least one of its branches must match the same object. */
  readonly alternatives: readonly (readonly ObjectRule[])[];
  /** Whether the rule holds for an object with no fields, i.e. only `exists: false` constraints. */
  readonly matchesEmpty: boolean;
}

type FieldRule =
  | { readonly kind: 'leaf'; readonly key: string; readonly rule: LeafRule }
  | { readonly kind: 'object'; readonly key: string; readonly rule: ObjectRule };

const lowerCase = (text: string): string => text.toLowerCase();

const exactTest = (expected: Scalar): ValueTest => {
  if (typeof expected !== 'number') return (value) => value === expected;
  const expectedComparable = comparable(expected);
  return (value) =>
    typeof value === 'number' &&
    (value === expected || (expectedComparable !== undefined && comparable(value) === expectedComparable));
};

const affixTest = (op: 'prefix' | 'suffix', operand: unknown): ValueTest => {
  const ignoreCase = isObject(operand);
  const raw = ignoreCase ? operand['equals-ignore-case'] : operand;
  if (typeof raw !== 'string') return never;
  const affix = ignoreCase ? lowerCase(raw) : raw;
  const fold = ignoreCase ? lowerCase : (text: string) => text;
  return op === 'prefix'
    ? (value) => typeof value === 'string' && fold(value).startsWith(affix)
    : (value) => typeof value === 'string' && fold(value).endsWith(affix);
};

const equalsIgnoreCaseTest = (operand: unknown): ValueTest => {
  if (typeof operand !== 'string') return never;
  const expected = lowerCase(operand);
  return (value) => typeof value === 'string' && lowerCase(value) === expected;
};

const wildcardTest = (operand: unknown): ValueTest => {
  if (typeof operand !== 'string') return never;
  const segments = parseWildcard(operand);
  if (typeof segments === 'string') return never;
  const matches = globMatcher(segments);
  return (value) => typeof value === 'string' && matches(value);
};

const numericTest = (operand: unknown): ValueTest => {
  if (!Array.isArray(operand)) return never;
  const bounds: { op: string; limit: number }[] = [];
  for (let i = 0; i + 1 < operand.length; i += 2) {
    const op: unknown = operand[i];
    const limit = operand[i + 1] as unknown;
    const limitComparable = isFiniteNumber(limit) ? comparable(limit) : undefined;
    if (typeof op !== 'string' || limitComparable === undefined) return never;
    bounds.push({ op, limit: limitComparable });
  }
  return (value) => {
    if (typeof value !== 'number') return false;
    const actual = comparable(value);
    if (actual === undefined) return false;
    return bounds.every(({ op, limit }) => {
      switch (op) {
        case '=':
          return actual === limit;
        case '<':
          return actual < limit;
        case '<=':
          return actual <= limit;
        case '>':
          return actual > limit;
        case '>=':
          return actual >= limit;
        default:
          return false;
      }
    });
  };
};

const cidrTest = (operand: unknown): ValueTest => {
  if (typeof operand !== 'string') return never;
  const block = parseCidr(operand);
  if (typeof block === 'string') return never;
  return (value) => {
    if (typeof value !== 'string') return false;
    const ip = parseIp(value);
    return ip !== undefined && inCidr(ip, block);
  };
};

const positiveModifierTest = (modifier: string, operand: string): ValueTest => {
  switch (modifier) {
    case 'prefix':
    case 'suffix':
      return affixTest(modifier, operand);
    case 'equals-ignore-case':
      return equalsIgnoreCaseTest(operand);
    case 'wildcard':
      return wildcardTest(operand);
    default:
      return never;
  }
};

/**
 * anything-but needs a value to exclude: it never matches an absent field. Values of another type than the excluded
 * ones (null, a number against strings, anything not a string against prefix) are not excluded, so they match.
 */
const anythingButTest = (operand: unknown): ValueTest => {
  let excluded: ValueTest[];
  if (isScalar(operand)) {
    excluded = [exactTest(operand)];
  } else if (Array.isArray(operand)) {
    excluded = operand.filter(isScalar).map(exactTest);
  } else if (isObject(operand)) {
    const entry = Object.entries(operand)[0];
    if (entry === undefined) return never;
    const [modifier, value] = entry;
    const values: unknown[] = Array.isArray(value) ? value : [value];
    excluded = values.map((v) => (typeof v === 'string' ? positiveModifierTest(modifier, v) : never));
  } else {
    return never;
  }
  return (value) => !excluded.some((test) => test(value));
};

const EXISTS_FALSE = Symbol('exists: false');

const compileMatchExpression = (expression: JsonObject): ValueTest | typeof EXISTS_FALSE => {
  const entry = Object.entries(expression)[0];
  if (entry === undefined) return never;
  const [op, operand] = entry;
  switch (op) {
    case 'prefix':
    case 'suffix':
      return affixTest(op, operand);
    case 'equals-ignore-case':
      return equalsIgnoreCaseTest(operand);
    case 'wildcard':
      return wildcardTest(operand);
    case 'anything-but':
      return anythingButTest(operand);
    case 'numeric':
      return numericTest(operand);
    case 'exists':
      return operand === false ? EXISTS_FALSE : () => true;
    case 'cidr':
      return cidrTest(operand);
    default:
      return never;
  }
};

const compileLeaf = (list: readonly unknown[]): LeafRule => {
  const tests: ValueTest[] = [];
  let matchesAbsent = false;
  for (const item of list) {
    if (isObject(item)) {
      const compiled = compileMatchExpression(item);
      if (compiled === EXISTS_FALSE) matchesAbsent = true;
      else tests.push(compiled);
    } else if (isScalar(item)) {
      tests.push(exactTest(item));
    }
  }
  return { tests, matchesAbsent };
};

const NEVER_LEAF: LeafRule = { tests: [], matchesAbsent: false };
const EMPTY_OBJECT: JsonObject = Object.freeze({});

// What a field of the event held, for the rule looking at it.
const ABSENT = 0;
const PRESENT = 1;
const MATCHED = 2;
type Scan = typeof ABSENT | typeof PRESENT | typeof MATCHED;

/**
 * Leaves are scalars, also inside arrays (an array field matches when any element does). Objects are not leaves:
 * `exists` only sees leaf nodes, so a field holding an object counts as absent, like an empty array.
 */
const scanLeaves = (value: unknown, tests: readonly ValueTest[]): Scan => {
  if (Array.isArray(value)) {
    let seen: Scan = ABSENT;
    for (const item of value) {
      const scan = scanLeaves(item, tests);
      if (scan === MATCHED) return MATCHED;
      if (scan === PRESENT) seen = PRESENT;
    }
    return seen;
  }
  if (!isScalar(value)) return ABSENT;
  return tests.some((test) => test(value)) ? MATCHED : PRESENT;
};

/**
 * A nested rule must hold within one object: across an array of objects, some single element has to satisfy it
 * whole, so fields matched in different elements never combine into a match.
 */
const scanObjects = (value: unknown, rule: ObjectRule): Scan => {
  if (Array.isArray(value)) {
    let seen: Scan = ABSENT;
    for (const item of value) {
      const scan = scanObjects(item, rule);
      if (scan === MATCHED) return MATCHED;
      if (scan === PRESENT) seen = PRESENT;
    }
    return seen;
  }
  if (!isObject(value)) return ABSENT;
  return evaluateObject(rule, value) ? MATCHED : PRESENT;
};

const evaluateField = (field: FieldRule, object: JsonObject): boolean => {
  const value = object[field.key];
  if (field.kind === 'leaf') {
    const scan = scanLeaves(value, field.rule.tests);
    return scan === MATCHED || (scan === ABSENT && field.rule.matchesAbsent);
  }
  const scan = scanObjects(value, field.rule);
  return scan === MATCHED || (scan === ABSENT && field.rule.matchesEmpty);
};

const evaluateObject = (rule: ObjectRule, object: JsonObject): boolean =>
  rule.fields.every((field) => evaluateField(field, object)) &&
  rule.alternatives.every((branches) => branches.some((branch) => evaluateObject(branch, object)));

const compileObject = (pattern: JsonObject): ObjectRule => {
  const fields: FieldRule[] = [];
  const alternatives: ObjectRule[][] = [];
  for (const [key, value] of Object.entries(pattern)) {
    if (key === OR && Array.isArray(value)) {
      alternatives.push(value.filter(isObject).map(compileObject));
    } else if (Array.isArray(value)) {
      fields.push({ kind: 'leaf', key, rule: compileLeaf(value) });
    } else if (isObject(value)) {
      fields.push({ kind: 'object', key, rule: compileObject(value) });
    } else {
      fields.push({ kind: 'leaf', key, rule: NEVER_LEAF });
    }
  }
  const partial = { fields, alternatives, matchesEmpty: false };
  return { ...partial, matchesEmpty: evaluateObject(partial, EMPTY_OBJECT) };
};

// An EventBridge event is always a JSON object; anything else matches no pattern.
const matchEvent = (rule: ObjectRule, event: unknown): boolean => isObject(event) && evaluateObject(rule, event);

/** Matches one event against a pattern that validatePattern accepted; an invalid part matches nothing. */
export const matchesPattern = (pattern: EventPattern, event: unknown): boolean =>
  matchEvent(compileObject(pattern), event);

/** Validates once and returns a matcher that only walks the compiled pattern; throws listing every error. */
export const compilePattern = (pattern: unknown): ((event: unknown) => boolean) => {
  const result = validatePattern(pattern);
  if (!result.ok) {
    const lines = result.errors.map((e) => `  ${e.path}: ${e.message}`);
    throw new Error(`Invalid event pattern:\n${lines.join('\n')}`);
  }
  const rule = compileObject(result.pattern);
  return (event) => matchEvent(rule, event);
};
