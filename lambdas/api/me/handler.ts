import { isGlobalAdmin } from '../../../core/identity/principal';
import type { MemberStore } from '../../../core/ports/access-store';
import { apiHandler, json, operation, type HttpDeps } from '../http';

/** Who the caller is and where they belong: the console's first call after sign-in. */
export const makeMeHandler = (deps: HttpDeps & { members: Pick<MemberStore, 'listOfUser'> }) =>
  apiHandler(
    'me',
    {
      getMe: operation({
        handle: async ({ principal: p }) => {
          if (p.type === 'apiKey') return json({ type: 'apiKey', keyId: p.keyId, name: p.name, projects: [{ projectId: p.projectId, role: p.role }] });
          const memberships = await deps.members.listOfUser(p.username, { limit: 100 });
          return json({
            type: 'user',
            sub: p.sub,
            username: p.username,
            email: p.email,
            groups: p.groups,
            admin: isGlobalAdmin(p),
            projects: memberships.items.map((m) => ({ projectId: m.projectId, role: m.role })),
          });
        },
      }),
    },
    deps,
  );
