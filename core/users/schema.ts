import { z } from 'zod';

/** Usernames as Cognito accepts them and people type them: lower case, no spaces. */
export const UserId = z
  .string()
  .min(1)
  .max(128)
  // No '@': email is a sign-in alias, so Cognito refuses usernames shaped like an email.
  .regex(/^[a-z0-9][a-z0-9._+-]*$/, 'must be lower-case letters, digits and . _ + -');

export const UserPath = z.strictObject({ userId: UserId });

export const InviteUserInput = z.strictObject({
  username: UserId,
  email: z.email().max(254),
  /** Makes the user a global admin (the `admins` group). */
  admin: z.boolean().default(false),
});
export type InviteUserInput = z.infer<typeof InviteUserInput>;

export const UpdateUserInput = z
  .strictObject({ enabled: z.boolean().optional(), admin: z.boolean().optional() })
  .refine((v) => v.enabled !== undefined || v.admin !== undefined, { message: 'enabled or admin is required' });
export type UpdateUserInput = z.infer<typeof UpdateUserInput>;

export const SettingsInput = z.strictObject({ mfa: z.enum(['optional', 'required']) });
export type SettingsInput = z.infer<typeof SettingsInput>;
