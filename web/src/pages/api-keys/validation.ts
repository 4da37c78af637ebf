/** The API key rules the API enforces (core/api-keys/schema.ts), checked before a request is sent. */
export const NAME_MAX = 64;
export const EXPIRY_MIN_DAYS = 1;
export const EXPIRY_MAX_DAYS = 365;
export const EXPIRY_DEFAULT_DAYS = 90;

export interface ApiKeyFormValues {
  name: string;
  expiresInDays: string;
}

export type ApiKeyField = 'name' | 'role' | 'expiresInDays';
export const apiKeyFields: readonly ApiKeyField[] = ['name', 'role', 'expiresInDays'];

// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export const validateApiKey = (values: ApiKeyFormValues): Partial<Record<ApiKeyField, string>> => {
  const errors: Partial<Record<ApiKeyField, string>> = {};
  if (values.name === '') errors.name = 'Enter a name.';
  else if (values.name.length > NAME_MAX) errors.name = `The name must be at most ${NAME_MAX} characters.`;
  else if (values.name.trim() !== values.name) errors.name = 'The name must not start or end with a space.';
  else if (CONTROL.test(values.name)) errors.name = 'The name must not contain control characters.';
  const days = Number(values.expiresInDays);
  if (!/^[0-9]+$/.test(values.expiresInDays.trim()) || !Number.isInteger(days) || days < EXPIRY_MIN_DAYS || days > EXPIRY_MAX_DAYS) {
    errors.expiresInDays = `Enter a whole number of days from ${EXPIRY_MIN_DAYS} to ${EXPIRY_MAX_DAYS}.`;
  }
  return errors;
};
