import { importTargets } from '../../../core/inventory/import-service';
import {
  AcceptHostKeyInput,
  CreateTargetInput,
  DiscoveryInput,
  ImportTargetsInput,
  TargetListQuery,
  TargetPath,
  TestTargetsInput,
  UpdateTargetInput,
} from '../../../core/inventory/target-schema';
import {
  acceptHostKey,
  createTarget,
  deleteTarget,
  discoverTargets,
  getTarget,
  listTargets,
  testTarget,
  testTargets,
  updateTarget,
  type TargetDeps,
} from '../../../core/inventory/targets-service';
import type { NetworkScanner } from '../../../core/ports/network-scanner';
import { ProjectPath } from '../../../core/projects/schema';
import { apiHandler, json, noContent, operation, type HttpDeps } from '../http';

export const makeTargetsHandler = (deps: TargetDeps & HttpDeps & { scanner: NetworkScanner }) =>
  apiHandler(
    'targets',
    {
      listTargets: operation({
        path: ProjectPath,
        query: TargetListQuery,
        handle: async ({ path, query }) =>
          json(await listTargets(deps, path.projectId, { selector: query.selector, namePrefix: query.namePrefix, protocol: query.protocol }, query)),
      }),
      createTarget: operation({
        path: ProjectPath,
        body: CreateTargetInput,
        handle: async ({ path, body, principal }) => json(await createTarget(deps, principal, path.projectId, body), 201),
      }),
      importTargets: operation({
        path: ProjectPath,
        body: ImportTargetsInput,
        handle: async ({ path, body, principal }) =>
          json(await importTargets(deps, principal, path.projectId, body)),
      }),
      testTargets: operation({
        path: ProjectPath,
        body: TestTargetsInput,
        handle: async ({ path, body, principal }) => json(await testTargets(deps, principal, path.projectId, { selector: body.selector })),
      }),
      getTarget: operation({ path: TargetPath, handle: async ({ path }) => json(await getTarget(deps, path.projectId, path.targetId)) }),
      updateTarget: operation({
        path: TargetPath,
        body: UpdateTargetInput,
        handle: async ({ path, body, principal }) => json(await updateTarget(deps, principal, path.projectId, path.targetId, body)),
      }),
      deleteTarget: operation({
        path: TargetPath,
        handle: async ({ path, principal }) => {
          await deleteTarget(deps, principal, path.projectId, path.targetId);
          return noContent();
        },
      }),
      testTarget: operation({
        path: TargetPath,
        handle: async ({ path, principal }) => json(await testTarget(deps, principal, path.projectId, path.targetId)),
      }),
      acceptHostKey: operation({
        path: TargetPath,
        body: AcceptHostKeyInput,
        handle: async ({ path, body, principal }) => json(await acceptHostKey(deps, principal, path.projectId, path.targetId, body.fingerprint)),
      }),
      discoverTargets: operation({
        path: ProjectPath,
        body: DiscoveryInput,
        handle: async ({ path, body }) => json(await discoverTargets(deps, path.projectId, body)),
      }),
    },
    deps,
  );
