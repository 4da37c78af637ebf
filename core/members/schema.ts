import { z } from 'zod';
import { ProjectRole } from '../identity/principal';
import { ProjectId } from '../projects/schema';
import { UserId } from '../users/schema';

export const MemberPath = z.strictObject({ projectId: ProjectId, userId: UserId });
export const PutMemberInput = z.strictObject({ role: ProjectRole });
export type PutMemberInput = z.infer<typeof PutMemberInput>;
