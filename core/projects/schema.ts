import { z } from 'zod';
import { idPattern } from '../ids';

export const ProjectId = z.string().regex(idPattern('prj'), 'must be a project id (prj_…)');

// Names are shown in menus and typed in CLIs: printable, no leading/trailing space, no control characters.
export const ProjectName = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .refine((s) => s.trim() === s, 'must not start or end with whitespace')
  .refine((s) => !/\p{Cc}/u.test(s), 'must not contain control characters');

export const ProjectDescription = z.string().max(1024, 'must be at most 1024 characters');

/** Bounds of a project's audit retention: at least a week, at most ten years (DynamoDB TTL has no limit; storage does). */
export const AUDIT_RETENTION_DAYS_MIN = 7;
export const AUDIT_RETENTION_DAYS_MAX = 3650;

export const ProjectSettings = z.strictObject({
  /** Days each audit record of the project is kept after its event; records already written keep theirs. */
  auditRetentionDays: z.number().int().min(AUDIT_RETENTION_DAYS_MIN).max(AUDIT_RETENTION_DAYS_MAX),
});
export type ProjectSettings = z.infer<typeof ProjectSettings>;

export const Project = z.object({
  id: ProjectId,
  name: ProjectName,
  description: ProjectDescription,
  /** Absent on projects saved before settings existed: the installation defaults apply (core/projects/service.ts). */
  settings: ProjectSettings.partial().optional(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.string(),
  version: z.number().int().positive(),
});
export type Project = z.infer<typeof Project>;

export const CreateProjectInput = z.strictObject({
  name: ProjectName,
  description: ProjectDescription.optional(),
});
export type CreateProjectInput = z.infer<typeof CreateProjectInput>;

export const UpdateProjectInput = z
  .strictObject({
    name: ProjectName.optional(),
    description: ProjectDescription.optional(),
    /** Only the settings given change. */
    settings: ProjectSettings.partial().optional(),
    /** The version the caller last saw; a mismatch answers 409 instead of overwriting their colleague. */
    version: z.number().int().positive().optional(),
  })
  .refine((v) => v.name !== undefined || v.description !== undefined || (v.settings !== undefined && Object.keys(v.settings).length > 0), {
    message: 'name, description or settings is required',
  });
export type UpdateProjectInput = z.infer<typeof UpdateProjectInput>;

export const ProjectPath = z.strictObject({ projectId: ProjectId });
