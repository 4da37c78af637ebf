import { z } from 'zod';

/**
 * Who is calling, as the authorizer established it. Handlers receive this, never a token:
 * a signed-in person (Cognito user) or an integration holding a project API key.
 */
export const projectRoles = ['viewer', 'operator', 'admin'] as const;
export const ProjectRole = z.enum(projectRoles);
export type ProjectRole = z.infer<typeof ProjectRole>;

/** API keys act for integrations: never as project admins, never globally. */
export const ApiKeyRole = z.enum(['operator', 'viewer']);
export type ApiKeyRole = z.infer<typeof ApiKeyRole>;

export const UserPrincipal = z.object({
  type: z.literal('user'),
  sub: z.string().min(1),
  username: z.string().min(1),
  email: z.string().optional(),
  groups: z.array(z.string()),
});
export type UserPrincipal = z.infer<typeof UserPrincipal>;

export const ApiKeyPrincipal = z.object({
  type: z.literal('apiKey'),
  keyId: z.string().min(1),
  name: z.string(),
  projectId: z.string().min(1),
  role: ApiKeyRole,
});
export type ApiKeyPrincipal = z.infer<typeof ApiKeyPrincipal>;

export const Principal = z.discriminatedUnion('type', [UserPrincipal, ApiKeyPrincipal]);
export type Principal = z.infer<typeof Principal>;

export const ADMINS_GROUP = 'admins';

export const isGlobalAdmin = (p: Principal): boolean => p.type === 'user' && p.groups.includes(ADMINS_GROUP);

/**
 * API Gateway authorizer context values must be flat strings, numbers or booleans,
 * so the principal travels flattened and is parsed back (and validated) on the other side.
 */
export type AuthorizerContext = Record<string, string>;

export const principalToContext = (p: Principal): AuthorizerContext =>
  p.type === 'user'
    ? { principalType: 'user', sub: p.sub, username: p.username, email: p.email ?? '', groups: p.groups.join(',') }
    : { principalType: 'apiKey', keyId: p.keyId, name: p.name, projectId: p.projectId, role: p.role };

export const principalFromContext = (ctx: Record<string, unknown> | null | undefined): Principal | undefined => {
  if (!ctx) return undefined;
  const candidate =
    ctx.principalType === 'apiKey'
      ? { type: 'apiKey', keyId: ctx.keyId, name: ctx.name, projectId: ctx.projectId, role: ctx.role }
      : {
          type: ctx.principalType,
          sub: ctx.sub,
          username: ctx.username,
          ...(typeof ctx.email === 'string' && ctx.email !== '' ? { email: ctx.email } : {}),
          groups: typeof ctx.groups === 'string' && ctx.groups !== '' ? ctx.groups.split(',') : [],
        };
  const parsed = Principal.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
};

/** The actor recorded on events and audit: who did it, never how they proved it. */
export const Actor = z.object({
  type: z.enum(['user', 'apiKey', 'system']),
  id: z.string(),
  name: z.string().optional(),
});
export type Actor = z.infer<typeof Actor>;

export const actorOf = (p: Principal): Actor =>
  p.type === 'user' ? { type: 'user', id: p.sub, name: p.username } : { type: 'apiKey', id: p.keyId, name: p.name };

/** The name shown in createdBy/updatedBy fields. */
export const displayNameOf = (p: Principal): string => (p.type === 'user' ? p.username : `api-key:${p.name}`);
