import type { z } from 'zod';

/**
 * Cognito's wire protocol (AWS JSON 1.1): one POST endpoint, the operation named by the
 * `X-Amz-Target` header, errors as HTTP 4xx/5xx with the exception name in both `__type` and the
 * `x-amzn-ErrorType` header. The AWS SDK maps the name back to its exception class, so the names
 * here must be Cognito's own.
 */
export const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
export const CONTENT_TYPE = 'application/x-amz-json-1.1';

export type CognitoErrorType =
  | 'NotAuthorizedException'
  | 'InvalidPasswordException'
  | 'InvalidParameterException'
  | 'CodeMismatchException'
  | 'ExpiredCodeException'
  | 'EnableSoftwareTokenMFAException'
  | 'SoftwareTokenMFANotFoundException'
  | 'LimitExceededException'
  | 'ResourceNotFoundException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'InternalErrorException';

export class CognitoError extends Error {
  constructor(
    readonly type: CognitoErrorType,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

export interface IdpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Answers carry tokens and, once, a TOTP secret: nothing on the way may keep a copy. */
export const okResponse = (payload: unknown, requestId: string): IdpResponse => ({
  status: 200,
  headers: { 'Content-Type': CONTENT_TYPE, 'x-amzn-RequestId': requestId, 'Cache-Control': 'no-store' },
  body: JSON.stringify(payload),
});

export const errorResponse = (error: CognitoError, requestId: string): IdpResponse => ({
  status: error.status,
  headers: { 'Content-Type': CONTENT_TYPE, 'x-amzn-RequestId': requestId, 'x-amzn-ErrorType': error.type },
  body: JSON.stringify({ __type: error.type, message: error.message }),
});

/** The body that says nothing about what failed: no message, no stack, no internals. */
export const internalError = (): CognitoError =>
  new CognitoError('InternalErrorException', 'An internal error occurred. Please try again.', 500);

export const operationOf = (target: string | undefined): string => {
  if (target?.startsWith(TARGET_PREFIX) !== true) {
    throw new CognitoError('UnknownOperationException', 'The requested operation is not recognized by the service.');
  }
  return target.slice(TARGET_PREFIX.length);
};

/** An empty body reads as `{}` (then fails validation by name); anything but a JSON object is a serialization error. */
export const parseBody = (body: string): unknown => {
  if (body.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new CognitoError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CognitoError('SerializationException', 'The request body must be a JSON object.');
  }
  return parsed;
};

const camel = (key: PropertyKey): string => {
  const s = String(key);
  return s.charAt(0).toLowerCase() + s.slice(1);
};

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown => {
  let v = input;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
};

/**
 * Parse a request with its schema, answering failures the way AWS's front end does
 * ("1 validation error detected: Value null at 'clientId' failed to satisfy constraint: ...").
 */
export const parseRequest = <S extends z.ZodType>(schema: S, input: unknown): z.output<S> => {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues;
  // Values are never echoed: a request field may be a password.
  const described = issues.map((issue) => {
    const at = issue.path.map(camel).join('.');
    const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
    return missing
      ? `Value null at '${at}' failed to satisfy constraint: Member must not be null`
      : `Value at '${at}' failed to satisfy constraint: ${issue.message}`;
  });
  const count = described.length;
  throw new CognitoError(
    'InvalidParameterException',
    `${count} validation error${count === 1 ? '' : 's'} detected: ${described.join('; ')}`,
  );
};

export const missingParameter = (name: string): CognitoError =>
  new CognitoError('InvalidParameterException', `Missing required parameter ${name}`);

export const notAuthorized = (message: string): CognitoError => new CognitoError('NotAuthorizedException', message);
