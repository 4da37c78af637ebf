import { z } from 'zod';
import { idPattern } from '../ids';
import { ApiKeyRole } from '../identity/principal';
import { ProjectId } from '../projects/schema';

export const ApiKeyId = z.string().regex(idPattern('key'), 'must be an API key id (key_…)');

export const CreateApiKeyInput = z.strictObject({
  name: z.string().min(1).max(64).refine((s) => s.trim() === s && !/\p{Cc}/u.test(s), 'must be printable without surrounding whitespace'),
  role: ApiKeyRole,
  expiresInDays: z.number().int().min(1).max(365).default(90),
});
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInput>;

export const ApiKeyPath = z.strictObject({ projectId: ProjectId, keyId: ApiKeyId });
