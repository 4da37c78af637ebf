import type { Target } from '../inventory/target-schema';
import type { Credential } from '../inventory/credential-schema';
import type { Page } from '../pagination';

/** Credential metadata (never material) per project. Conditional writes on `version`. */
export interface CredentialStore {
  get(projectId: string, credentialId: string): Promise<Credential | undefined>;
  list(projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Credential>>;
  /** expectedVersion 0 creates; otherwise VERSION_CONFLICT unless the stored version matches. */
  put(credential: Credential, expectedVersion: number): Promise<void>;
  delete(credential: Credential): Promise<void>;
}

/** Targets per project, names unique per project ignoring case. Conditional writes on `version`. */
export interface TargetStore {
  get(projectId: string, targetId: string): Promise<Target | undefined>;
  /** The targets with these ids that exist, in no particular order. */
  getMany(projectId: string, targetIds: readonly string[]): Promise<Target[]>;
  getByName(projectId: string, name: string): Promise<Target | undefined>;
  /** Targets in id order after `afterId`: keyset pagination, so filters can page through them. */
  listAfter(projectId: string, afterId: string | undefined, limit: number): Promise<{ items: Target[]; more: boolean }>;
  /** CONFLICT when the name is taken in the project. */
  create(target: Target): Promise<void>;
  /** VERSION_CONFLICT when the stored version moved on; CONFLICT when a new name is taken. */
  update(next: Target, expectedVersion: number): Promise<void>;
  delete(target: Target): Promise<void>;
}
