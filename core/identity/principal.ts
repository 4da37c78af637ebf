import { z } from 'zod';

/** Who is calling, as the authorizer established it. Handlers receive this, never a token. */
export const Principal = z.object({
  type: z.literal('user'),
  sub: z.string().min(1),
  username: z.string().min(1),
  email: z.string().optional(),
  groups: z.array(z.string()),
});
export type Principal = z.infer<typeof Principal>;

export const ADMINS_GROUP = 'admins';

/**
 * API Gateway authorizer context values must be flat strings, numbers or booleans,
 * so the principal travels flattened and is parsed back (and validated) on the other side.
 */
export type AuthorizerContext = Record<string, string>;

export const principalToContext = (p: Principal): AuthorizerContext => ({
  principalType: p.type,
  sub: p.sub,
  username: p.username,
  email: p.email ?? '',
  groups: p.groups.join(','),
});

export const principalFromContext = (ctx: Record<string, unknown> | null | undefined): Principal | undefined => {
  if (!ctx) return undefined;
  const parsed = Principal.safeParse({
    type: ctx.principalType,
    sub: ctx.sub,
    username: ctx.username,
    ...(typeof ctx.email === 'string' && ctx.email !== '' ? { email: ctx.email } : {}),
    groups: typeof ctx.groups === 'string' && ctx.groups !== '' ? ctx.groups.split(',') : [],
  });
  return parsed.success ? parsed.data : undefined;
};

/** The actor recorded on events and audit: who did it, never how they proved it. */
export const Actor = z.object({
  type: z.enum(['user', 'apiKey', 'system']),
  id: z.string(),
  name: z.string().optional(),
});
export type Actor = z.infer<typeof Actor>;

export const actorOf = (p: Principal): Actor => ({ type: 'user', id: p.sub, name: p.username });
