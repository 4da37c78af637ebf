import { ApiKeyPath, CreateApiKeyInput } from '../../../core/api-keys/schema';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyDeps } from '../../../core/api-keys/service';
import { PageQuery } from '../../../core/pagination';
import { ProjectPath } from '../../../core/projects/schema';
import { apiHandler, json, noContent, operation, type HttpDeps } from '../http';

export const makeApiKeysHandler = (deps: ApiKeyDeps & HttpDeps) =>
  apiHandler(
    'api-keys',
    {
      listApiKeys: operation({
        path: ProjectPath,
        query: PageQuery,
        handle: async ({ path, query }) => json(await listApiKeys(deps, path.projectId, query)),
      }),
      createApiKey: operation({
        path: ProjectPath,
        body: CreateApiKeyInput,
        handle: async ({ path, body, principal }) => json(await createApiKey(deps, principal, path.projectId, body), 201),
      }),
      revokeApiKey: operation({
        path: ApiKeyPath,
        handle: async ({ path, principal }) => {
          await revokeApiKey(deps, principal, path.projectId, path.keyId);
          return noContent();
        },
      }),
    },
    deps,
  );
