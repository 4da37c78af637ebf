import { ChannelInput, ChannelPatch, ChannelPath, DeliveryListQuery, PreviewInput, RuleInput, RulePatch, RulePath } from '../../../core/notifications/schema';
import {
  createChannel,
  createRule,
  deleteChannel,
  deleteRule,
  getChannel,
  getRule,
  listChannels,
  listDeliveries,
  listRules,
  previewTemplate,
  testChannel,
  updateChannel,
  updateRule,
  type NotificationDeps,
} from '../../../core/notifications/service';
import { PageQuery } from '../../../core/pagination';
import { ProjectPath } from '../../../core/projects/schema';
import { apiHandler, json, noContent, operation, type HttpDeps } from '../http';

export const makeNotificationsHandler = (deps: NotificationDeps & HttpDeps) =>
  apiHandler(
    'notifications',
    {
      listNotificationChannels: operation({
        path: ProjectPath,
        query: PageQuery,
        handle: async ({ path, query }) => json(await listChannels(deps, path.projectId, query)),
      }),
      createNotificationChannel: operation({
        path: ProjectPath,
        body: ChannelInput,
        handle: async ({ path, body, principal }) => json(await createChannel(deps, principal, path.projectId, body), 201),
      }),
      getNotificationChannel: operation({
        path: ChannelPath,
        handle: async ({ path }) => json(await getChannel(deps, path.projectId, path.channelId)),
      }),
      updateNotificationChannel: operation({
        path: ChannelPath,
        body: ChannelPatch,
        handle: async ({ path, body, principal }) => json(await updateChannel(deps, principal, path.projectId, path.channelId, body)),
      }),
      deleteNotificationChannel: operation({
        path: ChannelPath,
        handle: async ({ path, principal }) => {
          await deleteChannel(deps, principal, path.projectId, path.channelId);
          return noContent();
        },
      }),
      testNotificationChannel: operation({
        path: ChannelPath,
        handle: async ({ path }) => json(await testChannel(deps, path.projectId, path.channelId)),
      }),
      listNotificationRules: operation({
        path: ProjectPath,
        query: PageQuery,
        handle: async ({ path, query }) => json(await listRules(deps, path.projectId, query)),
      }),
      createNotificationRule: operation({
        path: ProjectPath,
        body: RuleInput,
        handle: async ({ path, body, principal }) => json(await createRule(deps, principal, path.projectId, body), 201),
      }),
      getNotificationRule: operation({
        path: RulePath,
        handle: async ({ path }) => json(await getRule(deps, path.projectId, path.ruleId)),
      }),
      updateNotificationRule: operation({
        path: RulePath,
        body: RulePatch,
        handle: async ({ path, body, principal }) => json(await updateRule(deps, principal, path.projectId, path.ruleId, body)),
      }),
      deleteNotificationRule: operation({
        path: RulePath,
        handle: async ({ path, principal }) => {
          await deleteRule(deps, principal, path.projectId, path.ruleId);
          return noContent();
        },
      }),
      previewNotificationTemplate: operation({
        path: ProjectPath,
        body: PreviewInput,
        handle: async ({ path, body }) => json(await previewTemplate(deps, path.projectId, body)),
      }),
      listNotificationDeliveries: operation({
        path: ProjectPath,
        query: DeliveryListQuery,
        handle: async ({ path, query }) => json(await listDeliveries(deps, path.projectId, query)),
      }),
    },
    deps,
  );
