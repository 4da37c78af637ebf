import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Element } from '@xmldom/xmldom';
import { NS } from '../../runner/winrm/namespaces';
import { childElements, parseXml } from '../../runner/winrm/responses';

/**
 * The WinRM test vectors (test/vectors/winrm, a verbatim copy of ../shared/test-vectors/winrm with
 * its licenses, so a clean checkout has them too).
 */
export const winrmVectorsDir = path.resolve(__dirname, '../vectors/winrm');

export const readWinrmVector = (...parts: string[]): Buffer => readFileSync(path.join(winrmVectorsDir, ...parts));

/** A JSON vector file; the caller states its shape with `as` (vector files are trusted test data). */
export const readWinrmVectorJson = (...parts: string[]): unknown => JSON.parse(readWinrmVector(...parts).toString('utf8'));

/** An XML vector as text (all of them are UTF-8). */
export const readWinrmVectorText = (...parts: string[]): string => readWinrmVector(...parts).toString('utf8');

/** Every vector file whose name ends with `suffix`, as paths relative to winrmVectorsDir, sorted. */
export const listWinrmVectors = (suffix: string): string[] => {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith(suffix)) out.push(path.relative(winrmVectorsDir, full));
    }
  };
  walk(winrmVectorsDir);
  return out;
};

/**
 * A request reduced to what it means, for comparing requests from different serializers:
 * - elements and attributes by namespace URI and local name (prefixes and namespace declarations vanish);
 * - per-run ids stripped: MessageID, SessionId, the ShellId selector's value, CommandId attributes;
 * - SOAP header blocks are unordered (SOAP 1.2 §5.2), so header children are sorted; bodies keep their order;
 * - an unqualified `mustUnderstand` (pywinrm writes it so) counts as SOAP's, and `mustUnderstand="false"`
 *   as absent (SOAP's default); `mustUnderstand` on OptionSet is dropped: pywinrm omits it, pypsrp and
 *   this client set it, and Windows accepted both;
 * - `End="false"` on a Send stream counts as absent (its default);
 * - durations compare as seconds (`PT5M0S` is `PT300S`);
 * - booleans compare case-insensitively (`TRUE`, `True`, `true` all reached Windows), text is trimmed,
 *   whitespace-only text between elements is layout.
 */
export type Semantic = { name: string; attrs: Record<string, string>; text: string; children: Semantic[] };

const STRIPPED_HEADERS = new Set([`${NS.addressing}|MessageID`, `${NS.wsmv}|SessionId`]);

const DURATION = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/;

const normaliseValue = (s: string): string => {
  const t = s.trim();
  if (/^(true|false)$/i.test(t)) return t.toLowerCase();
  const d = DURATION.exec(t);
  if (d !== null && t !== 'PT') return `PT${String(Number(d[1] ?? 0) * 3600 + Number(d[2] ?? 0) * 60 + Number(d[3] ?? 0))}S`;
  return t;
};

const semanticOf = (e: Element): Semantic => {
  const name = `${e.namespaceURI ?? ''}|${e.localName ?? ''}`;
  const attrs: Record<string, string> = {};
  for (const a of Array.from(e.attributes)) {
    if (a.name === 'xmlns' || a.prefix === 'xmlns') continue;
    const ns = a.localName === 'mustUnderstand' && (a.namespaceURI === null || a.namespaceURI === '') ? NS.soap : (a.namespaceURI ?? '');
    if (a.localName === 'CommandId') continue;
    if (a.localName === 'mustUnderstand' && (normaliseValue(a.value) === 'false' || e.localName === 'OptionSet')) continue;
    if (a.localName === 'End' && normaliseValue(a.value) === 'false') continue;
    attrs[`${ns}|${a.localName ?? ''}`] = normaliseValue(a.value);
  }
  let children = childElements(e).map(semanticOf);
  if (name === `${NS.soap}|Header`) {
    children = children.filter((c) => !STRIPPED_HEADERS.has(c.name)).sort((a, b) => a.name.localeCompare(b.name));
  }
  const isShellSelector = e.localName === 'Selector' && e.getAttribute('Name') === 'ShellId';
  const text = children.length > 0 || isShellSelector ? '' : normaliseValue(e.textContent ?? '');
  return { name, attrs, text, children };
};

export const semanticXml = (xml: string): Semantic => {
  const root = parseXml(xml).documentElement;
  if (root === null) throw new Error('no root element');
  return semanticOf(root);
};
