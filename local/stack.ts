import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Logger } from '@aws-lambda-powertools/logger';
import { createDynamoAuditStore, type DynamoAuditStore } from '../adapters/aws/audit-store';
import { createDynamoApiKeyStore, createDynamoMemberStore, createDynamoUserAccessStore } from '../adapters/aws/access-store';
import { createDynamoCredentialStore, createDynamoTargetStore } from '../adapters/aws/inventory-store';
import { createDynamoJobStore } from '../adapters/aws/job-store';
import { createDynamoProjectStore } from '../adapters/aws/project-store';
import { createDynamoRunStore } from '../adapters/aws/run-store';
import { createDynamoScheduleStore } from '../adapters/aws/schedule-store';
import { createLocalEventBus } from '../adapters/local/event-bus';
import { createFileRunSealer } from '../adapters/local/file-run-sealer';
import { createFileVault } from '../adapters/local/file-vault';
import { targetsUsingCredential } from '../core/inventory/targets-service';
import { systemClock, type Clock } from '../core/clock';
import { createIdGenerator } from '../core/ids';
import type { HandlerName } from '../core/routes';
import { createTokenBuckets, defaultRateLimit, type RateLimit } from '../core/throttling';
import { makeApiKeysHandler } from '../lambdas/api/api-keys/handler';
import { makeAuditHandler } from '../lambdas/api/audit/handler';
import { makeAuditConsumer } from '../lambdas/audit-consumer/handler';
import { projectRetentionLookup } from '../core/audit/service';
import { makeCredentialsHandler } from '../lambdas/api/credentials/handler';
import { makeHealthHandler } from '../lambdas/api/health/handler';
import { makeJobsHandler } from '../lambdas/api/jobs/handler';
import { makeMeHandler } from '../lambdas/api/me/handler';
import { makeMembersHandler } from '../lambdas/api/members/handler';
import { makeProjectsHandler } from '../lambdas/api/projects/handler';
import { makeRunsHandler } from '../lambdas/api/runs/handler';
import { makeSettingsHandler } from '../lambdas/api/settings/handler';
import { makeTargetsHandler } from '../lambdas/api/targets/handler';
import { makeUsersHandler } from '../lambdas/api/users/handler';
import { makeEventsHandler } from '../lambdas/api/events/handler';
import { makeSchedulesHandler } from '../lambdas/api/schedules/handler';
import { fireSchedule } from '../core/schedules/fire';
import { createDynamoTriggerStore } from '../adapters/aws/trigger-store';
import { makeTriggersHandler } from '../lambdas/api/triggers/handler';
import { makeHooksHandler } from '../lambdas/api/hooks/handler';
import { localTriggerSync } from './triggers';
import { createLocalScheduler, localScheduleSync } from './scheduler';
import { makeAuthorizer } from '../lambdas/authorizer/handler';
import { createTokenVerifier } from '../lambdas/authorizer/verifier';
import { runnerConnectionTester, runnerNetworkScanner } from '../runner/connection-tester';
import { inspectPrivateKey } from '../runner/ssh/key-fingerprint';
import { startLocalDynamo } from './dynamo';
import { createGateway, type ProxyHandler } from './gateway';
import { createLocalIdentityProvider } from './identity';
import { acquireDataDirLock } from './lock';
import { createLocalRunEngine } from './run-engine';
import { startRunnerPool } from './runner-pool';
import { markRunFailed, type RunTaskDeps } from '../core/runs/tasks';
import { createDynamoChannelStore, createDynamoDeliveryStore, createDynamoRuleStore } from '../adapters/aws/notification-store';
import { fetchHttpPoster } from '../adapters/http/fetch-poster';
import { createLocalMailTransport, type SmtpSettings } from '../adapters/local/mail';
import { RunCompleted, RunStarted } from '../core/events/catalog';
import type { RetryPolicy } from '../core/notifications/deliver';
import { makeNotificationsHandler } from '../lambdas/api/notifications/handler';
import { makeNotificationConsumer, makeOverdueCheck } from '../lambdas/notification-consumer/handler';

/**
 * The local composition root: the same handlers as on AWS, handed local adapters.
 * Nothing else in the code base knows whether it runs locally.
 */
export const LOCAL_USER_POOL_ID = 'local_opsconductor';
export const LOCAL_CLIENT_ID = 'opsconductor-console';

export interface StackOptions {
  dataDir: string;
  port: number;
  host?: string;
  webRoot?: string | undefined;
  admin?: { email?: string | undefined; password?: string | undefined };
  logger: Logger;
  /** Tests move time forward (API key expiry, lockouts); everything else uses the system clock. */
  clock?: Clock;
  rateLimit?: RateLimit;
  /** Lower scrypt cost for tests that create many users; the default is the strong one. */
  fastPasswordHashing?: boolean;
  /** Notification mail: through this relay when given, else `.eml` files in `<data>/outbox/`. */
  smtp?: SmtpSettings | undefined;
  mailFrom?: string | undefined;
  /** Tests shorten the webhook retry backoff and the overdue check's period (default one minute). */
  notificationRetry?: RetryPolicy;
  overdueCheckMs?: number;
}

export interface RunningStack {
  url: string;
  /** The local runner process (tests kill it to see its hosts end lost). */
  runnerPid(): number | undefined;
  /** Requests the local DynamoDB served so far, by operation (the benchmark counts them per host). */
  storeRequests(): Record<string, number>;
  /** The audit store (tests seed records and run the sweep through it). */
  audit: DynamoAuditStore;
  admin: { created: boolean; username: string; generatedPassword?: string };
  close(): Promise<void>;
}

export const startStack = async (opts: StackOptions): Promise<RunningStack> => {
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const lock = acquireDataDirLock(opts.dataDir);
  const cleanups: (() => Promise<void> | void)[] = [
    () => {
      lock.release();
    },
  ];
  const close = async () => {
    for (const c of cleanups.reverse()) await c();
  };
  try {
    const dynamo = await startLocalDynamo({ path: path.join(opts.dataDir, 'dynamo') });
    cleanups.push(() => dynamo.close());

    // Listen first: the token issuer is this server's URL, which needs the port.
    const ready: { gateway?: ReturnType<typeof createGateway> } = {};
    const server = createServer((req, res) => {
      if (ready.gateway) {
        void ready.gateway(req, res);
        return;
      }
      res.writeHead(503, { 'Retry-After': '1' }).end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, host, resolve);
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => {
            resolve();
          });
          server.closeAllConnections();
        }),
    );
    const url = `http://${host}:${(server.address() as AddressInfo).port}`;
    const issuer = `${url}/local-idp`;

    const clock = opts.clock ?? systemClock;
    const ids = createIdGenerator(clock, randomBytes);
    const logger = opts.logger;
    const idp = await createLocalIdentityProvider({
      doc: dynamo.doc,
      tableName: dynamo.tableName,
      dataDir: opts.dataDir,
      issuer,
      clientId: LOCAL_CLIENT_ID,
      userPoolId: LOCAL_USER_POOL_ID,
      clock,
      ...(opts.fastPasswordHashing ? { scryptCost: { N: 1024, r: 8, p: 1 } } : {}),
      onInternalError: (error) => {
        logger.error('identity provider error', { error: error as Error });
      },
    });
    const admin = await idp.ensureAdmin(opts.admin ?? {});

    // Durable: events are logged in <data>/events before delivery, retried, dead-lettered (docs/events.md).
    const bus = createLocalEventBus({
      clock,
      ids,
      dataDir: opts.dataDir,
      onDeliveryError: (rule, event, error) => {
        logger.error('event delivery failed', { rule, eventId: event.id, detailType: event['detail-type'], error: error as Error });
      },
    });
    bus.addRule({
      name: 'log-domain-events',
      pattern: { source: [{ prefix: 'opsconductor.' }] },
      target: (event) => {
        logger.info('event', { id: event.id, source: event.source, detailType: event['detail-type'] });
        logger.debug('event detail', { id: event.id, detail: event.detail });
        return Promise.resolve();
      },
    });
    cleanups.push(() => bus.drain());

    const table = { ddb: dynamo.doc, tableName: dynamo.tableName };
    // The audit trail: every event becomes a record, as the EventBridge rule does on AWS (cdk/lib/audit.ts).
    const audit = createDynamoAuditStore(table);
    // Each project's own retention decides a record's expiresAt, which the sweep below honours.
    const projectRetention = projectRetentionLookup(createDynamoProjectStore(table), clock);
    bus.addRule({ name: 'audit-trail', pattern: { source: [{ prefix: 'opsconductor.' }] }, target: makeAuditConsumer({ audit, logger, projectRetention }) });
    // dynalite has no TTL: expired records are swept at start and hourly (reads filter them meanwhile).
    const sweepAudit = () =>
      audit.sweepExpired(clock.now()).then(
        (deleted) => {
          if (deleted > 0) logger.info('expired audit records swept', { deleted });
        },
        (error: unknown) => {
          logger.error('audit sweep failed', { error: error as Error });
        },
      );
    await sweepAudit();
    const auditSweep = setInterval(() => void sweepAudit(), 60 * 60 * 1000);
    auditSweep.unref();
    cleanups.push(() => {
      clearInterval(auditSweep);
    });
    const members = createDynamoMemberStore(table);
    const apiKeys = createDynamoApiKeyStore(table);
    const userAccess = createDynamoUserAccessStore(table);
    const targets = createDynamoTargetStore(table);
    const jobs = createDynamoJobStore(table);
    const credentials = createDynamoCredentialStore(table);
    const runs = createDynamoRunStore(table);
    const runTasks: RunTaskDeps = { runs, jobs, targets, credentials, bus, clock, logger };
    const runner = startRunnerPool({
      dataDir: opts.dataDir,
      env: { OPSC_DATA_DIR: opts.dataDir, OPSC_DYNAMO_ENDPOINT: dynamo.endpoint, OPSC_TABLE_NAME: dynamo.tableName },
      onExit: (why) => {
        logger.warn('runner process exited; the next batch starts a new one', { why });
      },
    });
    cleanups.push(() => runner.close());
    const engine = createLocalRunEngine({
      tasks: runTasks,
      runBatch: (env) => runner.run(env),
      onExecutionError: (runId, error) => {
        logger.error('run execution failed', { runId, error: error as Error });
      },
    });
    cleanups.push(() => engine.close());
    // Executions live in this process: runs it was driving when it stopped cannot go on.
    for (const run of await runs.listActive()) {
      await markRunFailed(runTasks, { runId: run.id, error: { Error: 'LocalStackStopped', Cause: 'The local stack stopped during the run.' } });
    }
    const schedules = createDynamoScheduleStore(table);
    const sealer = await createFileRunSealer(opts.dataDir);
    // EventBridge Scheduler's stand-in: fires through the same core function as the AWS target would.
    const scheduler = createLocalScheduler({
      schedules,
      bus,
      clock,
      logger,
      fire: (request) => fireSchedule({ runs, jobs, schedules, sealer, launcher: engine, bus, clock, ids }, request),
    });
    cleanups.push(() => scheduler.close());
    const triggers = createDynamoTriggerStore(table);
    // EventBridge's stand-in for trigger rules: one bus rule per enabled trigger, kept in step by the service.
    const triggerSync = localTriggerSync({ bus, fireDeps: { runs, jobs, triggers, sealer, launcher: engine, bus, clock, ids }, logger });
    for (const trigger of await triggers.listEnabled()) await triggerSync.put(trigger);
    const projects = createDynamoProjectStore(table);
    const notificationDeps = {
      channels: createDynamoChannelStore(table),
      rules: createDynamoRuleStore(table),
      deliveries: createDynamoDeliveryStore(table),
      projects,
      runs,
      sealer,
      mail: createLocalMailTransport({ dataDir: opts.dataDir, from: opts.mailFrom, smtp: opts.smtp }),
      http: fetchHttpPoster,
      clock,
      consoleUrl: url,
      retry: opts.notificationRetry,
      logger,
    };
    // The notifications' bus rule, as the EventBridge rule on AWS (cdk/lib/notifications.ts).
    bus.addRule({
      name: 'notifications',
      pattern: { source: [RunStarted.source], 'detail-type': [RunStarted.detailType, RunCompleted.detailType] },
      target: makeNotificationConsumer(notificationDeps),
    });
    // EventBridge Scheduler's rate(1 minute) on AWS: runs past a rule's overdue duration notify once.
    const overdueCheck = makeOverdueCheck(notificationDeps);
    const overdueTimer = setInterval(() => {
      overdueCheck().catch((error: unknown) => {
        logger.error('overdue check failed', { error: error as Error });
      });
    }, opts.overdueCheckMs ?? 60_000);
    overdueTimer.unref();
    cleanups.push(() => {
      clearInterval(overdueTimer);
    });
    const deps = {
      logger,
      consoleOrigin: undefined,
      access: { members, bus },
      projects,
      members,
      apiKeys,
      userAccess,
      directory: idp.directory,
      bus,
      clock,
      ids,
      random: randomBytes,
      targets,
      jobs,
      credentials,
      runs,
      sealer,
      schedules,
      scheduleSync: localScheduleSync(scheduler),
      triggers,
      triggerSync,
      launcher: engine,
      vault: await createFileVault(opts.dataDir),
      tester: runnerConnectionTester,
      scanner: runnerNetworkScanner,
      inspectKey: inspectPrivateKey,
      targetsUsingCredential: (projectId: string, credentialId: string) => targetsUsingCredential({ targets }, projectId, credentialId),
    };
    const handlers: Record<HandlerName, ProxyHandler> = {
      health: makeHealthHandler(deps),
      me: makeMeHandler(deps),
      projects: makeProjectsHandler(deps),
      users: makeUsersHandler(deps),
      members: makeMembersHandler(deps),
      'api-keys': makeApiKeysHandler(deps),
      settings: makeSettingsHandler(deps),
      credentials: makeCredentialsHandler(deps),
      targets: makeTargetsHandler(deps),
      jobs: makeJobsHandler(deps),
      runs: makeRunsHandler(deps),
      events: makeEventsHandler(deps),
      audit: makeAuditHandler({ ...deps, audit }),
      schedules: makeSchedulesHandler(deps),
      triggers: makeTriggersHandler(deps),
      hooks: makeHooksHandler(deps),
      notifications: makeNotificationsHandler({ ...deps, ...notificationDeps, logger }),
    };
    const authorizer = makeAuthorizer({
      verifier: createTokenVerifier({ issuer, clientId: LOCAL_CLIENT_ID, jwks: idp.jwks() }),
      apiKeys,
      userAccess,
      clock,
      logger,
    });
    ready.gateway = createGateway({
      handlers,
      authorizer,
      idp,
      logger,
      throttle: createTokenBuckets(opts.rateLimit ?? defaultRateLimit, clock),
      webRoot: opts.webRoot,
      consoleConfig: {
        region: 'local',
        userPoolId: LOCAL_USER_POOL_ID,
        userPoolClientId: LOCAL_CLIENT_ID,
        identityEndpoint: `${url}/local-idp/`,
        apiBaseUrl: '',
      },
    });
    // Every rule is added by now: deliver what a crash left undelivered, then run queued replays
    // (`npm run events -- replay`) at start and every second.
    await bus.recover();
    // Missed fires while stopped: the latest within its grace window runs, the rest are recorded missed.
    await scheduler.start();
    const runReplays = () => {
      bus.runReplayRequests().catch((error: unknown) => {
        logger.error('event replay failed', { error: error as Error });
      });
    };
    runReplays();
    const replays = setInterval(runReplays, 1000);
    replays.unref();
    cleanups.push(() => {
      clearInterval(replays);
    });
    return { url, admin, close, runnerPid: () => runner.pid(), storeRequests: () => dynamo.requests(), audit };
  } catch (e) {
    await close();
    throw e;
  }
};
