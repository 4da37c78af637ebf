import { PageQuery } from '../../../core/pagination';
import { InviteUserInput, UpdateUserInput, UserPath } from '../../../core/users/schema';
import { deleteUser, inviteUser, listUsers, updateUser, type UserDeps } from '../../../core/users/service';
import { apiHandler, json, noContent, operation, type HttpDeps } from '../http';

export const makeUsersHandler = (deps: UserDeps & HttpDeps) =>
  apiHandler(
    'users',
    {
      listUsers: operation({ query: PageQuery, handle: async ({ query }) => json(await listUsers(deps, query)) }),
      inviteUser: operation({
        body: InviteUserInput,
        handle: async ({ body, principal }) => json(await inviteUser(deps, principal, body), 201),
      }),
      updateUser: operation({
        path: UserPath,
        body: UpdateUserInput,
        handle: async ({ path, body, principal }) => json(await updateUser(deps, principal, path.userId, body)),
      }),
      deleteUser: operation({
        path: UserPath,
        handle: async ({ path, principal }) => {
          await deleteUser(deps, principal, path.userId);
          return noContent();
        },
      }),
    },
    deps,
  );
