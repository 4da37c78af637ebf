import { MemberPath, PutMemberInput } from '../../../core/members/schema';
import { listMembers, putMember, removeMember, type MemberDeps } from '../../../core/members/service';
import { PageQuery } from '../../../core/pagination';
import { ProjectPath } from '../../../core/projects/schema';
import { apiHandler, json, noContent, operation, type HttpDeps } from '../http';

export const makeMembersHandler = (deps: MemberDeps & HttpDeps) =>
  apiHandler(
    'members',
    {
      listMembers: operation({
        path: ProjectPath,
        query: PageQuery,
        handle: async ({ path, query }) => json(await listMembers(deps, path.projectId, query)),
      }),
      putMember: operation({
        path: MemberPath,
        body: PutMemberInput,
        handle: async ({ path, body, principal }) => json(await putMember(deps, principal, path.projectId, path.userId, body.role)),
      }),
      removeMember: operation({
        path: MemberPath,
        handle: async ({ path, principal }) => {
          await removeMember(deps, principal, path.projectId, path.userId);
          return noContent();
        },
      }),
    },
    deps,
  );
