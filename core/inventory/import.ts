/**
 * Inventory import: a CSV sheet, a JSON export or an Ansible INI inventory turned into target inputs, one row per
 * target, each validated with CreateTargetInput on its own.
 *
 * A bad row never stops the others: it comes back with its errors and the line it starts on, so that a console can
 * show the whole file's problems at once and import the good rows. Only a document that cannot be read as a whole
 * (broken quoting, invalid JSON, an inventory Ansible itself would reject, too many rows) throws, as AppError 400.
 * Nothing here reads secrets into a target: passwords and key files in an inventory are reported and left out.
 * docs/import.md is the reference for the mappings; keep the two in step.
 */
import { z } from 'zod';
import { badRequest } from '../errors';
import { tagKeyPattern } from './selector';
import { CreateTargetInput, isIPv6, MAX_TAG_VALUE_LENGTH } from './target-schema';

export const importFormats = ['csv', 'json', 'ansible-ini'] as const;
export type ImportFormat = (typeof importFormats)[number];
export const ImportFormat = z.enum(importFormats);

/** Bounds the work of one import, host ranges included (`web[0:99999]` is one short line). */
export const MAX_IMPORT_ROWS = 10_000;

export interface ImportIssue {
  /** The target field (`port`, `tags.env`, `winrm.auth`), or `ignored` for input that was left out on purpose. */
  field?: string;
  message: string;
}

export interface ImportRow {
  /** 1-based line of the document where the row starts (where an Ansible host first appears). */
  line: number;
  /** The validated target, present exactly when `errors` is empty. */
  input?: CreateTargetInput;
  errors: ImportIssue[];
  /** What was read but not imported (secrets, unmapped Ansible variables, server-assigned fields); never blocks the row. */
  warnings: ImportIssue[];
}

export interface ParsedInventory {
  rows: ImportRow[];
}

const CONTROL = /\p{Cc}/u;

const tooManyRows = (): never => {
  throw badRequest(`an import may hold at most ${MAX_IMPORT_ROWS} targets; split the file`);
};

const fieldOf = (path: readonly PropertyKey[]): string | undefined =>
  path.length === 0 ? undefined : path.map((p) => String(p)).join('.');

const issue = (field: string | undefined, message: string): ImportIssue =>
  field === undefined ? { message } : { field, message };

/**
 * Validates one candidate. `sources` names where a field came from when that is not the field itself
 * (`address` ← `ansible_host`), so that the message points at what the user wrote.
 */
const validateRow = (
  line: number,
  candidate: Record<string, unknown>,
  earlier: { errors?: ImportIssue[]; warnings?: ImportIssue[]; sources?: Readonly<Record<string, string>> } = {},
): ImportRow => {
  const errors = [...(earlier.errors ?? [])];
  const warnings = earlier.warnings ?? [];
  const result = CreateTargetInput.safeParse(candidate);
  if (result.success && errors.length === 0) return { line, input: result.data, errors, warnings };
  // A field the reader already reported is not reported again in the schema's words.
  const reported = errors.flatMap((e) => (e.field === undefined ? [] : [e.field]));
  for (const i of result.error?.issues ?? []) {
    if (i.code === 'unrecognized_keys') {
      for (const key of i.keys) errors.push(issue(fieldOf([...i.path, key]), 'is not a target field'));
      continue;
    }
    const field = fieldOf(i.path);
    if (field !== undefined && reported.some((r) => field === r || field.startsWith(`${r}.`))) continue;
    const source = field === undefined ? undefined : Object.entries(earlier.sources ?? {}).find(([f]) => field === f || field.startsWith(`${f}.`))?.[1];
    errors.push(issue(field, source === undefined ? i.message : `${i.message} (from ${source})`));
  }
  return { line, errors, warnings };
};

/** A later valid row with the name of an earlier one fails: one import must not create the same target twice. */
const rejectDuplicateNames = (rows: ImportRow[]): ImportRow[] => {
  const firstLine = new Map<string, number>();
  return rows.map((row) => {
    if (row.input === undefined) return row;
    const first = firstLine.get(row.input.name);
    if (first === undefined) {
      firstLine.set(row.input.name, row.line);
      return row;
    }
    return { line: row.line, errors: [{ field: 'name', message: `'${row.input.name}' is already the name of the target on line ${first}` }], warnings: row.warnings };
  });
};

// ---------------------------------------------------------------------------------------------------------------
// CSV

interface CsvRecord {
  line: number;
  cells: string[];
}

const isCsvSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t';
const isLineBreak = (ch: string | undefined): boolean => ch === '\n' || ch === '\r';

/**
 * RFC 4180 records: fields separated by commas, records by CRLF or LF; a field in double quotes may hold commas,
 * line breaks and `""` for a quote. Two common liberties are accepted because they are unambiguous: spaces around
 * a quoted field, and a quote inside an unquoted field (`5" disk`), which is kept as written. Unquoted cells are
 * trimmed; quoted ones are kept as written. Blank lines are skipped.
 */
const parseCsv = (text: string): CsvRecord[] => {
  const records: CsvRecord[] = [];
  let i = 0;
  let line = 1;
  while (i < text.length) {
    const start = line;
    const cells: string[] = [];
    let blank = true;
    for (;;) {
      let j = i;
      while (isCsvSpace(text[j])) j++;
      if (text[j] === '"') {
        blank = false;
        const openedOn = line;
        let value = '';
        i = j + 1;
        for (;;) {
          if (i >= text.length) throw badRequest(`the quoted field opened on line ${openedOn} is never closed`);
          const ch = text.charAt(i);
          if (ch === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n' || (ch === '\r' && text[i + 1] !== '\n')) line++;
          value += ch;
          i++;
        }
        while (isCsvSpace(text[i])) i++;
        if (i < text.length && text[i] !== ',' && !isLineBreak(text[i])) {
          throw badRequest(`unexpected text after a closing quote on line ${line}; write a quote inside a quoted field as ""`);
        }
        cells.push(value);
      } else {
        while (i < text.length && text[i] !== ',' && !isLineBreak(text[i])) i++;
        const value = text.slice(j, i).trim();
        if (value !== '' || text[i] === ',') blank = false;
        cells.push(value);
      }
      if (i >= text.length) break;
      if (text[i] === ',') {
        i++;
        continue;
      }
      i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      break;
    }
    if (!blank) records.push({ line: start, cells });
  }
  return records;
};

const csvColumns = [
  'name',
  'address',
  'port',
  'protocol',
  'username',
  'credentialId',
  'tags',
  'description',
  'enabled',
  'hostKeyFingerprint',
  'winrmTransport',
  'winrmAuth',
  'winrmVerifyTls',
] as const;
type CsvColumn = (typeof csvColumns)[number];
const requiredCsvColumns: readonly CsvColumn[] = ['name', 'address', 'protocol'];

const readHeader = (record: CsvRecord): CsvColumn[] => {
  const byLowerCase = new Map(csvColumns.map((c) => [c.toLowerCase(), c]));
  const unknown: string[] = [];
  const columns: CsvColumn[] = [];
  for (const cell of record.cells) {
    const column = byLowerCase.get(cell.trim().toLowerCase());
    if (column === undefined) unknown.push(cell);
    else if (columns.includes(column)) throw badRequest(`the header names the column '${column}' twice`);
    else columns.push(column);
  }
  if (unknown.length > 0) {
    const named = unknown.map((c) => `'${c}'`).join(', ');
    throw badRequest(
      columns.length === 0
        ? `the first line must be a header naming the columns, e.g. name,address,port,protocol; found ${named}`
        : `unknown column${unknown.length > 1 ? 's' : ''} ${named} in the header; the columns are ${csvColumns.join(', ')}`,
    );
  }
  const missing = requiredCsvColumns.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw badRequest(`the header must have the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  return columns;
};

/** `true`/`false` in any case become booleans; anything else is passed on for the schema to reject. */
const csvBoolean = (cell: string): unknown => {
  const lower = cell.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : cell;
};

/** `k=v;k2=v2`; `k` alone is the empty value, as a selector's `k` finds it. */
const csvTags = (cell: string, errors: ImportIssue[]): Record<string, string> => {
  const tags: Record<string, string> = {};
  for (const part of cell.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = (eq === -1 ? part : part.slice(0, eq)).trim();
    const value = eq === -1 ? '' : part.slice(eq + 1).trim();
    if (Object.hasOwn(tags, key)) errors.push({ field: `tags.${key}`, message: `the tag '${key}' is given twice` });
    // defineProperty, so that a key such as __proto__ stays a key for the schema to judge.
    Object.defineProperty(tags, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return tags;
};

const csvRow = (columns: readonly CsvColumn[], record: CsvRecord): ImportRow => {
  if (record.cells.length !== columns.length) {
    return {
      line: record.line,
      errors: [{ message: `has ${record.cells.length} field${record.cells.length === 1 ? '' : 's'} where the header has ${columns.length}` }],
      warnings: [],
    };
  }
  const errors: ImportIssue[] = [];
  const candidate: Record<string, unknown> = {};
  const winrm: Record<string, unknown> = {};
  columns.forEach((column, index) => {
    const cell = record.cells[index] ?? '';
    // An empty cell is a field not given, so that defaults apply.
    if (cell === '') return;
    switch (column) {
      case 'port':
        candidate.port = /^[0-9]{1,6}$/.test(cell) ? Number(cell) : cell;
        return;
      case 'enabled':
        candidate.enabled = csvBoolean(cell);
        return;
      case 'tags':
        candidate.tags = csvTags(cell, errors);
        return;
      case 'winrmTransport':
        winrm.transport = cell;
        return;
      case 'winrmAuth':
        winrm.auth = cell;
        return;
      case 'winrmVerifyTls':
        winrm.verifyTls = csvBoolean(cell);
        return;
      default:
        candidate[column] = cell;
    }
  });
  if (Object.keys(winrm).length > 0) candidate.winrm = winrm;
  return validateRow(record.line, candidate, { errors });
};

const parseCsvInventory = (text: string): ImportRow[] => {
  const [header, ...records] = parseCsv(text);
  if (header === undefined) throw badRequest('the CSV is empty; it needs a header line, e.g. name,address,port,protocol');
  if (records.length > MAX_IMPORT_ROWS) tooManyRows();
  const columns = readHeader(header);
  return records.map((record) => csvRow(columns, record));
};

// ---------------------------------------------------------------------------------------------------------------
// JSON

/** Stored-only fields of an exported target: assigned by the server, so an export can be imported again. */
const serverFields = ['id', 'projectId', 'hostKey', 'lastTest', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'version'];

/** Index just past the string literal that starts at `start` (the text is known to be valid JSON). */
const jsonStringEnd = (text: string, start: number): number => {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
};

/**
 * Where each element of the target array starts: the root array, or the root object's `targets` (the last one,
 * as JSON.parse keeps the last of repeated keys). JSON.parse does not tell, so the text is walked once more.
 */
const jsonElementOffsets = (text: string, rootIsArray: boolean): number[] => {
  interface Frame {
    object: boolean;
    key: string | undefined;
    expectKey: boolean;
    holdsTargets: boolean;
  }
  const stack: Frame[] = [];
  let offsets: number[] = [];
  const valueAt = (at: number) => {
    if (stack.at(-1)?.holdsTargets === true) offsets.push(at);
  };
  let i = 0;
  while (i < text.length) {
    const ch = text.charAt(i);
    const top = stack.at(-1);
    if (ch === '"') {
      const end = jsonStringEnd(text, i);
      if (top?.object === true && top.expectKey) {
        top.key = JSON.parse(text.slice(i, end)) as string;
        top.expectKey = false;
      } else {
        valueAt(i);
      }
      i = end;
    } else if (ch === '{' || ch === '[') {
      valueAt(i);
      const holdsTargets = ch === '[' && (top === undefined ? rootIsArray : stack.length === 1 && top.object && top.key === 'targets');
      if (holdsTargets) offsets = [];
      stack.push({ object: ch === '{', key: undefined, expectKey: ch === '{', holdsTargets });
      i++;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      i++;
    } else if (ch === ',') {
      if (top?.object === true) top.expectKey = true;
      i++;
    } else if (ch === ':' || /\s/.test(ch)) {
      i++;
    } else {
      valueAt(i);
      while (i < text.length && !/[\s,\]}]/.test(text.charAt(i))) i++;
    }
  }
  return offsets;
};

/** 1-based line numbers of increasing offsets. */
const linesAt = (text: string, offsets: readonly number[]): number[] => {
  let line = 1;
  let pos = 0;
  return offsets.map((offset) => {
    for (; pos < offset; pos++) if (text[pos] === '\n') line++;
    return line;
  });
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const parseJsonInventory = (text: string): ImportRow[] => {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw badRequest(`the JSON cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  let items: unknown[];
  if (Array.isArray(doc)) {
    items = doc;
  } else if (isPlainObject(doc) && Object.hasOwn(doc, 'targets')) {
    if (!Array.isArray(doc.targets)) throw badRequest('"targets" must be an array of targets');
    items = doc.targets;
  } else {
    throw badRequest('the JSON must be an array of targets or an object with a "targets" array');
  }
  if (items.length > MAX_IMPORT_ROWS) tooManyRows();
  const lines = linesAt(text, jsonElementOffsets(text, Array.isArray(doc)));
  return items.map((item, index) => {
    const line = lines[index] ?? 1;
    if (!isPlainObject(item)) return { line, errors: [{ message: 'a target must be a JSON object' }], warnings: [] };
    const candidate = { ...item };
    const warnings: ImportIssue[] = [];
    for (const key of serverFields) {
      if (!Object.hasOwn(candidate, key)) continue;
      Reflect.deleteProperty(candidate, key);
      warnings.push({ field: 'ignored', message: `${key}: assigned by the server, not imported` });
    }
    return validateRow(line, candidate, { warnings });
  });
};

// ---------------------------------------------------------------------------------------------------------------
// Ansible INI

/** Thrown for an inventory that cannot be read as a whole, with the line to look at. */
const inventoryError = (line: number, message: string): never => {
  throw badRequest(`line ${line}: ${message}`, [{ line, message }]);
};

/**
 * The words of a host line as Ansible splits them (Python's shlex.split with comments): whitespace separates,
 * quotes group and are removed, a backslash escapes outside single quotes, and `#` outside quotes ends the line.
 */
const shellWords = (line: string): { words: string[] } | { error: string } => {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const ch = line.charAt(i);
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end === -1) return { error: 'a single quote is not closed' };
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      for (;;) {
        if (i >= line.length) return { error: 'a double quote is not closed' };
        const c = line.charAt(i);
        if (c === '"') break;
        // Inside double quotes a backslash escapes only a quote or a backslash.
        if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
          word += line.charAt(i + 1);
          i += 2;
        } else {
          word += c;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) return { error: 'the line ends in a backslash' };
      word += line.charAt(i + 1);
      inWord = true;
      i += 2;
    } else if (ch === '#') {
      break;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return { words };
};

/** A value written as a Python string literal (`'a b'`, `"x"`) loses its quotes, as Ansible's literal_eval does. */
const unquoted = (value: string): string => {
  const m = /^(['"])(.*)\1$/s.exec(value);
  return m?.[2] ?? value;
};

/** A `[group:vars]` value: quotes removed, and a trailing ` # comment` after it dropped. */
const sectionValue = (raw: string): string => {
  const quoted = /^(['"])(.*?)\1\s*(?:#.*)?$/s.exec(raw);
  if (quoted) return quoted[2] ?? '';
  const comment = /\s#/.exec(raw);
  return (comment === null ? raw : raw.slice(0, comment.index)).trim();
};

const ASCII_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** One `[begin:end]` or `[begin:end:step]` range as Ansible reads it: how many values, and the i-th. */
type HostRange = { count: number; valueAt: (i: number) => string } | { problem: string };

const hostRange = (range: string): HostRange => {
  const bounds = range.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) return { problem: `the host range [${range}] must be [begin:end] or [begin:end:step]` };
  const [rawBegin = '', end = '', stepText = '1'] = bounds;
  const begin = rawBegin === '' ? '0' : rawBegin;
  if (end === '') return { problem: `the host range [${range}] has no end` };
  if (!/^[1-9][0-9]*$/.test(stepText)) return { problem: `the step of the host range [${range}] must be a positive whole number` };
  const step = Number(stepText);
  if (/^[0-9]+$/.test(begin) && /^[0-9]+$/.test(end)) {
    // A leading zero asks for zero-padding to the width of the beginning, which the end must share.
    const width = begin.length > 1 && begin.startsWith('0') ? begin.length : 0;
    if (width > 0 && end.length !== width) return { problem: `the zero-padded host range [${range}] needs a beginning and end of the same width` };
    const from = Number(begin);
    const to = Number(end);
    if (from > to) return { problem: `the host range [${range}] must not end before it begins` };
    return { count: Math.floor((to - from) / step) + 1, valueAt: (i) => String(from + i * step).padStart(width, '0') };
  }
  const from = ASCII_LETTERS.indexOf(begin);
  const to = ASCII_LETTERS.indexOf(end);
  if (begin.length !== 1 || end.length !== 1 || from === -1 || to === -1) {
    return { problem: `the host range [${range}] must be numbers ([01:10]) or single letters ([a:f])` };
  }
  if (from > to) return { problem: `the host range [${range}] must not end before it begins` };
  return { count: Math.floor((to - from) / step) + 1, valueAt: (i) => ASCII_LETTERS.charAt(from + i * step) };
};

/** Every name a pattern with ranges stands for (`web[01:03].example.com`, `db-[a:b][1:2]`), in order; a string is the problem. */
const expandRanges = (pattern: string, line: number): string[] | string => {
  let names = [''];
  let rest = pattern;
  for (;;) {
    const open = rest.indexOf('[');
    if (open === -1) break;
    const close = rest.indexOf(']', open);
    if (close === -1) return `the host range in '${pattern}' is not closed`;
    const head = rest.slice(0, open);
    const range = hostRange(rest.slice(open + 1, close));
    if ('problem' in range) return range.problem;
    // Counted before a single name is made, so that `web[0:99999999]` costs nothing.
    if (names.length * range.count > MAX_IMPORT_ROWS) inventoryError(line, `'${pattern}' stands for more than ${MAX_IMPORT_ROWS} hosts`);
    const values = Array.from({ length: range.count }, (_, i) => range.valueAt(i));
    names = names.flatMap((prefix) => values.map((v) => `${prefix}${head}${v}`));
    rest = rest.slice(close + 1);
  }
  if (rest.includes(']')) return `'${pattern}' has a ']' without a '['`;
  return names.map((n) => `${n}${rest}`);
};

/** The hosts and port of a host pattern: `name`, `name:port`, `10.0.0.5:22`, bare or `[bracketed]:port` IPv6, ranges. */
const hostPattern = (token: string, line: number): { hosts: string[]; port?: number } | string => {
  const bracketed = /^\[([^\]]+)\](?::([0-9]+))?$/.exec(token);
  if (bracketed?.[1] !== undefined && isIPv6(bracketed[1])) {
    return bracketed[2] === undefined ? { hosts: [bracketed[1]] } : { hosts: [bracketed[1]], port: Number(bracketed[2]) };
  }
  if (isIPv6(token)) return { hosts: [token] };
  let pattern = token;
  let port: number | undefined;
  const portMatch = /:([0-9]*)$/.exec(token);
  // A port follows the last range; inside an unclosed '[' the colon belongs to the range.
  if (portMatch && portMatch.index > token.lastIndexOf(']') && token.lastIndexOf('[') <= token.lastIndexOf(']')) {
    if (portMatch[1] === '') return `'${token}' ends in ':' without a port`;
    port = Number(portMatch[1]);
    pattern = token.slice(0, portMatch.index);
  }
  if (pattern === '---') return inventoryError(line, "'---' starts a YAML document; only INI inventories are imported here");
  const hosts = expandRanges(pattern, line);
  if (typeof hosts === 'string') return hosts;
  return port === undefined ? { hosts } : { hosts, port };
};

interface InventoryGroup {
  name: string;
  /** Declared by `[name]` or `[name:children]`; `[name:vars]` alone or a child entry alone is not enough. */
  declared: boolean;
  /** Where the group was first referenced, for the error when it is never declared. */
  referencedOn: { line: number; how: string } | undefined;
  vars: Map<string, string>;
  children: Set<string>;
  parents: Set<string>;
}

interface InventoryHost {
  name: string;
  line: number;
  groups: Set<string>;
  /** Host variables in the order they were set; a later line's value replaces an earlier one's. */
  vars: Map<string, string>;
  problems: ImportIssue[];
}

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const CHILD_LINE = /^([^:\]\s]+)\s*(?:#.*)?$/;

/** Reads the structure: groups with their vars and children, hosts with their groups and vars. */
const readInventory = (text: string): { groups: Map<string, InventoryGroup>; hosts: Map<string, InventoryHost> } => {
  const groups = new Map<string, InventoryGroup>();
  const hosts = new Map<string, InventoryHost>();
  const group = (name: string): InventoryGroup => {
    let g = groups.get(name);
    if (g === undefined) {
      g = { name, declared: false, referencedOn: undefined, vars: new Map(), children: new Set(), parents: new Set() };
      groups.set(name, g);
    }
    return g;
  };
  group('all').declared = true;
  group('ungrouped').declared = true;

  let current = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  let first = true;
  const lines = text.split(/\r\n|\n|\r/);
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    // Ansible would try its YAML plugin on such a file; saying so beats a host named `all:`.
    if (first && (line === '---' || /^[\w.-]+:$/.test(line))) {
      inventoryError(lineNo, 'this looks like a YAML inventory; only INI inventories are imported here');
    }
    first = false;

    const section = SECTION.exec(line);
    if (section) {
      const [, name = '', kind = 'hosts'] = section;
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        inventoryError(lineNo, `the section [${name}:${kind}] has an unknown type; use [${name}], [${name}:vars] or [${name}:children]`);
      }
      current = name;
      state = kind as typeof state;
      const g = group(name);
      if (state === 'vars') g.referencedOn ??= { line: lineNo, how: `[${name}:vars] is for a group` };
      else g.declared = true;
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      inventoryError(lineNo, `'${line}' is not a valid section: a group name has no spaces, ':' or ']'`);
    }

    if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq <= 0) inventoryError(lineNo, `expected key=value in [${current}:vars], found '${line}'`);
      group(current).vars.set(line.slice(0, eq).trim(), sectionValue(line.slice(eq + 1).trim()));
      return;
    }

    if (state === 'children') {
      const child = CHILD_LINE.exec(line)?.[1];
      if (child === undefined) return inventoryError(lineNo, `expected a group name in [${current}:children], found '${line}'`);
      const c = group(child);
      c.referencedOn ??= { line: lineNo, how: `[${current}:children] includes the group` };
      group(current).children.add(child);
      c.parents.add(current);
      return;
    }

    const split = shellWords(line);
    const hostWord = 'words' in split ? split.words[0] : /^\S+/.exec(line)?.[0];
    if (hostWord === undefined) return;
    const pattern = hostPattern(hostWord, lineNo);
    // Without host names there is no row to put the problem on, so the inventory as a whole is unreadable.
    if (typeof pattern === 'string') return inventoryError(lineNo, pattern);
    const problems: ImportIssue[] = [];
    const vars = new Map<string, string>();
    if (pattern.port !== undefined) vars.set('ansible_port', String(pattern.port));
    if ('error' in split) {
      problems.push({ message: `line ${lineNo}: ${split.error}` });
    } else {
      for (const word of split.words.slice(1)) {
        const eq = word.indexOf('=');
        if (eq <= 0) problems.push({ message: `line ${lineNo}: expected key=value after the host name, found '${word}'` });
        else vars.set(word.slice(0, eq), unquoted(word.slice(eq + 1)));
      }
    }
    if (hosts.size + pattern.hosts.filter((h) => !hosts.has(h)).length > MAX_IMPORT_ROWS) tooManyRows();
    for (const name of pattern.hosts) {
      let host = hosts.get(name);
      if (host === undefined) {
        host = { name, line: lineNo, groups: new Set(), vars: new Map(), problems: [] };
        hosts.set(name, host);
      }
      host.groups.add(current);
      for (const [k, v] of vars) host.vars.set(k, v);
      host.problems.push(...problems);
    }
  });

  for (const g of groups.values()) {
    if (!g.declared && g.referencedOn !== undefined) {
      inventoryError(g.referencedOn.line, `${g.referencedOn.how} '${g.name}', which is never declared with [${g.name}] or [${g.name}:children]`);
    }
  }
  return { groups, hosts };
};

/**
 * Each group's depth below `all` (the longest path, as Ansible counts it), failing on a cycle. Vars of deeper
 * groups override those of shallower ones; groups at the same depth apply in name order.
 */
const groupDepths = (groups: ReadonlyMap<string, InventoryGroup>): Map<string, number> => {
  const depths = new Map<string, number>([['all', 0]]);
  const visiting = new Set<string>();
  const depthOf = (name: string, path: string[]): number => {
    const known = depths.get(name);
    if (known !== undefined) return known;
    if (visiting.has(name)) {
      const cycle = [...path.slice(path.indexOf(name)), name].join(' → ');
      const line = groups.get(name)?.referencedOn?.line ?? 1;
      return inventoryError(line, `the groups form a cycle (${cycle}); a group cannot contain itself`);
    }
    visiting.add(name);
    const parents = [...(groups.get(name)?.parents ?? [])].filter((p) => p !== 'all');
    const depth = 1 + Math.max(0, ...parents.map((p) => depthOf(p, [...path, name])));
    visiting.delete(name);
    depths.set(name, depth);
    return depth;
  };
  for (const name of groups.keys()) depthOf(name, []);
  return depths;
};

/** The host's groups and all their ancestors, `all` included. */
const groupsOfHost = (host: InventoryHost, groups: ReadonlyMap<string, InventoryGroup>): Set<string> => {
  const found = new Set<string>(['all']);
  const visit = (name: string) => {
    if (found.has(name)) return;
    found.add(name);
    for (const parent of groups.get(name)?.parents ?? []) visit(parent);
  };
  for (const name of host.groups) visit(name);
  return found;
};

export const ANSIBLE_GROUP_TAG_PREFIX = 'ansible_group.';

// Names that say "secret": such variables never become tags (tags are visible to every project member).
const SECRET_NAME = /pass(?:word|wd|phrase)?|secret|token|private_?key|key_?file|api_?key|credential|cert_?key/i;

const mappedVars = {
  address: ['ansible_host', 'ansible_ssh_host'],
  port: ['ansible_port', 'ansible_ssh_port'],
  username: ['ansible_user', 'ansible_ssh_user'],
} as const;
const winrmVars = ['ansible_winrm_scheme', 'ansible_winrm_transport', 'ansible_winrm_server_cert_validation'];

const sshConnections = new Set(['ssh', 'paramiko', 'smart']);

/** The first transport in Ansible's list that OpsConductor speaks: ntlm, or basic (also named plaintext and ssl). */
const winrmAuthOf = (transports: string): 'basic' | 'ntlm' | undefined => {
  for (const t of transports.replace(/[[\]'"]/g, '').split(',')) {
    const name = t.trim().toLowerCase();
    if (name === 'ntlm') return 'ntlm';
    if (name === 'basic' || name === 'plaintext' || name === 'ssl') return 'basic';
  }
  return undefined;
};

const tagProblem = (key: string, value: string): string | undefined => {
  if (!tagKeyPattern.test(key) || key === '__proto__') return 'the name cannot be a tag key';
  if (value.length > MAX_TAG_VALUE_LENGTH) return `the value is longer than ${MAX_TAG_VALUE_LENGTH} characters`;
  if (CONTROL.test(value)) return 'the value has control characters';
  return undefined;
};

const ansibleRow = (host: InventoryHost, groups: ReadonlyMap<string, InventoryGroup>, depths: ReadonlyMap<string, number>): ImportRow => {
  const memberOf = groupsOfHost(host, groups);
  const ordered = [...memberOf].sort((a, b) => (depths.get(a) ?? 0) - (depths.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  const vars = new Map<string, string>();
  for (const name of ordered) for (const [k, v] of groups.get(name)?.vars ?? []) vars.set(k, v);
  for (const [k, v] of host.vars) vars.set(k, v);

  const errors: ImportIssue[] = [...host.problems];
  const warnings: ImportIssue[] = [];
  const sources: Record<string, string> = {};
  const used = new Set<string>(['ansible_connection']);
  const take = (names: readonly string[], field: string): string | undefined => {
    names.forEach((n) => used.add(n));
    const name = names.find((n) => vars.has(n));
    if (name === undefined) return undefined;
    sources[field] = name;
    return vars.get(name);
  };

  const candidate: Record<string, unknown> = { name: host.name };
  candidate.address = take(mappedVars.address, 'address') ?? host.name;
  const port = take(mappedVars.port, 'port');
  if (port !== undefined) candidate.port = /^[0-9]{1,6}$/.test(port) ? Number(port) : port;
  const username = take(mappedVars.username, 'username');
  if (username !== undefined) candidate.username = username;

  const connection = vars.get('ansible_connection') ?? 'ssh';
  if (connection === 'winrm') {
    candidate.protocol = 'winrm';
    winrmVars.forEach((n) => used.add(n));
    // Ansible's default: https, unless the port is WinRM's http port.
    const scheme = vars.get('ansible_winrm_scheme') ?? (candidate.port === 5985 ? 'http' : 'https');
    if (vars.has('ansible_winrm_scheme')) sources['winrm.transport'] = 'ansible_winrm_scheme';
    const transports = vars.get('ansible_winrm_transport');
    const auth = transports === undefined ? 'ntlm' : winrmAuthOf(transports);
    if (transports !== undefined) sources['winrm.auth'] = 'ansible_winrm_transport';
    if (auth === undefined) {
      errors.push({ field: 'winrm.auth', message: `ansible_winrm_transport '${transports ?? ''}' has no transport OpsConductor supports (basic, ntlm)` });
    }
    const validation = vars.get('ansible_winrm_server_cert_validation');
    if (validation !== undefined && validation !== 'ignore' && validation !== 'validate') {
      errors.push({ field: 'winrm.verifyTls', message: `ansible_winrm_server_cert_validation must be 'validate' or 'ignore', found '${validation}'` });
    }
    candidate.winrm = { transport: scheme, auth: auth ?? 'ntlm', verifyTls: validation !== 'ignore' };
  } else if (sshConnections.has(connection)) {
    candidate.protocol = 'ssh';
  } else {
    errors.push({ field: 'protocol', message: `ansible_connection '${connection}' is not supported; OpsConductor connects over ssh or winrm` });
  }

  const tags: Record<string, string> = {};
  const setTag = (key: string, value: string) => Object.defineProperty(tags, key, { value, enumerable: true, writable: true, configurable: true });
  for (const name of [...memberOf].sort()) {
    if (name !== 'all' && name !== 'ungrouped') setTag(`${ANSIBLE_GROUP_TAG_PREFIX}${name}`, 'true');
  }
  for (const [key, value] of vars) {
    if (used.has(key)) continue;
    if (SECRET_NAME.test(key)) {
      warnings.push({ field: 'ignored', message: `${key}: secrets are not imported; keep them in a credential and set credentialId` });
    } else if (key.startsWith('ansible_')) {
      warnings.push({ field: 'ignored', message: `${key}: this Ansible setting is not imported` });
    } else {
      const problem = tagProblem(key, value);
      if (problem === undefined) setTag(key, value);
      else warnings.push({ field: 'ignored', message: `${key}: not imported as a tag, ${problem}` });
    }
  }
  candidate.tags = tags;
  return validateRow(host.line, candidate, { errors, warnings, sources });
};

const parseAnsibleInventory = (text: string): ImportRow[] => {
  const { groups, hosts } = readInventory(text);
  const depths = groupDepths(groups);
  return [...hosts.values()].map((host) => ansibleRow(host, groups, depths));
};

// ---------------------------------------------------------------------------------------------------------------

/**
 * Reads an inventory document into one row per target. Throws AppError 400 (BAD_REQUEST) only when the document
 * as a whole cannot be read; every problem of a single target is in its row.
 */
export const parseInventory = (format: ImportFormat, text: string): ParsedInventory => {
  // A byte order mark is how some spreadsheet programs start a UTF-8 file; it is not part of the first column.
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  switch (format) {
    case 'csv':
      return { rows: rejectDuplicateNames(parseCsvInventory(body)) };
    case 'json':
      return { rows: rejectDuplicateNames(parseJsonInventory(body)) };
    case 'ansible-ini':
      return { rows: parseAnsibleInventory(body) };
  }
};
