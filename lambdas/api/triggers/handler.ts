import { PageQuery } from '../../../core/pagination';
import { ProjectPath } from '../../../core/projects/schema';
import { TriggerInput, TriggerPatch, TriggerPath, TriggerTestInput } from '../../../core/triggers/schema';
import { createTrigger, deleteTrigger, getTrigger, listTriggers, rotateWebhookSecret, testTrigger, updateTrigger, type TriggerDeps } from '../../../core/triggers/service';
import { apiHandler, json, noContent, operation, type HttpDeps } from '../http';

export const makeTriggersHandler = (deps: TriggerDeps & HttpDeps) =>
  apiHandler(
    'triggers',
    {
      listTriggers: operation({
        path: ProjectPath,
        query: PageQuery,
        handle: async ({ path, query }) => json(await listTriggers(deps, path.projectId, query)),
      }),
      createTrigger: operation({
        path: ProjectPath,
        body: TriggerInput,
        handle: async ({ path, body, principal, role }) => json(await createTrigger(deps, principal, role, path.projectId, body), 201),
      }),
      getTrigger: operation({
        path: TriggerPath,
        handle: async ({ path }) => json(await getTrigger(deps, path.projectId, path.triggerId)),
      }),
      updateTrigger: operation({
        path: TriggerPath,
        body: TriggerPatch,
        handle: async ({ path, body, principal, role }) => json(await updateTrigger(deps, principal, role, path.projectId, path.triggerId, body)),
      }),
      deleteTrigger: operation({
        path: TriggerPath,
        handle: async ({ path, principal }) => {
          await deleteTrigger(deps, principal, path.projectId, path.triggerId);
          return noContent();
        },
      }),
      testTrigger: operation({
        path: TriggerPath,
        body: TriggerTestInput,
        handle: async ({ path, body }) => json(await testTrigger(deps, path.projectId, path.triggerId, body)),
      }),
      rotateTriggerWebhookSecret: operation({
        path: TriggerPath,
        handle: async ({ path, principal }) => json(await rotateWebhookSecret(deps, principal, path.projectId, path.triggerId)),
      }),
    },
    deps,
  );
