/** Shapes of the public API (v1) as the console uses them. */

/** A role in one project (core/identity/principal.ts): viewer reads, operator also runs, admin manages. */
export type ProjectRole = 'admin' | 'operator' | 'viewer';
/** API keys act for integrations: never as project admins. */
export type ApiKeyRole = 'operator' | 'viewer';

export interface ProjectAccess {
  projectId: string;
  role: ProjectRole;
}

/** GET /v1/me: who the caller is and which projects they belong to. */
export type Me =
  | {
      type: 'user';
      sub: string;
      username: string;
      email?: string;
      groups: string[];
      /** A global admin: every permission in every project, plus users and settings. */
      admin: boolean;
      projects: ProjectAccess[];
    }
  | { type: 'apiKey'; keyId: string; name: string; projects: ProjectAccess[] };

export interface Project {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface CreateProjectInput {
  name: string;
  description?: string;
}

export interface UpdateProjectInput {
  name?: string;
  description?: string;
  version: number;
}

/** Cognito's account states (core/ports/user-directory.ts). */
export type UserStatus = 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED' | 'RESET_REQUIRED' | 'UNCONFIRMED' | 'UNKNOWN';

export interface User {
  userId: string;
  email: string;
  status: UserStatus;
  enabled: boolean;
  admin: boolean;
  mfaEnabled: boolean;
  createdAt: string;
}

export interface InviteUserInput {
  username: string;
  email: string;
  admin?: boolean;
}

/** POST /v1/users answers the temporary password once; it is never stored or shown again. */
export interface InvitedUser {
  user: User;
  temporaryPassword: string;
}

export interface UpdateUserInput {
  enabled?: boolean;
  admin?: boolean;
}

export interface Member {
  projectId: string;
  userId: string;
  role: ProjectRole;
  addedBy: string;
  addedAt: string;
  updatedAt: string;
  version: number;
}

export interface ApiKey {
  keyId: string;
  projectId: string;
  name: string;
  role: ApiKeyRole;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt?: string;
}

export interface CreateApiKeyInput {
  name: string;
  role: ApiKeyRole;
  expiresInDays: number;
}

/** POST …/api-keys answers the secret (`opsc_<keyId>_<secret>`) once; only its hash is kept. */
export interface CreatedApiKey {
  apiKey: ApiKey;
  secret: string;
}

export type MfaMode = 'optional' | 'required';

export interface Settings {
  mfa: MfaMode;
}

export type IssueLocation = 'body' | 'query' | 'path' | 'header';

/** One entry of a VALIDATION_FAILED error's details. */
export interface ValidationIssue {
  location: IssueLocation;
  path: string;
  message: string;
}
