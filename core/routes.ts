import type { Permission } from './identity/policy';

/**
 * The one route table. CDK builds API Gateway resources, methods and Lambda integrations from it;
 * the local gateway matches requests with it; handlers find their operation by route id.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A handler is one Lambda (lambdas/api/<name>/) serving every route of one resource. */
export const handlerNames = ['health', 'me', 'projects', 'users', 'members', 'api-keys', 'settings', 'credentials', 'targets', 'jobs', 'runs', 'events', 'audit', 'schedules', 'triggers', 'hooks', 'notifications'] as const;
export type HandlerName = (typeof handlerNames)[number];

export interface RouteDef {
  readonly id: string;
  readonly method: HttpMethod;
  /** API Gateway resource path, with {param} segments. */
  readonly path: string;
  readonly handler: HandlerName;
  /** `public` routes skip the authorizer; every other route requires a signed-in principal. */
  readonly permission: Permission | 'public';
}

export const routes = [
  { id: 'getHealth', method: 'GET', path: '/health', handler: 'health', permission: 'public' },
  { id: 'getMe', method: 'GET', path: '/v1/me', handler: 'me', permission: 'me:read' },
  { id: 'listProjects', method: 'GET', path: '/v1/projects', handler: 'projects', permission: 'projects:list' },
  { id: 'createProject', method: 'POST', path: '/v1/projects', handler: 'projects', permission: 'projects:create' },
  { id: 'getProject', method: 'GET', path: '/v1/projects/{projectId}', handler: 'projects', permission: 'project:read' },
  { id: 'updateProject', method: 'PATCH', path: '/v1/projects/{projectId}', handler: 'projects', permission: 'project:update' },
  { id: 'deleteProject', method: 'DELETE', path: '/v1/projects/{projectId}', handler: 'projects', permission: 'project:delete' },
  { id: 'listUsers', method: 'GET', path: '/v1/users', handler: 'users', permission: 'users:read' },
  { id: 'inviteUser', method: 'POST', path: '/v1/users', handler: 'users', permission: 'users:manage' },
  { id: 'updateUser', method: 'PATCH', path: '/v1/users/{userId}', handler: 'users', permission: 'users:manage' },
  { id: 'deleteUser', method: 'DELETE', path: '/v1/users/{userId}', handler: 'users', permission: 'users:manage' },
  { id: 'listMembers', method: 'GET', path: '/v1/projects/{projectId}/members', handler: 'members', permission: 'members:read' },
  { id: 'putMember', method: 'PUT', path: '/v1/projects/{projectId}/members/{userId}', handler: 'members', permission: 'members:manage' },
  { id: 'removeMember', method: 'DELETE', path: '/v1/projects/{projectId}/members/{userId}', handler: 'members', permission: 'members:manage' },
  { id: 'listApiKeys', method: 'GET', path: '/v1/projects/{projectId}/api-keys', handler: 'api-keys', permission: 'apiKeys:read' },
  { id: 'createApiKey', method: 'POST', path: '/v1/projects/{projectId}/api-keys', handler: 'api-keys', permission: 'apiKeys:manage' },
  { id: 'revokeApiKey', method: 'DELETE', path: '/v1/projects/{projectId}/api-keys/{keyId}', handler: 'api-keys', permission: 'apiKeys:manage' },
  { id: 'listCredentials', method: 'GET', path: '/v1/projects/{projectId}/credentials', handler: 'credentials', permission: 'credentials:read' },
  { id: 'createCredential', method: 'POST', path: '/v1/projects/{projectId}/credentials', handler: 'credentials', permission: 'credentials:manage' },
  { id: 'getCredential', method: 'GET', path: '/v1/projects/{projectId}/credentials/{credentialId}', handler: 'credentials', permission: 'credentials:read' },
  { id: 'rotateCredential', method: 'PUT', path: '/v1/projects/{projectId}/credentials/{credentialId}', handler: 'credentials', permission: 'credentials:manage' },
  { id: 'deleteCredential', method: 'DELETE', path: '/v1/projects/{projectId}/credentials/{credentialId}', handler: 'credentials', permission: 'credentials:manage' },
  { id: 'listTargets', method: 'GET', path: '/v1/projects/{projectId}/targets', handler: 'targets', permission: 'targets:read' },
  { id: 'createTarget', method: 'POST', path: '/v1/projects/{projectId}/targets', handler: 'targets', permission: 'targets:manage' },
  { id: 'importTargets', method: 'POST', path: '/v1/projects/{projectId}/targets/import', handler: 'targets', permission: 'targets:manage' },
  { id: 'testTargets', method: 'POST', path: '/v1/projects/{projectId}/targets/test', handler: 'targets', permission: 'targets:test' },
  { id: 'getTarget', method: 'GET', path: '/v1/projects/{projectId}/targets/{targetId}', handler: 'targets', permission: 'targets:read' },
  { id: 'updateTarget', method: 'PATCH', path: '/v1/projects/{projectId}/targets/{targetId}', handler: 'targets', permission: 'targets:manage' },
  { id: 'deleteTarget', method: 'DELETE', path: '/v1/projects/{projectId}/targets/{targetId}', handler: 'targets', permission: 'targets:manage' },
  { id: 'testTarget', method: 'POST', path: '/v1/projects/{projectId}/targets/{targetId}/test', handler: 'targets', permission: 'targets:test' },
  { id: 'acceptHostKey', method: 'POST', path: '/v1/projects/{projectId}/targets/{targetId}/accept-host-key', handler: 'targets', permission: 'targets:manage' },
  { id: 'discoverTargets', method: 'POST', path: '/v1/projects/{projectId}/discovery', handler: 'targets', permission: 'targets:manage' },
  { id: 'listJobs', method: 'GET', path: '/v1/projects/{projectId}/jobs', handler: 'jobs', permission: 'jobs:read' },
  { id: 'createJob', method: 'POST', path: '/v1/projects/{projectId}/jobs', handler: 'jobs', permission: 'jobs:manage' },
  { id: 'getJob', method: 'GET', path: '/v1/projects/{projectId}/jobs/{jobId}', handler: 'jobs', permission: 'jobs:read' },
  { id: 'replaceJob', method: 'PUT', path: '/v1/projects/{projectId}/jobs/{jobId}', handler: 'jobs', permission: 'jobs:manage' },
  { id: 'deleteJob', method: 'DELETE', path: '/v1/projects/{projectId}/jobs/{jobId}', handler: 'jobs', permission: 'jobs:manage' },
  { id: 'listJobVersions', method: 'GET', path: '/v1/projects/{projectId}/jobs/{jobId}/versions', handler: 'jobs', permission: 'jobs:read' },
  { id: 'startRun', method: 'POST', path: '/v1/projects/{projectId}/jobs/{jobId}/runs', handler: 'runs', permission: 'runs:start' },
  { id: 'listRuns', method: 'GET', path: '/v1/projects/{projectId}/runs', handler: 'runs', permission: 'runs:read' },
  { id: 'getRun', method: 'GET', path: '/v1/projects/{projectId}/runs/{runId}', handler: 'runs', permission: 'runs:read' },
  { id: 'listRunHosts', method: 'GET', path: '/v1/projects/{projectId}/runs/{runId}/hosts', handler: 'runs', permission: 'runs:read' },
  { id: 'getRunOutput', method: 'GET', path: '/v1/projects/{projectId}/runs/{runId}/output', handler: 'runs', permission: 'runs:read' },
  { id: 'getRunOutputs', method: 'GET', path: '/v1/projects/{projectId}/runs/{runId}/outputs', handler: 'runs', permission: 'runs:read' },
  { id: 'cancelRun', method: 'POST', path: '/v1/projects/{projectId}/runs/{runId}/cancel', handler: 'runs', permission: 'runs:cancel' },
  { id: 'retryRun', method: 'POST', path: '/v1/projects/{projectId}/runs/{runId}/retry', handler: 'runs', permission: 'runs:start' },
  { id: 'listSchedules', method: 'GET', path: '/v1/projects/{projectId}/schedules', handler: 'schedules', permission: 'schedules:read' },
  { id: 'createSchedule', method: 'POST', path: '/v1/projects/{projectId}/schedules', handler: 'schedules', permission: 'schedules:manage' },
  { id: 'getSchedule', method: 'GET', path: '/v1/projects/{projectId}/schedules/{scheduleId}', handler: 'schedules', permission: 'schedules:read' },
  { id: 'updateSchedule', method: 'PATCH', path: '/v1/projects/{projectId}/schedules/{scheduleId}', handler: 'schedules', permission: 'schedules:manage' },
  { id: 'deleteSchedule', method: 'DELETE', path: '/v1/projects/{projectId}/schedules/{scheduleId}', handler: 'schedules', permission: 'schedules:manage' },
  { id: 'previewSchedule', method: 'POST', path: '/v1/schedules/preview', handler: 'schedules', permission: 'schedules:preview' },
  { id: 'listTriggers', method: 'GET', path: '/v1/projects/{projectId}/triggers', handler: 'triggers', permission: 'triggers:read' },
  { id: 'createTrigger', method: 'POST', path: '/v1/projects/{projectId}/triggers', handler: 'triggers', permission: 'triggers:manage' },
  { id: 'getTrigger', method: 'GET', path: '/v1/projects/{projectId}/triggers/{triggerId}', handler: 'triggers', permission: 'triggers:read' },
  { id: 'updateTrigger', method: 'PATCH', path: '/v1/projects/{projectId}/triggers/{triggerId}', handler: 'triggers', permission: 'triggers:manage' },
  { id: 'deleteTrigger', method: 'DELETE', path: '/v1/projects/{projectId}/triggers/{triggerId}', handler: 'triggers', permission: 'triggers:manage' },
  { id: 'testTrigger', method: 'POST', path: '/v1/projects/{projectId}/triggers/{triggerId}/test', handler: 'triggers', permission: 'triggers:read' },
  { id: 'rotateTriggerWebhookSecret', method: 'POST', path: '/v1/projects/{projectId}/triggers/{triggerId}/webhook-secret', handler: 'triggers', permission: 'triggers:manage' },
  { id: 'listNotificationChannels', method: 'GET', path: '/v1/projects/{projectId}/notification-channels', handler: 'notifications', permission: 'notifications:read' },
  { id: 'createNotificationChannel', method: 'POST', path: '/v1/projects/{projectId}/notification-channels', handler: 'notifications', permission: 'notifications:manage' },
  { id: 'getNotificationChannel', method: 'GET', path: '/v1/projects/{projectId}/notification-channels/{channelId}', handler: 'notifications', permission: 'notifications:read' },
  { id: 'updateNotificationChannel', method: 'PATCH', path: '/v1/projects/{projectId}/notification-channels/{channelId}', handler: 'notifications', permission: 'notifications:manage' },
  { id: 'deleteNotificationChannel', method: 'DELETE', path: '/v1/projects/{projectId}/notification-channels/{channelId}', handler: 'notifications', permission: 'notifications:manage' },
  { id: 'testNotificationChannel', method: 'POST', path: '/v1/projects/{projectId}/notification-channels/{channelId}/test', handler: 'notifications', permission: 'notifications:manage' },
  { id: 'listNotificationRules', method: 'GET', path: '/v1/projects/{projectId}/notification-rules', handler: 'notifications', permission: 'notifications:read' },
  { id: 'createNotificationRule', method: 'POST', path: '/v1/projects/{projectId}/notification-rules', handler: 'notifications', permission: 'notifications:manage' },
  { id: 'getNotificationRule', method: 'GET', path: '/v1/projects/{projectId}/notification-rules/{ruleId}', handler: 'notifications', permission: 'notifications:read' },
  { id: 'updateNotificationRule', method: 'PATCH', path: '/v1/projects/{projectId}/notification-rules/{ruleId}', handler: 'notifications', permission: 'notifications:manage' },
  { id: 'deleteNotificationRule', method: 'DELETE', path: '/v1/projects/{projectId}/notification-rules/{ruleId}', handler: 'notifications', permission: 'notifications:manage' },
  { id: 'previewNotificationTemplate', method: 'POST', path: '/v1/projects/{projectId}/notification-templates/preview', handler: 'notifications', permission: 'notifications:read' },
  { id: 'listNotificationDeliveries', method: 'GET', path: '/v1/projects/{projectId}/notification-deliveries', handler: 'notifications', permission: 'notifications:read' },
  // Public: the caller proves itself with the HMAC signature of the body (core/triggers/webhook.ts).
  { id: 'receiveWebhook', method: 'POST', path: '/v1/hooks/{triggerId}', handler: 'hooks', permission: 'public' },
  { id: 'getSettings', method: 'GET', path: '/v1/settings', handler: 'settings', permission: 'settings:read' },
  { id: 'updateSettings', method: 'PATCH', path: '/v1/settings', handler: 'settings', permission: 'settings:manage' },
  { id: 'listProjectAudit', method: 'GET', path: '/v1/projects/{projectId}/audit', handler: 'audit', permission: 'audit:read' },
  { id: 'exportProjectAudit', method: 'GET', path: '/v1/projects/{projectId}/audit/export', handler: 'audit', permission: 'audit:read' },
  { id: 'listAudit', method: 'GET', path: '/v1/audit', handler: 'audit', permission: 'audit:readAll' },
  { id: 'exportAudit', method: 'GET', path: '/v1/audit/export', handler: 'audit', permission: 'audit:readAll' },
  { id: 'getEventCatalog', method: 'GET', path: '/v1/events/catalog', handler: 'events', permission: 'events:read' },
  { id: 'testEventPattern', method: 'POST', path: '/v1/events/test-pattern', handler: 'events', permission: 'events:read' },
] as const satisfies readonly RouteDef[];

export type Route = (typeof routes)[number];
export type RouteId = Route['id'];
export type RoutesOf<H extends HandlerName> = Extract<Route, { handler: H }>;

const segments = (path: string): string[] => path.split('/').filter((s) => s !== '');

export type RouteMatch =
  | { kind: 'match'; route: Route; pathParameters: Record<string, string> }
  | { kind: 'notFound' }
  | { kind: 'methodNotAllowed'; allowed: HttpMethod[] };

const matchPath = (template: string, actual: string[]): Record<string, string> | undefined => {
  const parts = segments(template);
  if (parts.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const value = actual[i] ?? '';
    if (part.startsWith('{') && part.endsWith('}')) {
      if (value === '') return undefined;
      params[part.slice(1, -1)] = value;
    } else if (part !== value) {
      return undefined;
    }
  }
  return params;
};

/** Match a concrete request path (already URL-decoded per segment by the caller) to a route. */
/**
 * Match a concrete request path to a route. Like API Gateway, a literal segment wins over a
 * {param} (`/targets/import` is not target "import").
 */
export const matchRoute = (method: string, path: string): RouteMatch => {
  const actual = segments(path).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const literals = (r: Route) => segments(r.path).filter((p) => !p.startsWith('{')).length;
  const candidates = routes.flatMap((route) => {
    const params = matchPath(route.path, actual);
    return params ? [{ route, params }] : [];
  });
  const mostSpecific = Math.max(-1, ...candidates.map((c) => literals(c.route)));
  const best = candidates.filter((c) => literals(c.route) === mostSpecific);
  const hit = best.find((c) => c.route.method === method);
  if (hit) return { kind: 'match', route: hit.route, pathParameters: hit.params };
  return best.length > 0 ? { kind: 'methodNotAllowed', allowed: best.map((c) => c.route.method) } : { kind: 'notFound' };
};

/** Find the route API Gateway invoked, from the proxy event's `resource` and `httpMethod`. */
export const routeFor = (method: string, resource: string): Route | undefined =>
  routes.find((r) => r.method === method && r.path === resource);

export const routesOf = <H extends HandlerName>(handler: H): RoutesOf<H>[] =>
  routes.filter((r): r is RoutesOf<H> => r.handler === handler);
