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

// ---------------------------------------------------------------------------------------------------------------
// Inventory (core/inventory/target-schema.ts, credential-schema.ts, targets-service.ts, import-service.ts)

export type TargetProtocol = 'ssh' | 'winrm';
export type WinrmTransport = 'http' | 'https';
export type WinrmAuth = 'basic' | 'ntlm';

export interface WinrmOptions {
  transport: WinrmTransport;
  auth: WinrmAuth;
  /** Only for https: false accepts any certificate. */
  verifyTls: boolean;
  /** Only for https: PEM certificates of the CA that signs the host's certificate. */
  caBundle?: string;
}

/** The host key runs trust: accepted on first use (`acceptedBy: 'trust-on-first-use'`) or by an admin. */
export interface AcceptedHostKey {
  fingerprint: string;
  acceptedAt: string;
  acceptedBy: string;
}

export interface LastConnectionTest {
  at: string;
  ok: boolean;
  category?: string;
  message?: string;
  latencyMs?: number;
  os?: string;
}

export interface Target {
  id: string;
  projectId: string;
  name: string;
  address: string;
  port: number;
  protocol: TargetProtocol;
  winrm?: WinrmOptions;
  credentialId?: string;
  username?: string;
  tags: Record<string, string>;
  enabled: boolean;
  description: string;
  /** A host key pinned by an admin: connections must see exactly this key. */
  hostKeyFingerprint?: string;
  hostKey?: AcceptedHostKey;
  lastTest?: LastConnectionTest;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

export interface CreateTargetInput {
  name: string;
  address: string;
  port?: number;
  protocol: TargetProtocol;
  winrm?: WinrmOptions;
  credentialId?: string;
  username?: string;
  tags?: Record<string, string>;
  enabled?: boolean;
  description?: string;
  hostKeyFingerprint?: string;
}

/** A partial change: fields left out stay, `null` clears an optional one, tags are replaced whole. */
export interface UpdateTargetInput {
  name?: string;
  address?: string;
  port?: number;
  protocol?: TargetProtocol;
  winrm?: WinrmOptions | null;
  credentialId?: string | null;
  username?: string | null;
  tags?: Record<string, string>;
  enabled?: boolean;
  description?: string;
  hostKeyFingerprint?: string | null;
  version?: number;
}

/** GET …/targets filters, ANDed: a tag selector (docs/selectors.md), a case-insensitive name prefix, a protocol. */
export interface TargetFilter {
  selector?: string | undefined;
  namePrefix?: string | undefined;
  protocol?: TargetProtocol | undefined;
}

export type ConnectionTestResult =
  | { ok: true; latencyMs: number; os: string; hostKeyFingerprint?: string }
  | { ok: false; category: string; message: string; hostKeyFingerprint?: string };

/** POST …/targets/<id>/test: the target as saved after the test, and what the test found. */
export interface TargetTestResponse {
  target: Target;
  result: ConnectionTestResult;
}

export interface BulkTestResult {
  targetId: string;
  name: string;
  ok: boolean;
  category?: string;
  message?: string;
  latencyMs?: number;
}

export type ImportFormat = 'csv' | 'json' | 'ansible-ini';

export interface ImportIssue {
  field?: string;
  message: string;
}

export interface ImportReport {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  rows: { line: number; name?: string; action: 'create' | 'update' | 'unchanged' | 'error'; errors: ImportIssue[]; warnings: ImportIssue[] }[];
}

export type DiscoveredKind = 'ssh' | 'winrm-http' | 'winrm-https' | 'open';

export interface DiscoveryCandidate {
  address: string;
  port: number;
  kind: DiscoveredKind;
  banner?: string;
  /** Targets with this address and port already. */
  existingTargets: { id: string; name: string }[];
}

export type CredentialKind = 'ssh-password' | 'ssh-key' | 'winrm-password';

/** A credential's metadata; its material (passwords, keys) is write-only and never answered. */
export interface Credential {
  id: string;
  projectId: string;
  name: string;
  kind: CredentialKind;
  username: string;
  domain?: string;
  description: string;
  /** ssh-key: the public key's SHA256 fingerprint. */
  publicKeyFingerprint?: string;
  secretVersion: string;
  createdAt: string;
  createdBy: string;
  rotatedAt?: string;
  updatedAt: string;
  version: number;
}

interface CredentialCommon {
  name: string;
  username: string;
  description?: string;
}

/** Create and rotate (PUT, same kind) take the whole body, material included. */
export type CredentialInput =
  | (CredentialCommon & { kind: 'ssh-password'; password: string })
  | (CredentialCommon & { kind: 'ssh-key'; privateKey: string; passphrase?: string })
  | (CredentialCommon & { kind: 'winrm-password'; password: string; domain?: string });
