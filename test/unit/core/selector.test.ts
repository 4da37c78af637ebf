import { z } from 'zod';
import { AppError } from '../../../core/errors';
import {
  formatSelector,
  matchesSelector,
  parseSelector,
  SelectorSyntaxError,
  SelectorText,
  type Requirement,
  type Selector,
} from '../../../core/inventory/selector';

/**
 * The grammar of docs/selectors.md, case by case: what each text parses to, which tags each operator matches
 * (absent keys included), where and how each mistake is reported, and that the canonical text parses back to the
 * same requirements, for hand-picked selectors and for a few hundred generated ones.
 */

const eq = (key: string, value: string): Requirement => ({ key, op: 'eq', value });
const neq = (key: string, value: string): Requirement => ({ key, op: 'neq', value });
const inList = (key: string, ...values: string[]): Requirement => ({ key, op: 'in', values });
const notIn = (key: string, ...values: string[]): Requirement => ({ key, op: 'notin', values });
const exists = (key: string): Requirement => ({ key, op: 'exists' });
const absent = (key: string): Requirement => ({ key, op: 'notexists' });

/** The SelectorSyntaxError parsing `source` throws; fails the test if it parses. */
const syntaxErrorOf = (source: string): SelectorSyntaxError => {
  try {
    parseSelector(source);
  } catch (e) {
    if (e instanceof SelectorSyntaxError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(source)} not to parse`);
};

const keysSelector = (count: number): string => Array.from({ length: count }, (_, i) => `k${i}`).join(',');

describe('parseSelector: valid selectors', () => {
  it.each<[string, string, Requirement[]]>([
    ['the empty selector', '', []],
    ['only whitespace', ' \t\r\n ', []],
    ['equality', 'env=prod', [eq('env', 'prod')]],
    ['double-equals equality', 'env==prod', [eq('env', 'prod')]],
    ['inequality', 'env!=prod', [neq('env', 'prod')]],
    ['in', 'role in (web,db)', [inList('role', 'web', 'db')]],
    ['notin', 'role notin (web)', [notIn('role', 'web')]],
    ['exists', 'decommissioned', [exists('decommissioned')]],
    ['does not exist', '!decommissioned', [absent('decommissioned')]],
    [
      'the example from the docs',
      'env=prod,role in (web,db),!decommissioned,os!=windows',
      [eq('env', 'prod'), inList('role', 'web', 'db'), absent('decommissioned'), neq('os', 'windows')],
    ],
    [
      'whitespace around every token',
      '  env = prod ,  role  in  ( web , db ) , ! decommissioned , os != windows , x == y  ',
      [eq('env', 'prod'), inList('role', 'web', 'db'), absent('decommissioned'), neq('os', 'windows'), eq('x', 'y')],
    ],
    ['tabs and line breaks as whitespace', 'env\t=\r\nprod,\n\trole\nin\n(\nweb\n)', [eq('env', 'prod'), inList('role', 'web')]],
    ['no space between in and (', 'role in(web,db)', [inList('role', 'web', 'db')]],
    ['no space between notin and (', 'role notin(web)', [notIn('role', 'web')]],
    ['a quoted value with a space', 'owner="Jane Doe"', [eq('owner', 'Jane Doe')]],
    ['a quoted value with a comma and parentheses', 'note="a, b (c)"', [eq('note', 'a, b (c)')]],
    ['escaped quotes', 'q="say \\"hi\\""', [eq('q', 'say "hi"')]],
    ['an escaped backslash', 'path="C:\\\\temp"', [eq('path', 'C:\\temp')]],
    ['the empty value, quoted', 'empty=""', [eq('empty', '')]],
    ['the empty value in a list', 'x in ("",a)', [inList('x', '', 'a')]],
    ['quoted values in a list', 'x notin ("a b", "c,d", e)', [notIn('x', 'a b', 'c,d', 'e')]],
    ['a quoted value that looks like a selector', 'x="in (a,b),!y"', [eq('x', 'in (a,b),!y')]],
    ['a quoted value with non-ASCII letters', 'owner="zoë 🙂"', [eq('owner', 'zoë 🙂')]],
    ['a quoted value of a bare word', 'env="prod"', [eq('env', 'prod')]],
    ['every key character', 'k8s.io/role:x_Y-9=v', [eq('k8s.io/role:x_Y-9', 'v')]],
    ['every bare value character', 'k=aZ09._-/:@+', [eq('k', 'aZ09._-/:@+')]],
    ['an e-mail as a bare value', 'owner=ops@example.com', [eq('owner', 'ops@example.com')]],
    ['a version as a bare value', 'ver=1.2.3+build.7', [eq('ver', '1.2.3+build.7')]],
    ['a path with a port as a bare value', 'endpoint=/srv/app:8080', [eq('endpoint', '/srv/app:8080')]],
    ['a negative number as a bare value', 'offset=-1', [eq('offset', '-1')]],
    ['keys named like operators', 'in in (in,notin),notin=in', [inList('in', 'in', 'notin'), eq('notin', 'in')]],
    ['case is kept in keys and values', 'Env=PROD,env=prod', [eq('Env', 'PROD'), eq('env', 'prod')]],
    ['duplicates are kept', 'a,a=1,a!=2,a in (x,x)', [exists('a'), eq('a', '1'), neq('a', '2'), inList('a', 'x', 'x')]],
    ['a 128-character key', `${'k'.repeat(128)}=v`, [eq('k'.repeat(128), 'v')]],
    ['a 256-character value', `k=${'v'.repeat(256)}`, [eq('k', 'v'.repeat(256))]],
    ['a 256-character value after unescaping', `k="${'\\"'.repeat(256)}"`, [eq('k', '"'.repeat(256))]],
    ['50 requirements', keysSelector(50), Array.from({ length: 50 }, (_, i) => exists(`k${i}`))],
  ])('%s: %j', (_name, source, expected) => {
    const selector = parseSelector(source);

    expect(selector).toEqual({ source, requirements: expected });
  });
});

describe('matchesSelector', () => {
  const prod = { env: 'prod' };
  const dev = { env: 'dev' };
  const none = {};
  const emptyValue = { env: '' };
  const otherKey = { other: 'prod' };

  it.each<[string, Readonly<Record<string, string>>, boolean]>([
    ['', none, true],
    ['', prod, true],

    ['env=prod', prod, true],
    ['env=prod', dev, false],
    ['env=prod', none, false],
    ['env=prod', emptyValue, false],
    ['env=prod', otherKey, false],
    ['env==prod', prod, true],
    ['env==prod', dev, false],
    ['env=prod', { env: 'Prod' }, false],
    ['env=prod', { Env: 'prod' }, false],
    ['env=""', emptyValue, true],
    ['env=""', none, false],
    ['env=""', prod, false],

    ['env!=prod', prod, false],
    ['env!=prod', dev, true],
    ['env!=prod', none, true],
    ['env!=prod', emptyValue, true],
    ['env!=prod', otherKey, true],
    ['env!=""', emptyValue, false],
    ['env!=""', none, true],

    ['env in (prod,dev)', prod, true],
    ['env in (prod,dev)', dev, true],
    ['env in (prod,dev)', { env: 'test' }, false],
    ['env in (prod,dev)', none, false],
    ['env in (prod,dev)', emptyValue, false],
    ['env in (prod,dev)', otherKey, false],
    ['env in ("")', emptyValue, true],
    ['env in ("")', none, false],

    ['env notin (prod,dev)', prod, false],
    ['env notin (prod,dev)', dev, false],
    ['env notin (prod,dev)', { env: 'test' }, true],
    ['env notin (prod,dev)', none, true],
    ['env notin (prod,dev)', emptyValue, true],
    ['env notin (prod,dev)', otherKey, true],
    ['env notin ("")', none, true],
    ['env notin ("")', emptyValue, false],
    ['env notin ("")', prod, true],

    ['env', prod, true],
    ['env', emptyValue, true],
    ['env', none, false],
    ['env', otherKey, false],

    ['!env', prod, false],
    ['!env', emptyValue, false],
    ['!env', none, true],
    ['!env', otherKey, true],

    ['env=prod,!decommissioned', { env: 'prod' }, true],
    ['env=prod,!decommissioned', { env: 'prod', decommissioned: 'true' }, false],
    ['env=prod,!decommissioned', { env: 'prod', decommissioned: '' }, false],
    ['env=prod,!decommissioned', { decommissioned: 'no' }, false],
    ['env=prod,role in (web,db),!decommissioned,os!=windows', { env: 'prod', role: 'db', os: 'linux' }, true],
    ['env=prod,role in (web,db),!decommissioned,os!=windows', { env: 'prod', role: 'db' }, true],
    ['env=prod,role in (web,db),!decommissioned,os!=windows', { env: 'prod', role: 'db', os: 'windows' }, false],
    ['env=prod,role in (web,db),!decommissioned,os!=windows', { env: 'prod', role: 'cache', os: 'linux' }, false],
    ['owner="Jane Doe"', { owner: 'Jane Doe' }, true],
    ['owner="Jane Doe"', { owner: 'Jane' }, false],

    // Keys that name Object.prototype members are still absent from tags that do not carry them.
    ['constructor', none, false],
    ['!constructor', none, true],
    ['toString=x', none, false],
    ['toString!=x', none, true],
    ['__proto__ in (a)', none, false],
    ['hasOwnProperty notin (a)', none, true],
  ])('%j against %j is %s', (source, tags, expected) => {
    const selector = parseSelector(source);

    const matched = matchesSelector(selector, tags);

    expect(matched).toBe(expected);
  });
});

describe('parseSelector: syntax errors', () => {
  const SPACE_HINT = 'quote values that contain spaces or commas, e.g. "two words"';
  const QUOTE_HINT = 'quote values that contain other characters, e.g. "two words"';
  const KEY_HINT = "keys may contain letters, digits, '.', '_', '-', '/' and ':'";

  it.each<[string, string, number, string]>([
    ['an unterminated quote', 'owner="Jane', 6, `unterminated quoted value, the closing '"' is missing at position 6`],
    ['an unterminated quote ending in a backslash', 'a="x\\', 2, `unterminated quoted value, the closing '"' is missing at position 2`],
    ['an unterminated quote in a list', 'a in (b,"c)', 8, `unterminated quoted value, the closing '"' is missing at position 8`],
    ['an unknown escape', 'a="x\\ny"', 4, `unknown escape '\\n' in a quoted value at position 4; only \\" and \\\\ may be escaped`],
    ['a line break inside quotes', 'a="x\ny"', 4, 'control character U+000A in a quoted value at position 4'],
    ['an empty in list', 'role in ()', 9, "empty value list after 'in' at position 9; a list needs at least one value"],
    ['an empty notin list with spaces', 'role notin ( )', 13, "empty value list after 'notin' at position 13; a list needs at least one value"],
    ['a missing )', 'env=prod,role in (web,db', 24, "expected ')' after the value list at position 24"],
    ['a missing ) after one value', 'env in (a', 9, "expected ')' after the value list at position 9"],
    ['a list that stops after (', 'env in (', 8, "expected a value after '(' at position 8"],
    ['a list that stops after a comma', 'env in (a,', 10, "expected a value after ',' at position 10"],
    ['a space instead of a comma in a list', 'role in (web db)', 13, `expected ',' or ')' in the value list at position 13; ${SPACE_HINT}`],
    ['a trailing comma in a list', 'role in (web,)', 13, "expected a value after ',' at position 13; remove the trailing ',' or add a value"],
    ['in without parentheses', 'role in web', 8, "expected '(' after 'in' at position 8; a list is written in (a,b)"],
    ['notin at the end', 'role notin', 10, "expected '(' after 'notin' at position 10; a list is written notin (a,b)"],
    ['a bad character in a key', 'env$=prod', 3, `invalid character '$' in key 'env' at position 3; ${KEY_HINT}`],
    ['a non-ASCII letter in a key', 'envé=x', 3, `invalid character 'é' in key 'env' at position 3; ${KEY_HINT}`],
    ['a parenthesis glued to a key', 'env(a)', 3, `invalid character '(' in key 'env' at position 3; ${KEY_HINT}`],
    ['a key starting with a bad character', '$env=prod', 0, `expected a tag key, found '$' at position 0; ${KEY_HINT}`],
    ['a quoted key', '"env"=prod', 0, `expected a tag key, found '"' at position 0; ${KEY_HINT}`],
    ['an operator without a key', 'env=prod, =x', 10, `expected a tag key, found '=' at position 10; ${KEY_HINT}`],
    [
      'a space inside a key',
      'env=prod,ro le=web',
      12,
      "expected an operator ('=', '==', '!=', 'in', 'notin'), ',' or the end of the selector after key 'ro' at position 12",
    ],
    [
      'an unknown operator word',
      'role within (web)',
      5,
      "expected an operator ('=', '==', '!=', 'in', 'notin'), ',' or the end of the selector after key 'role' at position 5",
    ],
    ['an upper-case operator', 'role IN (web)', 5, "unknown operator 'IN' at position 5; operators are case-sensitive: write 'in'"],
    ['a mixed-case operator', 'role NotIn (web)', 5, "unknown operator 'NotIn' at position 5; operators are case-sensitive: write 'notin'"],
    ['a key that is too long', `${'k'.repeat(129)}=x`, 0, 'a key must be at most 128 characters long, this one has 129 at position 0'],
    ['a later key that is too long', `env=prod,!${'k'.repeat(129)}`, 10, 'a key must be at most 128 characters long, this one has 129 at position 10'],
    ['a trailing comma', 'env=prod,', 9, "expected a requirement after ',' at position 9; remove the trailing ','"],
    ['a trailing comma and space', 'env=prod, ', 10, "expected a requirement after ',' at position 10; remove the trailing ','"],
    ['two commas', 'a,,b', 2, "expected a requirement after ',' at position 2"],
    ['a leading comma', ' ,a', 1, 'expected a requirement at position 1'],
    ['= without a value', 'env=', 4, `expected a value after '=' at position 4; write "" for an empty value`],
    ['== without a value', 'env== ', 6, `expected a value after '==' at position 6; write "" for an empty value`],
    ['!= without a value before a comma', 'env!=,os=linux', 5, `expected a value after '!=' at position 5; write "" for an empty value`],
    ['=== as an operator', 'env===prod', 5, `expected a value after '==', found '=' at position 5; ${QUOTE_HINT}`],
    ['a value starting with a bad character', 'env=!prod', 4, `expected a value after '=', found '!' at position 4; ${QUOTE_HINT}`],
    ['a bad character in a bare value', 'env=pr$od', 6, `invalid character '$' in value 'pr' at position 6; ${QUOTE_HINT}`],
    ['a bad character in a listed value', 'a in (b;c)', 7, `invalid character ';' in value 'b' at position 7; ${QUOTE_HINT}`],
    ['an unquoted value with a space', 'owner=Jane Doe', 11, `expected ',' or the end of the selector after the value at position 11; ${SPACE_HINT}`],
    ['text glued to a quoted value', 'owner="Jane"Doe', 12, `expected ',' or the end of the selector after the value at position 12; ${SPACE_HINT}`],
    ['a stray parenthesis after a value', 'env=prod)', 8, "expected ',' or the end of the selector after the value at position 8"],
    ['text after a value list', 'role in (web) x', 14, "expected ',' or the end of the selector after the value list at position 14"],
    ['a value that is too long', `env=${'v'.repeat(257)}`, 4, 'a value must be at most 256 characters long, this one has 257 at position 4'],
    ['a quoted value that is too long', `env="${'v'.repeat(257)}"`, 4, 'a value must be at most 256 characters long, this one has 257 at position 4'],
    ['! with an operator', '!env=prod', 4, "'!env' takes no operator at position 4; write 'env!=value' for inequality"],
    ['! with a list', '!env in (a)', 5, "expected ',' or the end of the selector after '!env' at position 5"],
    ['! alone', '!', 1, 'expected a tag key at position 1'],
    ['! before a comma', '!,a', 1, 'expected a tag key at position 1'],
    ['! between key and value', 'env!prod', 3, "expected '!=' after the key at position 3; '!' alone only negates a key, as in '!key'"],
    ['51 requirements', keysSelector(51), 190, 'a selector may have at most 50 requirements at position 190'],
    ['a selector that is too long', `env=prod${' '.repeat(8200)}`, 8192, 'a selector must be at most 8192 characters long at position 8192'],
  ])('%s: %j fails at %i', (_name, source, position, message) => {
    const error = syntaxErrorOf(source);

    expect(error.position).toBe(position);
    expect(error.message).toBe(message);
  });

  it('is a VALIDATION_FAILED AppError whose details point at the problem', () => {
    const source = 'env=prod,role in (web,db';

    const error = syntaxErrorOf(source);

    expect(error).toBeInstanceOf(AppError);
    expect(error.name).toBe('SelectorSyntaxError');
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.status).toBe(400);
    expect(error.toBody()).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: "expected ')' after the value list at position 24",
        details: [{ path: 'selector', message: "expected ')' after the value list at position 24", position: 24, excerpt: '' }],
      },
    });
  });

  it.each([
    ['owner="Jane', '"Jane'],
    ['owner="Jane Doe, the admin of everything', '"Jane Doe, the admin…'],
    ['owner="Jane Doe, the admin', '"Jane Doe, the admin'],
  ])('excerpts %j from the position on as %j', (source, excerpt) => {
    const error = syntaxErrorOf(source);

    expect(error.details).toEqual([expect.objectContaining({ position: 6, excerpt })]);
  });
});

describe('formatSelector', () => {
  it.each([
    ['', ''],
    ['   ', ''],
    ['env==prod', 'env=prod'],
    ['env = prod', 'env=prod'],
    ['env!=prod', 'env!=prod'],
    [' env = prod , role  in ( web , db ) ,! decommissioned ', 'env=prod,role in (web,db),!decommissioned'],
    ['role notin(web)', 'role notin (web)'],
    ['owner="Jane Doe"', 'owner="Jane Doe"'],
    ['env="prod"', 'env=prod'],
    ['owner="ops@example.com"', 'owner=ops@example.com'],
    ['q="say \\"hi\\""', 'q="say \\"hi\\""'],
    ['path="C:\\\\temp"', 'path="C:\\\\temp"'],
    ['e=""', 'e=""'],
    ['x in ("a b", c, "")', 'x in ("a b",c,"")'],
    ['v="zoë"', 'v="zoë"'],
    ['v="a=b"', 'v="a=b"'],
    ['v="(x)"', 'v="(x)"'],
    ['v="a,b"', 'v="a,b"'],
    ['b in (b,a,b)', 'b in (b,a,b)'],
  ])('writes %j as %j, which parses back to the same requirements', (source, canonical) => {
    const parsed = parseSelector(source);

    const text = formatSelector(parsed);

    expect(text).toBe(canonical);
    expect(parseSelector(text).requirements).toEqual(parsed.requirements);
  });

  it('formats requirements built by hand', () => {
    const selector: Selector = {
      source: 'not used',
      requirements: [eq('a', 'x y'), neq('b', '"'), inList('c', '\\', ''), notIn('d', 'ok'), exists('e'), absent('f')],
    };

    const text = formatSelector(selector);

    expect(text).toBe('a="x y",b!="\\"",c in ("\\\\",""),d notin (ok),e,!f');
    expect(parseSelector(text).requirements).toEqual(selector.requirements);
  });
});

describe('generated selectors', () => {
  /** mulberry32: a small deterministic generator, so that a failure reproduces from its iteration number. */
  const randomFrom = (seed: number) => {
    let state = seed >>> 0;
    const next = (): number => {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const int = (max: number): number => Math.floor(next() * max);
    const pick = <T>(items: readonly T[]): T => {
      const item = items[int(items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    };
    return { int, pick, chance: (p: number): boolean => next() < p };
  };

  const KEY_CHARS = ['a', 'b', 'x', 'z', 'A', 'Z', '0', '9', '.', '_', '-', '/', ':'];
  const BARE_CHARS = [...KEY_CHARS, '@', '+'];
  // Characters that force quoting, including the ones the grammar itself uses.
  const QUOTED_CHARS = [' ', ',', '"', '\\', '(', ')', '=', '!', 'é', '🙂', '\u00a0', '#', "'"];
  const WORDS = ['in', 'notin', 'prod', '', 'a b', '"', '\\', 'IN'];
  const SPACES = ['', '', ' ', '  ', '\t', '\n', ' \r\n '];

  type Random = ReturnType<typeof randomFrom>;

  const genKey = (r: Random): string => {
    if (r.chance(0.02)) return 'k'.repeat(128);
    if (r.chance(0.05)) return r.pick(['in', 'notin', 'constructor']);
    return Array.from({ length: 1 + r.int(12) }, () => r.pick(KEY_CHARS)).join('');
  };

  const genValue = (r: Random): string => {
    if (r.chance(0.1)) return r.pick(WORDS);
    if (r.chance(0.02)) return 'v'.repeat(256);
    const chars = r.chance(0.5) ? BARE_CHARS : [...BARE_CHARS, ...QUOTED_CHARS];
    return Array.from({ length: r.int(10) }, () => r.pick(chars)).join('');
  };

  const genRequirement = (r: Random): Requirement => {
    const key = genKey(r);
    switch (r.int(6)) {
      case 0:
        return eq(key, genValue(r));
      case 1:
        return neq(key, genValue(r));
      case 2:
        return inList(key, ...Array.from({ length: 1 + r.int(4) }, () => genValue(r)));
      case 3:
        return notIn(key, ...Array.from({ length: 1 + r.int(4) }, () => genValue(r)));
      case 4:
        return exists(key);
      default:
        return absent(key);
    }
  };

  /**
   * Writes requirements the way a person might, independently of formatSelector: random whitespace, `=` or `==`,
   * and quotes around values that would not need them.
   */
  const writeLoosely = (r: Random, requirements: readonly Requirement[]): string => {
    const sp = (): string => r.pick(SPACES);
    const mustSpace = (): string => r.pick([' ', '\t', '\n', '  ']);
    const value = (v: string): string =>
      /^[A-Za-z0-9._\-/:@+]+$/.test(v) && r.chance(0.7) ? v : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    const one = (req: Requirement): string => {
      switch (req.op) {
        case 'eq':
          return `${req.key}${sp()}${r.pick(['=', '=='])}${sp()}${value(req.value)}`;
        case 'neq':
          return `${req.key}${sp()}!=${sp()}${value(req.value)}`;
        case 'in':
        case 'notin':
          return `${req.key}${mustSpace()}${req.op}${sp()}(${req.values.map((v) => `${sp()}${value(v)}${sp()}`).join(',')})`;
        case 'exists':
          return req.key;
        case 'notexists':
          return `!${sp()}${req.key}`;
      }
    };
    return `${sp()}${requirements.map((req) => `${one(req)}${sp()}`).join(`,${sp()}`)}`;
  };

  const cases = Array.from({ length: 400 }, (_, iteration) => {
    const r = randomFrom(iteration + 1);
    const count = r.chance(0.05) ? 50 : r.int(9);
    const requirements = Array.from({ length: count }, () => genRequirement(r));
    return { iteration, requirements, source: writeLoosely(r, requirements) };
  });

  it('covers every operator, quoting and the empty selector', () => {
    const all = cases.flatMap((c) => c.requirements);
    const ops = new Set(all.map((req) => req.op));
    const canonical = cases.map((c) => formatSelector({ source: c.source, requirements: c.requirements }));

    expect([...ops].sort()).toEqual(['eq', 'exists', 'in', 'neq', 'notexists', 'notin']);
    expect(cases.some((c) => c.requirements.length === 0)).toBe(true);
    expect(cases.some((c) => c.requirements.length === 50)).toBe(true);
    expect(canonical.some((text) => text.includes('\\"'))).toBe(true);
    expect(canonical.some((text) => text.includes('\\\\'))).toBe(true);
  });

  it.each(cases)('#$iteration parses as written and round-trips through formatSelector', ({ requirements, source }) => {
    const parsed = parseSelector(source);
    const canonical = formatSelector(parsed);
    const reparsed = parseSelector(canonical);

    expect(parsed.requirements).toEqual(requirements);
    expect(reparsed.requirements).toEqual(requirements);
    expect(formatSelector(reparsed)).toBe(canonical);
  });
});

describe('SelectorText', () => {
  it('parses valid text into a selector', () => {
    const result = SelectorText.safeParse('env=prod, role in (web)');

    expect(result).toEqual({
      success: true,
      data: { source: 'env=prod, role in (web)', requirements: [eq('env', 'prod'), inList('role', 'web')] },
    });
  });

  it.each<[string, unknown, string]>([
    ['a syntax error', 'role in web', "expected '(' after 'in' at position 8; a list is written in (a,b)"],
    ['a trailing comma', 'env=prod,', "expected a requirement after ',' at position 9; remove the trailing ','"],
    ['not a string', 42, 'Invalid input: expected string, received number'],
  ])('reports %s at the field', (_name, selector, message) => {
    const schema = z.strictObject({ selector: SelectorText });

    const result = schema.safeParse({ selector });

    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['selector'], message })]);
  });
});
