import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock';
import { ADMINS_GROUP } from '../../core/identity/principal';
import { generatePassword, passwordPolicyViolations, type PasswordHasher } from './passwords';
import { normalizeUsername, type IdpStore, type IdpUser } from './store';

/**
 * Creating users, and the first admin of a fresh install. These are operator actions (start-up,
 * tooling), so bad input is a thrown Error with a message for the operator, not a Cognito answer.
 */
/** Input that cannot make a user (bad name, address, group or password); the message says which, never the password. */
export class InvalidUserInput extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidUserInput';
  }
}

export interface UserDeps {
  store: IdpStore;
  hasher: PasswordHasher;
  clock: Clock;
}

export interface NewUser {
  /** Sign-in name; defaults to the generated `sub`, as in a Cognito pool that signs in by email. */
  username?: string | undefined;
  email: string;
  /** Without one, a strong password is generated, returned once and must be changed at first sign-in. */
  password?: string | undefined;
  /** A given password that must still be changed at first sign-in (Cognito's temporary password). */
  temporaryPassword?: boolean | undefined;
  groups?: readonly string[] | undefined;
  emailVerified?: boolean | undefined;
}

export type CreateUserResult =
  | { created: true; user: IdpUser; generatedPassword?: string }
  | { created: false; conflict: 'username' | 'email' };

const USERNAME = /^[a-z0-9][a-z0-9._+-]{0,127}$/;
// Deliberately loose (`admin@localhost` must pass): the address is a sign-in alias, never mailed here.
const EMAIL = /^[^\s@]+@[^\s@]+$/;
const GROUP = /^[\w.+=,@-]{1,128}$/;

/** Cognito's group-name rule. */
export const isGroupName = (name: string): boolean => GROUP.test(name);

export const createUser = async (deps: UserDeps, input: NewUser): Promise<CreateUserResult> => {
  const sub = randomUUID();
  const username = normalizeUsername(input.username ?? sub);
  if (!USERNAME.test(username)) {
    throw new InvalidUserInput(`Invalid username '${username}': use letters, digits, '.', '_', '+' or '-' (at most 128; no '@', email addresses sign in as themselves).`);
  }
  const email = input.email.trim();
  if (!EMAIL.test(email)) throw new InvalidUserInput(`Invalid email address '${email}'.`);
  const groups = [...new Set(input.groups ?? [])];
  const badGroup = groups.find((g) => !isGroupName(g));
  if (badGroup !== undefined) throw new InvalidUserInput(`Invalid group name '${badGroup}'.`);
  if (input.password !== undefined) {
    const violations = passwordPolicyViolations(input.password);
    if (violations.length > 0) throw new InvalidUserInput(`The password does not meet the password policy: ${violations.join('; ')}.`);
  }

  if ((await deps.store.findUsersByEmail(email)).length > 0) return { created: false, conflict: 'email' };
  const generatedPassword = input.password === undefined ? generatePassword() : undefined;
  const password = input.password ?? generatedPassword ?? '';
  const now = deps.clock.now().toISOString();
  const user: IdpUser = {
    username,
    sub,
    email,
    emailVerified: input.emailVerified ?? false,
    groups,
    status: generatedPassword !== undefined || input.temporaryPassword === true ? 'FORCE_CHANGE_PASSWORD' : 'CONFIRMED',
    enabled: true,
    passwordHash: await deps.hasher.hash(password),
    tokenGeneration: 0,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  if (!(await deps.store.putNewUser(user))) return { created: false, conflict: 'username' };
  return generatedPassword === undefined ? { created: true, user } : { created: true, user, generatedPassword };
};

export const DEFAULT_ADMIN_USERNAME = 'admin';
export const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

export interface EnsureAdminResult {
  created: boolean;
  username: string;
  generatedPassword?: string;
}

/**
 * Make sure a fresh install has someone who can sign in and administer it. With an operator-given
 * password the admin is ready to use; otherwise the password is generated, returned once for the
 * caller to show, and must be changed at first sign-in. Does nothing once any admin exists.
 */
export const ensureAdmin = async (
  deps: UserDeps,
  opts: { email?: string | undefined; password?: string | undefined },
): Promise<EnsureAdminResult> => {
  const existing = await deps.store.findUserInGroup(ADMINS_GROUP);
  if (existing !== undefined) return { created: false, username: existing.username };

  const email = opts.email === undefined || opts.email.trim() === '' ? DEFAULT_ADMIN_EMAIL : opts.email;
  const password = opts.password === '' ? undefined : opts.password;
  const base: NewUser = { email, password, groups: [ADMINS_GROUP], emailVerified: true };

  let result = await createUser(deps, { ...base, username: DEFAULT_ADMIN_USERNAME });
  if (!result.created && result.conflict === 'username') {
    const holder = await deps.store.getUser(DEFAULT_ADMIN_USERNAME);
    // Another process starting at the same moment made it; that is the admin.
    if (holder?.groups.includes(ADMINS_GROUP) === true) return { created: false, username: holder.username };
    result = await createUser(deps, base);
  }
  if (!result.created) {
    const raced = await deps.store.findUserInGroup(ADMINS_GROUP);
    if (raced !== undefined) return { created: false, username: raced.username };
    throw new Error(
      `Cannot create the first admin: a user with email '${email}' already exists and is not in the '${ADMINS_GROUP}' group.`,
    );
  }
  const { user, generatedPassword } = result;
  return generatedPassword === undefined
    ? { created: true, username: user.username }
    : { created: true, username: user.username, generatedPassword };
};
