import { z } from 'zod';
import { AppError } from '../errors';
import { evaluateJsonPath, parseJsonPath } from './json-path';
import { compilePattern, validatePattern } from './pattern';

/**
 * EventBridge's TestEventPattern, plus the input mapping triggers use: does this pattern match
 * this event, and which parameters would a trigger take from it. The pattern and the event come as
 * JSON text (as EventBridge takes them) or as objects.
 */
const JsonTextOrObject = z.union([z.string(), z.record(z.string(), z.unknown())]);

export const InputMapping = z
  .record(z.string().min(1).max(128), z.string().min(1).max(1024))
  .superRefine((mapping, ctx) => {
    for (const [param, path] of Object.entries(mapping)) {
      const parsed = parseJsonPath(path);
      if (!Array.isArray(parsed)) ctx.addIssue({ code: 'custom', path: [param], message: `is not a supported JSONPath: ${parsed.error}` });
    }
  });
export type InputMapping = z.output<typeof InputMapping>;

export const TestPatternInput = z.strictObject({
  pattern: JsonTextOrObject,
  event: JsonTextOrObject,
  inputMapping: InputMapping.optional(),
});
export type TestPatternInput = z.output<typeof TestPatternInput>;

export interface TestPatternResult {
  match: boolean;
  parameters?: Record<string, unknown>;
}

const invalid = (field: string, message: string, details: { path: string; message: string }[]) =>
  new AppError(
    'VALIDATION_FAILED',
    message,
    details.map((d) => ({ location: 'body' as const, path: d.path === '' ? field : `${field}${d.path}`, message: d.message })),
  );

const fromJson = (field: 'pattern' | 'event', value: string | Record<string, unknown>): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch (e) {
    const reason = e instanceof Error ? e.message : 'unparseable';
    throw invalid(field, `The ${field} is not valid JSON: ${reason}`, [{ path: '', message: 'is not valid JSON' }]);
  }
};

/** Values the mapping names, taken from the event; a path that finds nothing leaves its parameter out. */
export const mapInput = (event: unknown, mapping: InputMapping): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [param, path] of Object.entries(mapping)) {
    const value = evaluateJsonPath(event, path);
    if (value !== undefined) out[param] = value;
  }
  return out;
};

export const testEventPattern = (input: TestPatternInput): TestPatternResult => {
  const pattern = fromJson('pattern', input.pattern);
  const validated = validatePattern(pattern);
  if (!validated.ok) {
    const first = validated.errors[0];
    const summary = first === undefined ? '' : ` ${first.path}: ${first.message}`;
    // Paths from the validator start with `$`; in the body they are under `pattern`.
    throw invalid('pattern', `The event pattern is not valid.${summary}`, validated.errors.map((e) => ({ path: e.path.slice(1), message: e.message })));
  }
  const event = fromJson('event', input.event);
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw invalid('event', 'The event must be a JSON object.', [{ path: '', message: 'must be a JSON object' }]);
  }
  const match = compilePattern(validated.pattern)(event);
  if (!match || input.inputMapping === undefined) return { match };
  return { match, parameters: mapInput(event, input.inputMapping) };
};
