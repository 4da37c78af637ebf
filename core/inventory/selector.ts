/**
 * Target selectors: which hosts a target list, job or schedule acts on, chosen by their tags the way Kubernetes
 * label selectors choose pods, e.g. `env=prod,role in (web,db),!decommissioned,os!=windows`.
 *
 * The text is parsed once, where it enters the system, into requirements that are matched without re-reading it.
 * Every syntax error names the 0-based position of the problem, so that a console or CLI can point at it.
 * docs/selectors.md is the reference for the grammar; keep the two in step.
 */
import { z } from 'zod';
import { AppError } from '../errors';

export type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export interface Selector {
  /** The text as the operator wrote it; error positions refer to it. */
  source: string;
  requirements: Requirement[];
}

/**
 * The one entry of a SelectorSyntaxError's details: `path` and `message` as in request-validation issues, without
 * their `location` (only the caller knows whether the text came from the query or the body), plus where it went wrong.
 */
export interface SelectorIssue {
  path: 'selector';
  message: string;
  /** 0-based index into the selector text (UTF-16 code units, which is characters for ASCII). */
  position: number;
  /** The text from `position` on, at most EXCERPT_LENGTH characters (then `…`); empty at the end of the text. */
  excerpt: string;
}

export const MAX_REQUIREMENTS = 50;
export const MAX_KEY_LENGTH = 128;
export const MAX_VALUE_LENGTH = 256;
// Bounds the work one request can ask of the parser and what a job or schedule item stores.
export const MAX_SELECTOR_LENGTH = 8192;
const EXCERPT_LENGTH = 20;

/** The tag-key rule, shared with target tags so that every key a target can carry can be selected. */
export const tagKeyPattern = /^[A-Za-z0-9._\-/:]{1,128}$/;

const KEY_CHAR = /^[A-Za-z0-9._\-/:]$/;
const BARE_VALUE_CHAR = /^[A-Za-z0-9._\-/:@+]$/;
const BARE_VALUE = /^[A-Za-z0-9._\-/:@+]+$/;
const CONTROL_CHAR = /^\p{Cc}$/u;
const OPERATORS = "'=', '==', '!=', 'in', 'notin'";
const KEY_CHARS_HINT = "keys may contain letters, digits, '.', '_', '-', '/' and ':'";
const SPACE_HINT = 'quote values that contain spaces or commas, e.g. "two words"';
const QUOTE_HINT = 'quote values that contain other characters, e.g. "two words"';

const excerptAt = (source: string, position: number): string => {
  const rest = source.slice(position);
  return rest.length > EXCERPT_LENGTH ? `${rest.slice(0, EXCERPT_LENGTH)}…` : rest;
};

export class SelectorSyntaxError extends AppError {
  readonly position: number;

  /** `problem` says what is wrong; the position, and a hint when there is one, are added here. */
  constructor(source: string, position: number, problem: string, hint?: string) {
    const message = `${problem} at position ${position}${hint === undefined ? '' : `; ${hint}`}`;
    const issue: SelectorIssue = { path: 'selector', message, position, excerpt: excerptAt(source, position) };
    super('VALIDATION_FAILED', message, [issue]);
    this.name = 'SelectorSyntaxError';
    this.position = position;
  }
}

// Spaces, tabs and line breaks may surround any token, as in Kubernetes.
const isSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
const isKeyChar = (ch: string | undefined): boolean => ch !== undefined && KEY_CHAR.test(ch);
const isBareValueChar = (ch: string | undefined): boolean => ch !== undefined && BARE_VALUE_CHAR.test(ch);

/** How the character at `at` is named in a message: quoted when visible, by code point when not. */
const shownChar = (source: string, at: number): string => {
  const ch = String.fromCodePoint(source.codePointAt(at) ?? 0);
  return CONTROL_CHAR.test(ch) || isSpace(ch)
    ? `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
    : `'${ch}'`;
};

/** A cursor over the text; every method that fails throws at the position it was looking at. */
class Scanner {
  pos = 0;

  constructor(readonly source: string) {}

  peek(offset = 0): string | undefined {
    return this.source[this.pos + offset];
  }

  atEnd(): boolean {
    return this.pos >= this.source.length;
  }

  skipSpace(): void {
    while (isSpace(this.peek())) this.pos++;
  }

  takeWhile(accept: (ch: string | undefined) => boolean): string {
    const start = this.pos;
    while (!this.atEnd() && accept(this.peek())) this.pos++;
    return this.source.slice(start, this.pos);
  }

  /** The character at the cursor as a message shows it; only called where there is one. */
  shown(): string {
    return shownChar(this.source, this.pos);
  }

  fail(problem: string, hint?: string, at = this.pos): never {
    throw new SelectorSyntaxError(this.source, at, problem, hint);
  }

  /** Fails at the current position unless the next thing is a ',' or the end of the text. */
  expectRequirementEnd(after: string, hint?: string): void {
    this.skipSpace();
    if (this.atEnd() || this.peek() === ',') return;
    this.fail(`expected ',' or the end of the selector after ${after}`, hint);
  }
}

const parseKey = (s: Scanner): string => {
  const start = s.pos;
  const ch = s.peek();
  if (!isKeyChar(ch)) {
    if (s.atEnd() || ch === ',') s.fail('expected a tag key');
    s.fail(`expected a tag key, found ${s.shown()}`, KEY_CHARS_HINT);
  }
  const key = s.takeWhile(isKeyChar);
  if (key.length > MAX_KEY_LENGTH) {
    s.fail(`a key must be at most ${MAX_KEY_LENGTH} characters long, this one has ${key.length}`, undefined, start);
  }
  // Anything glued to the key that cannot start an operator or end the requirement is a character keys may not have.
  const next = s.peek();
  if (next !== undefined && !isSpace(next) && next !== '=' && next !== '!' && next !== ',') {
    s.fail(`invalid character ${s.shown()} in key '${key}'`, KEY_CHARS_HINT);
  }
  return key;
};

const parseQuoted = (s: Scanner): string => {
  const start = s.pos;
  s.pos++;
  let value = '';
  for (;;) {
    const ch = s.peek();
    if (ch === undefined) s.fail("unterminated quoted value, the closing '\"' is missing", undefined, start);
    if (ch === '"') {
      s.pos++;
      return value;
    }
    if (ch === '\\') {
      const escaped = s.peek(1);
      if (escaped === undefined) s.fail("unterminated quoted value, the closing '\"' is missing", undefined, start);
      if (escaped !== '"' && escaped !== '\\') {
        s.fail(`unknown escape '\\${escaped}' in a quoted value`, "only \\\" and \\\\ may be escaped");
      }
      value += escaped;
      s.pos += 2;
      continue;
    }
    // Tag values are printable, so a control character here is a mistake (often a pasted line break).
    if (CONTROL_CHAR.test(ch)) s.fail(`control character ${s.shown()} in a quoted value`);
    value += ch;
    s.pos++;
  }
};

/** One value after `after` (an operator, '(' or ','), bare or quoted. */
const parseValue = (s: Scanner, after: string, missingHint?: string): string => {
  s.skipSpace();
  const start = s.pos;
  const ch = s.peek();
  let value: string;
  if (ch === '"') {
    value = parseQuoted(s);
  } else if (isBareValueChar(ch)) {
    value = s.takeWhile(isBareValueChar);
    const next = s.peek();
    if (next !== undefined && !isSpace(next) && next !== ',' && next !== ')') {
      s.fail(`invalid character ${s.shown()} in value '${value}'`, QUOTE_HINT);
    }
  } else if (ch === undefined || ch === ',' || ch === ')') {
    return s.fail(`expected a value after ${after}`, missingHint);
  } else {
    return s.fail(`expected a value after ${after}, found ${s.shown()}`, QUOTE_HINT);
  }
  if (value.length > MAX_VALUE_LENGTH) {
    s.fail(`a value must be at most ${MAX_VALUE_LENGTH} characters long, this one has ${value.length}`, undefined, start);
  }
  return value;
};

/** `(v1, v2, ...)` after 'in' or 'notin': at least one value. */
const parseValueList = (s: Scanner, op: 'in' | 'notin'): string[] => {
  s.skipSpace();
  if (s.peek() !== '(') s.fail(`expected '(' after '${op}'`, `a list is written ${op} (a,b)`);
  s.pos++;
  s.skipSpace();
  if (s.peek() === ')') s.fail(`empty value list after '${op}'`, 'a list needs at least one value');
  const values = [parseValue(s, "'('")];
  for (;;) {
    s.skipSpace();
    const ch = s.peek();
    if (ch === ')') {
      s.pos++;
      return values;
    }
    if (ch === undefined) s.fail("expected ')' after the value list");
    if (ch !== ',') s.fail("expected ',' or ')' in the value list", SPACE_HINT);
    s.pos++;
    s.skipSpace();
    if (s.peek() === ')') s.fail("expected a value after ','", "remove the trailing ',' or add a value");
    values.push(parseValue(s, "','"));
  }
};

const parseRequirement = (s: Scanner): Requirement => {
  if (s.peek() === '!') {
    s.pos++;
    s.skipSpace();
    const key = parseKey(s);
    s.skipSpace();
    if (s.peek() === '=' || s.peek() === '!') {
      s.fail(`'!${key}' takes no operator`, `write '${key}!=value' for inequality`);
    }
    s.expectRequirementEnd(`'!${key}'`);
    return { key, op: 'notexists' };
  }

  const key = parseKey(s);
  s.skipSpace();
  const ch = s.peek();
  if (ch === undefined || ch === ',') return { key, op: 'exists' };
  if (ch === '=' || ch === '!') {
    const operator = ch === '!' ? '!=' : s.peek(1) === '=' ? '==' : '=';
    if (ch === '!' && s.peek(1) !== '=') s.fail("expected '!=' after the key", "'!' alone only negates a key, as in '!key'");
    s.pos += operator.length;
    const value = parseValue(s, `'${operator}'`, 'write "" for an empty value');
    s.skipSpace();
    // More value-like text after a space is most likely an unquoted value with a space in it.
    const next = s.peek();
    s.expectRequirementEnd('the value', next === '"' || isBareValueChar(next) ? SPACE_HINT : undefined);
    return { key, op: operator === '!=' ? 'neq' : 'eq', value };
  }

  // parseKey let only a space, '=', '!' or ',' follow the key, so a word here comes after a space.
  const wordAt = s.pos;
  const word = s.takeWhile(isKeyChar);
  if (word === 'in' || word === 'notin') {
    const values = parseValueList(s, word);
    s.expectRequirementEnd('the value list');
    return { key, op: word, values };
  }
  if (word.toLowerCase() === 'in' || word.toLowerCase() === 'notin') {
    s.fail(`unknown operator '${word}'`, `operators are case-sensitive: write '${word.toLowerCase()}'`, wordAt);
  }
  return s.fail(`expected an operator (${OPERATORS}), ',' or the end of the selector after key '${key}'`, undefined, wordAt);
};

/** Parses selector text; throws SelectorSyntaxError at the first problem. The empty selector matches everything. */
export const parseSelector = (source: string): Selector => {
  const s = new Scanner(source);
  if (source.length > MAX_SELECTOR_LENGTH) {
    s.fail(`a selector must be at most ${MAX_SELECTOR_LENGTH} characters long`, undefined, MAX_SELECTOR_LENGTH);
  }
  const requirements: Requirement[] = [];
  s.skipSpace();
  if (s.atEnd()) return { source, requirements };
  for (;;) {
    if (s.peek() === ',') s.fail(requirements.length === 0 ? 'expected a requirement' : "expected a requirement after ','");
    if (requirements.length === MAX_REQUIREMENTS) s.fail(`a selector may have at most ${MAX_REQUIREMENTS} requirements`);
    requirements.push(parseRequirement(s));
    s.skipSpace();
    if (s.atEnd()) return { source, requirements };
    // parseRequirement stops only at the end or at a ','.
    s.pos++;
    s.skipSpace();
    if (s.atEnd()) s.fail("expected a requirement after ','", "remove the trailing ','");
  }
};

const matchesRequirement = (requirement: Requirement, tags: Readonly<Record<string, string>>): boolean => {
  // hasOwn, so that a key such as 'constructor' is not found on Object.prototype.
  const value = Object.hasOwn(tags, requirement.key) ? tags[requirement.key] : undefined;
  switch (requirement.op) {
    case 'eq':
      return value === requirement.value;
    case 'neq':
      return value !== requirement.value;
    case 'in':
      return value !== undefined && requirement.values.includes(value);
    case 'notin':
      return value === undefined || !requirement.values.includes(value);
    case 'exists':
      return value !== undefined;
    case 'notexists':
      return value === undefined;
  }
};

/** Whether tags satisfy every requirement; the empty selector matches every target. */
export const matchesSelector = (selector: Selector, tags: Readonly<Record<string, string>>): boolean =>
  selector.requirements.every((r) => matchesRequirement(r, tags));

const formatValue = (value: string): string =>
  BARE_VALUE.test(value) ? value : `"${value.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;

const formatRequirement = (requirement: Requirement): string => {
  switch (requirement.op) {
    case 'eq':
      return `${requirement.key}=${formatValue(requirement.value)}`;
    case 'neq':
      return `${requirement.key}!=${formatValue(requirement.value)}`;
    case 'in':
    case 'notin':
      return `${requirement.key} ${requirement.op} (${requirement.values.map(formatValue).join(',')})`;
    case 'exists':
      return requirement.key;
    case 'notexists':
      return `!${requirement.key}`;
  }
};

/** The canonical text: requirements in their order, `=` for equality, quotes only where a value needs them. */
export const formatSelector = (selector: Selector): string => selector.requirements.map(formatRequirement).join(',');

/** Selector text in a request schema: parsed on the way in, a syntax error reported as the field's issue. */
export const SelectorText = z.string().transform((text, ctx): Selector => {
  try {
    return parseSelector(text);
  } catch (e) {
    if (!(e instanceof SelectorSyntaxError)) throw e;
    ctx.addIssue({ code: 'custom', message: e.message, input: text, params: { position: e.position } });
    return z.NEVER;
  }
});
