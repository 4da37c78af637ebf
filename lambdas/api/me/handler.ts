import { apiHandler, json, operation, type HttpDeps } from '../http';

/** Who the caller is, as the authorizer established it: the console's first call after sign-in. */
export const makeMeHandler = (deps: HttpDeps) =>
  apiHandler(
    'me',
    {
      getMe: operation({
        handle: ({ principal }) =>
          json({ sub: principal.sub, username: principal.username, email: principal.email, groups: principal.groups }),
      }),
    },
    deps,
  );
