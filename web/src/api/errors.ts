import type { IssueLocation, ValidationIssue } from './types';

/** An error answered by the API (`{"error":{"code","message","details"}}`) or a transport failure. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** The field-level issues of a VALIDATION_FAILED answer (empty for any other error). */
  get issues(): ValidationIssue[] {
    if (this.code !== 'VALIDATION_FAILED' || !Array.isArray(this.details)) return [];
    return this.details.filter(isIssue);
  }
}

const locations: readonly string[] = ['body', 'query', 'path', 'header'] satisfies IssueLocation[];

const isIssue = (v: unknown): v is ValidationIssue => {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.location === 'string' && locations.includes(r.location) && typeof r.path === 'string' && typeof r.message === 'string';
};

/** Build an ApiError from a non-2xx response, whatever its body turns out to be. */
export const errorFromResponse = async (response: Response): Promise<ApiError> => {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const err = body.error;
    if (typeof err === 'object' && err !== null) {
      const e = err as Record<string, unknown>;
      const code = typeof e.code === 'string' ? e.code : `HTTP_${response.status}`;
      const message = typeof e.message === 'string' && e.message !== '' ? e.message : defaultMessage(response.status);
      return new ApiError(response.status, code, message, e.details);
    }
  }
  return new ApiError(response.status, `HTTP_${response.status}`, defaultMessage(response.status));
};

const defaultMessage = (status: number): string => {
  if (status === 401) return 'You are not signed in.';
  if (status === 403) return 'You are not allowed to do this.';
  if (status === 404) return 'Not found.';
  if (status === 429) return 'Too many requests. Wait a moment and try again.';
  if (status >= 500) return `The server failed to answer (HTTP ${status}). Try again later.`;
  return `The request failed (HTTP ${status}).`;
};

/** The message to show a person for any error thrown by the API client. */
export const messageOf = (e: unknown): string => {
  if (e instanceof Error && e.message !== '') return e.message;
  return 'Something went wrong.';
};

/**
 * Map body issues to form fields: `name`, `/name`, `body.name` and `name.0` all belong to `name`.
 * Fields may be nested (`winrm.auth`): an issue belongs to the longest field its path starts with.
 * Issues that match no field are returned under the empty key.
 */
export const fieldErrors = <F extends string>(issues: ValidationIssue[], fields: readonly F[]): Partial<Record<F | '', string>> => {
  const out: Partial<Record<F | '', string>> = {};
  for (const issue of issues) {
    const segments = issue.path.split(/[./[\]]+/).filter((s) => s !== '');
    if (segments[0] === issue.location) segments.shift();
    const dotted = segments.join('.');
    const field =
      issue.location === 'body'
        ? fields.filter((f) => dotted === f || dotted.startsWith(`${f}.`)).sort((a, b) => b.length - a.length)[0]
        : undefined;
    const key: F | '' = field ?? '';
    // The API's messages continue a subject ("must not be empty"): under a field's label the label
    // is the subject; elsewhere the path is.
    const text =
      key !== ''
        ? `${issue.message.charAt(0).toUpperCase()}${issue.message.slice(1)}`
        : issue.path === ''
          ? `The request ${issue.location} ${issue.message}`
          : `${issue.path}: ${issue.message}`;
    const previous = out[key];
    out[key] = previous === undefined ? text : `${previous}; ${text}`;
  }
  return out;
};

/**
 * A failed submit, split for a form: VALIDATION_FAILED issues by field (those on no field, and any
 * other failure, as the form's message).
 */
export const formErrorsOf = <F extends string>(e: unknown, fields: readonly F[]): { byField: Partial<Record<F, string>>; form: string | undefined } => {
  if (e instanceof ApiError && e.code === 'VALIDATION_FAILED' && e.issues.length > 0) {
    const { '': rest, ...byField } = fieldErrors(e.issues, fields);
    return { byField: byField as Partial<Record<F, string>>, form: rest };
  }
  return { byField: {}, form: messageOf(e) };
};
