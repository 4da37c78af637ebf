import { CreateCredentialInput, CredentialPath, RotateCredentialInput } from '../../../core/inventory/credential-schema';
import {
  createCredential,
  deleteCredential,
  getCredential,
  listCredentials,
  rotateCredential,
  type CredentialDeps,
} from '../../../core/inventory/credentials-service';
import { PageQuery } from '../../../core/pagination';
import { ProjectPath } from '../../../core/projects/schema';
import { apiHandler, json, noContent, operation, type HttpDeps } from '../http';

/** Credential metadata in, material to the vault; no operation ever answers material. */
export const makeCredentialsHandler = (deps: CredentialDeps & HttpDeps) =>
  apiHandler(
    'credentials',
    {
      listCredentials: operation({
        path: ProjectPath,
        query: PageQuery,
        handle: async ({ path, query }) => json(await listCredentials(deps, path.projectId, query)),
      }),
      createCredential: operation({
        path: ProjectPath,
        body: CreateCredentialInput,
        handle: async ({ path, body, principal }) => json(await createCredential(deps, principal, path.projectId, body), 201),
      }),
      getCredential: operation({
        path: CredentialPath,
        handle: async ({ path }) => json(await getCredential(deps, path.projectId, path.credentialId)),
      }),
      rotateCredential: operation({
        path: CredentialPath,
        body: RotateCredentialInput,
        handle: async ({ path, body, principal }) => json(await rotateCredential(deps, principal, path.projectId, path.credentialId, body)),
      }),
      deleteCredential: operation({
        path: CredentialPath,
        handle: async ({ path, principal }) => {
          await deleteCredential(deps, principal, path.projectId, path.credentialId);
          return noContent();
        },
      }),
    },
    deps,
  );
