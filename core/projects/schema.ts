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

export const Project = z.object({
  id: ProjectId,
  name: ProjectName,
  description: ProjectDescription,
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
    /** The version the caller last saw; a mismatch answers 409 instead of overwriting their colleague. */
    version: z.number().int().positive().optional(),
  })
  .refine((v) => v.name !== undefined || v.description !== undefined, {
    message: 'name or description is required',
  });
export type UpdateProjectInput = z.infer<typeof UpdateProjectInput>;

export const ProjectPath = z.strictObject({ projectId: ProjectId });
