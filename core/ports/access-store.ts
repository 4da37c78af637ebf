import type { ApiKeyRole, ProjectRole } from '../identity/principal';
import type { Page } from '../pagination';

/** A user's role in a project. */
export interface Member {
  projectId: string;
  userId: string;
  role: ProjectRole;
  addedBy: string;
  addedAt: string;
  updatedAt: string;
  version: number;
}

export interface MemberStore {
  get(projectId: string, userId: string): Promise<Member | undefined>;
  list(projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Member>>;
  /** The projects a user belongs to, for "my projects" lists. */
  listOfUser(userId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Member>>;
  /** Writes a new membership (expectedVersion 0) or replaces one at expectedVersion; VERSION_CONFLICT otherwise. */
  put(member: Member, expectedVersion: number): Promise<void>;
  delete(member: Member): Promise<void>;
  /** Removes every membership of a project or of a user (project or user deleted). */
  deleteAllOfProject(projectId: string): Promise<void>;
  deleteAllOfUser(userId: string): Promise<void>;
}

/** What is stored of an API key: never the secret, only its SHA-256. */
export interface ApiKeyRecord {
  keyId: string;
  projectId: string;
  name: string;
  role: ApiKeyRole;
  secretHash: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt?: string;
}

export interface ApiKeyStore {
  create(key: ApiKeyRecord): Promise<void>;
  /** Strongly consistent: a revoked key is gone for the very next request. */
  get(keyId: string): Promise<ApiKeyRecord | undefined>;
  listOfProject(projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<ApiKeyRecord>>;
  delete(keyId: string): Promise<void>;
  /** Records a use, at most once per `minIntervalMs` (a conditional write that quietly does nothing otherwise). */
  touch(keyId: string, at: Date, minIntervalMs: number): Promise<void>;
}

/**
 * Account state our authorizer checks on every request, because a Cognito access token stays
 * valid until it expires: after the user is disabled or deleted (blocked), or after a group such
 * as `admins` was taken from them (revoked groups are ignored in tokens that still carry them).
 */
export interface UserAccess {
  blocked: boolean;
  revokedGroups: string[];
}

export interface UserAccessStore {
  get(userId: string): Promise<UserAccess>;
  setBlocked(userId: string, blocked: boolean): Promise<void>;
  setRevokedGroups(userId: string, groups: string[]): Promise<void>;
}
