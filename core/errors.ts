/**
 * The error model: every failure a caller can cause is one of these codes, mapped to one HTTP
 * status, answered as {"error":{"code","message","details"}}. Anything else is a 500 whose
 * message says nothing about the internals.
 */
export const errorStatus = {
  BAD_REQUEST: 400,
  VALIDATION_FAILED: 400,
  INVALID_JSON: 400,
  INVALID_YAML: 400,
  INVALID_CURSOR: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  VERSION_CONFLICT: 409,
  IDEMPOTENCY_CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  CONFIRMATION_REQUIRED: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = errorStatus[code];
  }

  toBody(): ErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.details === undefined ? {} : { details: this.details }) },
    };
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError('BAD_REQUEST', message, details);
export const unauthorized = (message = 'Authentication is required.') => new AppError('UNAUTHORIZED', message);
export const forbidden = (message = 'You are not allowed to do this.') => new AppError('FORBIDDEN', message);
export const notFound = (what: string, id?: string) =>
  new AppError('NOT_FOUND', id === undefined ? `${what} not found.` : `${what} '${id}' not found.`);
export const conflict = (message: string, details?: unknown) => new AppError('CONFLICT', message, details);
export const versionConflict = (expected: number, actual?: number) =>
  new AppError(
    'VERSION_CONFLICT',
    'The resource was changed by someone else; reload it and try again.',
    actual === undefined ? { expectedVersion: expected } : { expectedVersion: expected, currentVersion: actual },
  );

/** The body for a failure we did not anticipate: nothing from the error itself leaks out. */
export const internalErrorBody = (requestId?: string): ErrorBody => ({
  error: {
    code: 'INTERNAL',
    message: 'Something went wrong on our side.',
    ...(requestId === undefined ? {} : { details: { requestId } }),
  },
});

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;
