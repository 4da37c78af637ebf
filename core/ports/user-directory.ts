import type { Page } from '../pagination';

/**
 * The people who can sign in: Cognito's user pool on AWS, the local identity provider locally.
 * `userId` everywhere in the API is the directory's username (immutable in Cognito).
 */
export type UserStatus = 'FORCE_CHANGE_PASSWORD' | 'CONFIRMED' | 'RESET_REQUIRED' | 'UNCONFIRMED' | 'UNKNOWN';

export interface DirectoryUser {
  username: string;
  sub: string;
  email: string;
  status: UserStatus;
  enabled: boolean;
  groups: string[];
  mfaEnabled: boolean;
  createdAt: string;
}

export interface UserDirectory {
  /** Creates the user with a temporary password they must change at first sign-in. CONFLICT when the username or email exists. */
  invite(input: { username: string; email: string; groups: string[]; temporaryPassword: string }): Promise<DirectoryUser>;
  get(username: string): Promise<DirectoryUser | undefined>;
  list(page: { limit: number; cursor?: string | undefined }): Promise<Page<DirectoryUser>>;
  /** Disabling also ends the user's sessions (refresh tokens stop working). */
  setEnabled(username: string, enabled: boolean): Promise<void>;
  setGroups(username: string, groups: string[]): Promise<void>;
  delete(username: string): Promise<void>;
  /** The installation-wide MFA setting: `optional` lets users choose TOTP, `required` makes it mandatory. */
  getMfaMode(): Promise<'optional' | 'required'>;
  setMfaMode(mode: 'optional' | 'required'): Promise<void>;
}
