import { AppError } from '../errors';
import { parameterValueProblem, type Parameter } from './schema';

/**
 * A run's parameters checked against the job: each problem is named, values become the strings
 * the runner hands to the host as environment variables, and secure values are collected so the
 * runner can redact them from everything it stores.
 */
export interface ResolvedParameters {
  values: Record<string, string>;
  secureValues: string[];
}

export const resolveRunParameters = (defined: readonly Parameter[], given: Record<string, unknown>): ResolvedParameters => {
  const details: { location: 'body'; path: string; message: string }[] = [];
  const known = new Map(defined.map((p) => [p.name, p]));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) details.push({ location: 'body', path: `parameters.${name}`, message: 'is not a parameter of this job' });
  }
  const values: Record<string, string> = {};
  const secureValues: string[] = [];
  for (const p of defined) {
    const value = Object.hasOwn(given, p.name) ? given[p.name] : p.default;
    if (value === undefined) {
      if (p.required) details.push({ location: 'body', path: `parameters.${p.name}`, message: 'is required' });
      continue;
    }
    const problem = parameterValueProblem(p, value);
    if (problem !== undefined) {
      details.push({ location: 'body', path: `parameters.${p.name}`, message: problem });
      continue;
    }
    // parameterValueProblem accepted it, so it is a string, a finite number or a boolean.
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    values[p.name] = text;
    if (p.secure && text !== '') secureValues.push(text);
  }
  if (details.length > 0) throw new AppError('VALIDATION_FAILED', 'Some parameters do not fit the job.', details);
  return { values, secureValues };
};
