import type { Page } from '../pagination';
import type { Project } from '../projects/schema';

/**
 * Where projects live. Writes are conditional: `create` fails with CONFLICT when the name is taken,
 * `update` and `delete` fail with VERSION_CONFLICT when the stored version is not the expected one.
 */
export interface ProjectStore {
  create(project: Project): Promise<void>;
  get(projectId: string): Promise<Project | undefined>;
  list(page: { limit: number; cursor?: string | undefined }): Promise<Page<Project>>;
  update(next: Project, expectedVersion: number): Promise<void>;
  delete(project: Project): Promise<void>;
}
