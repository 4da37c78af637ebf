import type { Permission } from '../../core/identity/policy';
import { routes, type Route, type RouteId } from '../../core/routes';
import { request, type HttpResponse } from '../support/http';
import { inviteAndSignIn, offsetClock, startInProcessStack } from '../support/in-process-stack';

/**
 * Every route in the route table × every kind of caller, with the status each must get.
 * The expectations are written out here, independently of core/identity/policy.ts, and the test
 * fails when a route or permission has none, so a new route cannot be forgotten.
 */
const callers = [
  'globalAdmin',
  'projectAdmin',
  'operator',
  'viewer',
  'nonMember',
  'keyOperator',
  'keyViewer',
  'keyOtherProject',
  'expiredKey',
  'revokedKey',
  'anonymous',
] as const;
type Caller = (typeof callers)[number];

type Expect = 'allow' | 403 | 404 | 401;
const everyone: Caller[] = ['globalAdmin', 'projectAdmin', 'operator', 'viewer', 'nonMember', 'keyOperator', 'keyViewer', 'keyOtherProject'];

/** Who may do what: allowed callers; everyone else named gets the status given. */
const rule = (allowed: Caller[], denied: Partial<Record<Caller, 403 | 404>> = {}): Record<Caller, Expect> => {
  const out = { expiredKey: 401, revokedKey: 401, anonymous: 401 } as Record<Caller, Expect>;
  for (const c of everyone) out[c] = allowed.includes(c) ? 'allow' : (denied[c] ?? 403);
  return out;
};
const projectReaders = rule(['globalAdmin', 'projectAdmin', 'operator', 'viewer', 'keyOperator', 'keyViewer'], { nonMember: 404, keyOtherProject: 404 });
const projectAdmins = rule(['globalAdmin', 'projectAdmin'], { nonMember: 404, keyOtherProject: 404 });
/** Viewer reads; operator also runs, cancels and retries jobs (and tests targets). */
const projectOperators = rule(['globalAdmin', 'projectAdmin', 'operator', 'keyOperator'], { nonMember: 404, keyOtherProject: 404 });

const expectations: Record<Permission | 'public', Record<Caller, Expect>> = {
  public: Object.fromEntries(callers.map((c) => [c, 'allow'])) as Record<Caller, Expect>,
  'me:read': rule(everyone),
  'projects:list': rule(everyone),
  'projects:create': rule(['globalAdmin']),
  'users:read': rule(['globalAdmin']),
  'users:manage': rule(['globalAdmin']),
  'settings:read': rule(everyone),
  'settings:manage': rule(['globalAdmin']),
  'events:read': rule(everyone),
  'project:read': projectReaders,
  'members:read': projectReaders,
  'project:update': projectAdmins,
  'members:manage': projectAdmins,
  'apiKeys:read': projectAdmins,
  'apiKeys:manage': projectAdmins,
  'project:delete': rule(['globalAdmin'], { nonMember: 404, keyOtherProject: 404 }),
  'credentials:read': projectReaders,
  'credentials:manage': projectAdmins,
  'targets:read': projectReaders,
  'targets:manage': projectAdmins,
  'jobs:read': projectReaders,
  'jobs:manage': projectAdmins,
  'targets:test': projectOperators,
  'runs:read': projectReaders,
  'runs:start': projectOperators,
  'runs:cancel': projectOperators,
  'audit:read': projectAdmins,
  'audit:readAll': rule(['globalAdmin']),
  'schedules:read': projectReaders,
  'schedules:manage': projectAdmins,
  'schedules:preview': rule(everyone),
  'triggers:read': projectReaders,
  'triggers:manage': projectAdmins,
  'notifications:read': projectReaders,
  'notifications:manage': projectAdmins,
};

interface Fixture {
  projectId: string;
  ghostUser: string;
  doomedUser: string;
  doomedKey: string;
  credentialId: string;
  doomedCredential: string;
  targetId: string;
  doomedTarget: string;
  jobId: string;
  doomedJob: string;
  /** A well-formed run id no run has: path validation comes before the policy, so it must parse. */
  ghostRun: string;
  scheduleId: string;
  doomedSchedule: string;
  triggerId: string;
  doomedTrigger: string;
  channelId: string;
  doomedChannel: string;
  ruleId: string;
  doomedRule: string;
}

/**
 * How to call each route so that an allowed call shows it got past the policy: reads really run,
 * writes send a body the handler rejects after authorization (400), deletions target throwaway
 * resources. `allowed` says what an allowed call answers.
 */
const calls: Record<RouteId, (f: Fixture) => { method?: string; path: string; body?: unknown; allowed: (r: HttpResponse) => boolean }> = {
  getHealth: () => ({ path: '/health', allowed: (r) => r.status === 200 }),
  getMe: () => ({ path: '/v1/me', allowed: (r) => r.status === 200 }),
  listProjects: () => ({ path: '/v1/projects', allowed: (r) => r.status === 200 }),
  createProject: () => ({ path: '/v1/projects', body: {}, allowed: isValidationFailure }),
  getProject: (f) => ({ path: `/v1/projects/${f.projectId}`, allowed: (r) => r.status === 200 }),
  updateProject: (f) => ({ path: `/v1/projects/${f.projectId}`, body: { matrix: 1 }, allowed: isValidationFailure }),
  deleteProject: (f) => ({ path: `/v1/projects/${f.projectId}`, allowed: (r) => r.status === 204 }),
  listUsers: () => ({ path: '/v1/users', allowed: (r) => r.status === 200 }),
  inviteUser: () => ({ path: '/v1/users', body: {}, allowed: isValidationFailure }),
  updateUser: (f) => ({ path: `/v1/users/${f.ghostUser}`, body: { matrix: 1 }, allowed: isValidationFailure }),
  deleteUser: (f) => ({ path: `/v1/users/${f.doomedUser}`, allowed: (r) => r.status === 204 }),
  listMembers: (f) => ({ path: `/v1/projects/${f.projectId}/members`, allowed: (r) => r.status === 200 }),
  putMember: (f) => ({ path: `/v1/projects/${f.projectId}/members/${f.ghostUser}`, body: { matrix: 1 }, allowed: isValidationFailure }),
  removeMember: (f) => ({
    path: `/v1/projects/${f.projectId}/members/${f.ghostUser}`,
    allowed: (r) => r.status === 404 && /Member/.test(r.text),
  }),
  listApiKeys: (f) => ({ path: `/v1/projects/${f.projectId}/api-keys`, allowed: (r) => r.status === 200 }),
  createApiKey: (f) => ({ path: `/v1/projects/${f.projectId}/api-keys`, body: {}, allowed: isValidationFailure }),
  revokeApiKey: (f) => ({ path: `/v1/projects/${f.projectId}/api-keys/${f.doomedKey}`, allowed: (r) => r.status === 204 || (r.status === 404 && /API key/.test(r.text)) }),
  getSettings: () => ({ path: '/v1/settings', allowed: (r) => r.status === 200 }),
  updateSettings: () => ({ path: '/v1/settings', body: {}, allowed: isValidationFailure }),
  getEventCatalog: () => ({ path: '/v1/events/catalog', allowed: (r) => r.status === 200 }),
  testEventPattern: () => ({ path: '/v1/events/test-pattern', body: {}, allowed: isValidationFailure }),
  listCredentials: (f) => ({ path: `/v1/projects/${f.projectId}/credentials`, allowed: (r) => r.status === 200 }),
  createCredential: (f) => ({ path: `/v1/projects/${f.projectId}/credentials`, body: {}, allowed: isValidationFailure }),
  getCredential: (f) => ({ path: `/v1/projects/${f.projectId}/credentials/${f.credentialId}`, allowed: (r) => r.status === 200 }),
  rotateCredential: (f) => ({ path: `/v1/projects/${f.projectId}/credentials/${f.credentialId}`, body: {}, allowed: isValidationFailure }),
  deleteCredential: (f) => ({
    path: `/v1/projects/${f.projectId}/credentials/${f.doomedCredential}`,
    allowed: (r) => r.status === 204 || (r.status === 404 && /Credential/.test(r.text)),
  }),
  listTargets: (f) => ({ path: `/v1/projects/${f.projectId}/targets`, allowed: (r) => r.status === 200 }),
  createTarget: (f) => ({ path: `/v1/projects/${f.projectId}/targets`, body: {}, allowed: isValidationFailure }),
  importTargets: (f) => ({ path: `/v1/projects/${f.projectId}/targets/import`, body: {}, allowed: isValidationFailure }),
  testTargets: (f) => ({ path: `/v1/projects/${f.projectId}/targets/test`, body: {}, allowed: isValidationFailure }),
  getTarget: (f) => ({ path: `/v1/projects/${f.projectId}/targets/${f.targetId}`, allowed: (r) => r.status === 200 }),
  updateTarget: (f) => ({ path: `/v1/projects/${f.projectId}/targets/${f.targetId}`, body: { matrix: 1 }, allowed: isValidationFailure }),
  deleteTarget: (f) => ({ path: `/v1/projects/${f.projectId}/targets/${f.doomedTarget}`, allowed: (r) => r.status === 204 || (r.status === 404 && /Target/.test(r.text)) }),
  // The target has no credential, so an allowed test stops at 422 before connecting anywhere.
  testTarget: (f) => ({ path: `/v1/projects/${f.projectId}/targets/${f.targetId}/test`, allowed: (r) => r.status === 422 }),
  acceptHostKey: (f) => ({ path: `/v1/projects/${f.projectId}/targets/${f.targetId}/accept-host-key`, body: {}, allowed: isValidationFailure }),
  listJobs: (f) => ({ path: `/v1/projects/${f.projectId}/jobs`, allowed: (r) => r.status === 200 }),
  createJob: (f) => ({ path: `/v1/projects/${f.projectId}/jobs`, body: {}, allowed: isValidationFailure }),
  getJob: (f) => ({ path: `/v1/projects/${f.projectId}/jobs/${f.jobId}`, allowed: (r) => r.status === 200 }),
  replaceJob: (f) => ({ path: `/v1/projects/${f.projectId}/jobs/${f.jobId}`, body: {}, allowed: isValidationFailure }),
  deleteJob: (f) => ({ path: `/v1/projects/${f.projectId}/jobs/${f.doomedJob}`, allowed: (r) => r.status === 204 || (r.status === 404 && /Job/.test(r.text)) }),
  listJobVersions: (f) => ({ path: `/v1/projects/${f.projectId}/jobs/${f.jobId}/versions`, allowed: (r) => r.status === 200 }),
  discoverTargets: (f) => ({ path: `/v1/projects/${f.projectId}/discovery`, body: {}, allowed: isValidationFailure }),
  // An unknown parameter is refused after the job is found and before a run is written or launched.
  startRun: (f) => ({
    path: `/v1/projects/${f.projectId}/jobs/${f.jobId}/runs`,
    body: { parameters: { matrix: 1 } },
    allowed: (r) => isValidationFailure(r) && /parameters\.matrix/.test(r.text),
  }),
  listRuns: (f) => ({ path: `/v1/projects/${f.projectId}/runs`, allowed: (r) => r.status === 200 }),
  // No run exists, so an allowed read answers the handler's 404 for the run, not the policy's for the project.
  getRun: (f) => ({ path: `/v1/projects/${f.projectId}/runs/${f.ghostRun}`, allowed: isRunNotFound }),
  listRunHosts: (f) => ({ path: `/v1/projects/${f.projectId}/runs/${f.ghostRun}/hosts`, allowed: isRunNotFound }),
  getRunOutput: (f) => ({ path: `/v1/projects/${f.projectId}/runs/${f.ghostRun}/output?targetId=${f.targetId}`, allowed: isRunNotFound }),
  getRunOutputs: (f) => ({ path: `/v1/projects/${f.projectId}/runs/${f.ghostRun}/outputs?cursors=${f.targetId}:0`, allowed: isRunNotFound }),
  cancelRun: (f) => ({ path: `/v1/projects/${f.projectId}/runs/${f.ghostRun}/cancel`, allowed: isRunNotFound }),
  retryRun: (f) => ({ path: `/v1/projects/${f.projectId}/runs/${f.ghostRun}/retry`, body: { matrix: 1 }, allowed: isValidationFailure }),
  listProjectAudit: (f) => ({ path: `/v1/projects/${f.projectId}/audit`, allowed: (r) => r.status === 200 }),
  exportProjectAudit: (f) => ({ path: `/v1/projects/${f.projectId}/audit/export?format=csv`, allowed: (r) => r.status === 200 }),
  listAudit: () => ({ path: '/v1/audit', allowed: (r) => r.status === 200 }),
  exportAudit: () => ({ path: '/v1/audit/export', allowed: (r) => r.status === 200 }),
  listSchedules: (f) => ({ path: `/v1/projects/${f.projectId}/schedules`, allowed: (r) => r.status === 200 }),
  createSchedule: (f) => ({ path: `/v1/projects/${f.projectId}/schedules`, body: {}, allowed: isValidationFailure }),
  getSchedule: (f) => ({ path: `/v1/projects/${f.projectId}/schedules/${f.scheduleId}`, allowed: (r) => r.status === 200 }),
  updateSchedule: (f) => ({ path: `/v1/projects/${f.projectId}/schedules/${f.scheduleId}`, body: { matrix: 1 }, allowed: isValidationFailure }),
  deleteSchedule: (f) => ({
    path: `/v1/projects/${f.projectId}/schedules/${f.doomedSchedule}`,
    allowed: (r) => r.status === 204 || (r.status === 404 && /Schedule/.test(r.text)),
  }),
  previewSchedule: () => ({ path: '/v1/schedules/preview', body: {}, allowed: isValidationFailure }),
  listTriggers: (f) => ({ path: `/v1/projects/${f.projectId}/triggers`, allowed: (r) => r.status === 200 }),
  createTrigger: (f) => ({ path: `/v1/projects/${f.projectId}/triggers`, body: {}, allowed: isValidationFailure }),
  getTrigger: (f) => ({ path: `/v1/projects/${f.projectId}/triggers/${f.triggerId}`, allowed: (r) => r.status === 200 }),
  updateTrigger: (f) => ({ path: `/v1/projects/${f.projectId}/triggers/${f.triggerId}`, body: { matrix: 1 }, allowed: isValidationFailure }),
  deleteTrigger: (f) => ({
    path: `/v1/projects/${f.projectId}/triggers/${f.doomedTrigger}`,
    allowed: (r) => r.status === 204 || (r.status === 404 && /Trigger/.test(r.text)),
  }),
  testTrigger: (f) => ({ path: `/v1/projects/${f.projectId}/triggers/${f.triggerId}/test`, body: {}, allowed: isValidationFailure }),
  // Not a webhook trigger: an allowed call got past the policy to the service, which refuses it (422).
  rotateTriggerWebhookSecret: (f) => ({ method: 'POST', path: `/v1/projects/${f.projectId}/triggers/${f.triggerId}/webhook-secret`, allowed: (r) => r.status === 422 }),
  // Public: every caller reaches the handler, whose credential is the body's signature; none is sent, so 401 from the handler.
  receiveWebhook: (f) => ({ path: `/v1/hooks/${f.triggerId}`, body: {}, allowed: (r) => r.status === 401 && /signature/.test(r.text) }),
  listNotificationChannels: (f) => ({ path: `/v1/projects/${f.projectId}/notification-channels`, allowed: (r) => r.status === 200 }),
  createNotificationChannel: (f) => ({ path: `/v1/projects/${f.projectId}/notification-channels`, body: {}, allowed: isValidationFailure }),
  getNotificationChannel: (f) => ({ path: `/v1/projects/${f.projectId}/notification-channels/${f.channelId}`, allowed: (r) => r.status === 200 }),
  updateNotificationChannel: (f) => ({ path: `/v1/projects/${f.projectId}/notification-channels/${f.channelId}`, body: { matrix: 1 }, allowed: isValidationFailure }),
  deleteNotificationChannel: (f) => ({
    path: `/v1/projects/${f.projectId}/notification-channels/${f.doomedChannel}`,
    allowed: (r) => r.status === 204 || (r.status === 404 && /channel/.test(r.text)),
  }),
  // An email channel with no SMTP relay: the test message lands in the outbox folder.
  testNotificationChannel: (f) => ({ method: 'POST', path: `/v1/projects/${f.projectId}/notification-channels/${f.channelId}/test`, allowed: (r) => r.status === 200 && r.json().status === 'sent' }),
  listNotificationRules: (f) => ({ path: `/v1/projects/${f.projectId}/notification-rules`, allowed: (r) => r.status === 200 }),
  createNotificationRule: (f) => ({ path: `/v1/projects/${f.projectId}/notification-rules`, body: {}, allowed: isValidationFailure }),
  getNotificationRule: (f) => ({ path: `/v1/projects/${f.projectId}/notification-rules/${f.ruleId}`, allowed: (r) => r.status === 200 }),
  updateNotificationRule: (f) => ({ path: `/v1/projects/${f.projectId}/notification-rules/${f.ruleId}`, body: { matrix: 1 }, allowed: isValidationFailure }),
  deleteNotificationRule: (f) => ({
    path: `/v1/projects/${f.projectId}/notification-rules/${f.doomedRule}`,
    allowed: (r) => r.status === 204 || (r.status === 404 && /rule/.test(r.text)),
  }),
  previewNotificationTemplate: (f) => ({ path: `/v1/projects/${f.projectId}/notification-templates/preview`, body: {}, allowed: isValidationFailure }),
  listNotificationDeliveries: (f) => ({ path: `/v1/projects/${f.projectId}/notification-deliveries`, allowed: (r) => r.status === 200 }),
};

function isValidationFailure(r: HttpResponse) {
  return r.status === 400 && (r.json().error as { code?: string } | undefined)?.code === 'VALIDATION_FAILED';
}

function isRunNotFound(r: HttpResponse) {
  const error = r.json().error as { code?: string; message?: string } | undefined;
  return r.status === 404 && error?.code === 'NOT_FOUND' && /^Run '/.test(error.message ?? '');
}

const DAY = 24 * 60 * 60 * 1000;
let stack: Awaited<ReturnType<typeof startInProcessStack>>;
const clock = offsetClock();
const credentials = {} as Record<Caller, { token?: string; apiKey?: string }>;
let fixture: Fixture;

beforeAll(async () => {
  stack = await startInProcessStack({ clock });
  const admin = stack.adminToken;
  const post = async (path: string, body: unknown) => {
    const r = await request(stack.url, 'POST', path, { token: admin, body });
    if (r.status !== 201) throw new Error(`${path}: ${r.status} ${r.text}`);
    return r.json();
  };
  const projectA = String((await post('/v1/projects', { name: 'matrix-a' })).id);
  const projectB = String((await post('/v1/projects', { name: 'matrix-b' })).id);
  const users = {
    projectAdmin: await inviteAndSignIn(stack.url, admin, 'pa'),
    operator: await inviteAndSignIn(stack.url, admin, 'op'),
    viewer: await inviteAndSignIn(stack.url, admin, 'vi'),
    nonMember: await inviteAndSignIn(stack.url, admin, 'nm'),
  };
  await inviteAndSignIn(stack.url, admin, 'ghost');
  await inviteAndSignIn(stack.url, admin, 'doomed');
  for (const [userId, role] of [['pa', 'admin'], ['op', 'operator'], ['vi', 'viewer']] as const) {
    const r = await request(stack.url, 'PUT', `/v1/projects/${projectA}/members/${userId}`, { token: admin, body: { role } });
    if (r.status !== 200) throw new Error(`member ${userId}: ${r.text}`);
  }
  const key = async (projectId: string, role: string, expiresInDays = 30) =>
    (await post(`/v1/projects/${projectId}/api-keys`, { name: `${role}-${expiresInDays}`, role, expiresInDays })) as { secret: string; apiKey: { keyId: string } };
  const keyOperator = await key(projectA, 'operator');
  const keyViewer = await key(projectA, 'viewer');
  const keyOther = await key(projectB, 'operator');
  const expiring = await key(projectA, 'operator', 1);
  const revoked = await key(projectA, 'operator');
  const doomed = await key(projectA, 'viewer');
  await request(stack.url, 'DELETE', `/v1/projects/${projectA}/api-keys/${revoked.apiKey.keyId}`, { token: admin });
  clock.advance(2 * DAY);

  Object.assign(credentials, {
    globalAdmin: { token: admin },
    projectAdmin: { token: users.projectAdmin.token },
    operator: { token: users.operator.token },
    viewer: { token: users.viewer.token },
    nonMember: { token: users.nonMember.token },
    keyOperator: { apiKey: keyOperator.secret },
    keyViewer: { apiKey: keyViewer.secret },
    keyOtherProject: { apiKey: keyOther.secret },
    expiredKey: { apiKey: expiring.secret },
    revokedKey: { apiKey: revoked.secret },
    anonymous: {},
  });
  const credential = await post(`/v1/projects/${projectA}/credentials`, { name: 'c', kind: 'ssh-password', username: 'u', password: 'matrix-pw' });
  const doomedCredential = await post(`/v1/projects/${projectA}/credentials`, { name: 'd', kind: 'ssh-password', username: 'u', password: 'matrix-pw' });
  const target = await post(`/v1/projects/${projectA}/targets`, { name: 't', address: '192.0.2.1', protocol: 'ssh' });
  const doomedTarget = await post(`/v1/projects/${projectA}/targets`, { name: 'dt', address: '192.0.2.2', protocol: 'ssh' });
  const job = await post(`/v1/projects/${projectA}/jobs`, { name: 'j', steps: [{ kind: 'command', content: 'uptime' }] });
  const doomedJob = await post(`/v1/projects/${projectA}/jobs`, { name: 'dj', steps: [{ kind: 'command', content: 'uptime' }] });
  const scheduledJob = await post(`/v1/projects/${projectA}/jobs`, { name: 'sj', steps: [{ kind: 'command', content: 'uptime' }], targets: { targetIds: [String(target.id)] } });
  const schedule = async (name: string) =>
    post(`/v1/projects/${projectA}/schedules`, { name, jobId: String(scheduledJob.id), expression: 'rate(1 day)', enabled: false });
  const kept = await schedule('s');
  const doomedSchedule = await schedule('ds');
  const trigger = async (name: string) =>
    post(`/v1/projects/${projectA}/triggers`, { name, jobId: String(scheduledJob.id), pattern: { source: ['com.example.matrix'] }, enabled: false });
  const keptTrigger = await trigger('t');
  const doomedTrigger = await trigger('dt');
  const channel = async (name: string) => post(`/v1/projects/${projectA}/notification-channels`, { kind: 'email', name, recipients: ['ops@example.com'] });
  const keptChannel = await channel('n');
  const doomedChannel = await channel('dn');
  const notificationRule = async (name: string) =>
    post(`/v1/projects/${projectA}/notification-rules`, { name, events: ['run.failed'], channelIds: [String(keptChannel.id)], enabled: false });
  const keptRule = await notificationRule('r');
  const doomedRule = await notificationRule('dr');
  fixture = {
    projectId: projectA,
    ghostUser: 'ghost',
    doomedUser: 'doomed',
    doomedKey: doomed.apiKey.keyId,
    credentialId: String(credential.id),
    doomedCredential: String(doomedCredential.id),
    targetId: String(target.id),
    doomedTarget: String(doomedTarget.id),
    jobId: String(job.id),
    doomedJob: String(doomedJob.id),
    ghostRun: `run_${'0'.repeat(26)}`,
    scheduleId: String(kept.id),
    doomedSchedule: String(doomedSchedule.id),
    triggerId: String(keptTrigger.id),
    doomedTrigger: String(doomedTrigger.id),
    channelId: String(keptChannel.id),
    doomedChannel: String(doomedChannel.id),
    ruleId: String(keptRule.id),
    doomedRule: String(doomedRule.id),
  };
}, 120_000);

afterAll(async () => {
  await stack.close();
});

const call = (caller: Caller, route: Route) => {
  const spec = calls[route.id](fixture);
  const cred = credentials[caller];
  const headers: Record<string, string> = cred.apiKey === undefined ? {} : { 'X-Api-Key': cred.apiKey };
  return request(stack.url, route.method, spec.path, { ...(cred.token === undefined ? {} : { token: cred.token }), headers, ...(spec.body === undefined ? {} : { body: spec.body }) });
};

/** Destructive routes go last, and within a route the callers expected to be refused go first. */
const destructive = new Set<RouteId>(['deleteProject', 'deleteUser', 'revokeApiKey', 'deleteCredential', 'deleteTarget', 'deleteJob', 'deleteSchedule', 'deleteTrigger', 'deleteNotificationRule', 'deleteNotificationChannel']);
const ordered = [...routes].sort((a, b) => Number(destructive.has(a.id)) - Number(destructive.has(b.id)) || Number(a.id === 'deleteProject') - Number(b.id === 'deleteProject'));

describe('authorization matrix', () => {
  it('has an expectation and a call for every route', () => {
    for (const route of routes) {
      expect(expectations[route.permission]).toBeDefined();
      expect(calls[route.id]).toBeDefined();
    }
  });

  it('answers every route × caller as expected, with no unexpected allow', async () => {
    const surprises: string[] = [];
    let unexpectedAllows = 0;
    let checked = 0;
    for (const route of ordered) {
      const expected = expectations[route.permission];
      const order = [...callers].sort((a, b) => Number(expected[a] === 'allow') - Number(expected[b] === 'allow'));
      for (const caller of order) {
        const res = await call(caller, route);
        const spec = calls[route.id](fixture);
        const want = expected[caller];
        checked++;
        if (want === 'allow') {
          if (!spec.allowed(res)) surprises.push(`${route.method} ${route.path} as ${caller}: wanted allow, got ${res.status} ${res.text.slice(0, 120)}`);
          continue;
        }
        if (spec.allowed(res) && res.status !== 404) unexpectedAllows++;
        const code = (res.json().error as { code?: string } | undefined)?.code;
        const wantCode = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND' }[want];
        if (res.status !== want || code !== wantCode) surprises.push(`${route.method} ${route.path} as ${caller}: wanted ${want}, got ${res.status} ${res.text.slice(0, 120)}`);
      }
    }

    expect(surprises).toEqual([]);
    expect(unexpectedAllows).toBe(0);
    expect(checked).toBe(routes.length * callers.length);
  }, 120_000);
});
