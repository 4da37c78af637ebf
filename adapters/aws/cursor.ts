import { AppError } from '../../core/errors';

/**
 * Pagination cursors are DynamoDB's LastEvaluatedKey, base64url-encoded so callers treat them as
 * opaque. Decoding checks the shape, so a tampered cursor answers 400 instead of reaching DynamoDB.
 */
export type DynamoKey = Record<string, string>;

export const encodeCursor = (key: Record<string, unknown> | undefined): string | undefined =>
  key === undefined ? undefined : Buffer.from(JSON.stringify(key)).toString('base64url');

export const decodeCursor = (cursor: string | undefined, allowedKeys: readonly string[]): DynamoKey | undefined => {
  if (cursor === undefined) return undefined;
  const invalid = new AppError('INVALID_CURSOR', 'The cursor is not one this API handed out.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid;
  const entries = Object.entries(parsed);
  if (entries.length === 0 || !entries.every(([k, v]) => allowedKeys.includes(k) && typeof v === 'string')) throw invalid;
  return Object.fromEntries(entries as [string, string][]);
};
