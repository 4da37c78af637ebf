import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  ApiKeySourceType,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestAuthorizer,
  RestApi,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import type { CfnAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { decide, permissionScope } from '../../core/identity/policy';
import type { Principal } from '../../core/identity/principal';
import { handlerNames, routes, routesOf, type HandlerName } from '../../core/routes';
import { defaultRateLimit, stageRateLimit } from '../../core/throttling';
import type { Data } from './data';
import { ServiceFunction, functionLogRetention } from './function';
import { addGatewayResponses } from './gateway-responses';
import type { Inventory } from './inventory';
import { acknowledge } from './nag';
import type { Network } from './network';
import type { Runs } from './runs';
import type { Schedules } from './schedules';
import type { Triggers } from './triggers';

export interface ApiProps {
  readonly data: Data;
  readonly bus: EventBus;
  /** The credentials key and the grants on credential secrets. */
  readonly inventory: Inventory;
  /** The VPC that handlers which dial managed hosts run in. */
  readonly network: Network;
  /** The user pool whose admin API the people-managing handlers call. */
  readonly userPool: IUserPool;
  /** Token issuer and audience the authorizer verifies Cognito JWTs against. */
  readonly tokenIssuer: string;
  readonly tokenClientId: string;
  /** https://<console host>: the only origin CORS allows. */
  readonly consoleOrigin: string;
  /** The job-run state machine and the runs key, for the handlers that start runs. */
  readonly runs: Pick<Runs, 'grantStartRuns' | 'grantTriggerSecrets'>;
  /** The Scheduler schedule group, the fire Lambda and the Scheduler role, for the handler that syncs schedules. */
  readonly schedules: Pick<Schedules, 'grantSync'>;
  /** The trigger-fire Lambda and its dead-letter queue, for the handler that keeps one rule per trigger. */
  readonly triggers: Pick<Triggers, 'grantSync'>;
}

export const apiStageName = 'prod';
/** Headers the console may send (mirrors the CORS middleware in lambdas/api/http.ts). */
export const corsAllowHeaders = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Api-Key'];

/** Cognito admin API actions a handler may be granted on the user pool (see adapters/aws/cognito-user-directory.ts). */
export type UserPoolAction =
  | 'AdminCreateUser'
  | 'AdminGetUser'
  | 'AdminDisableUser'
  | 'AdminEnableUser'
  | 'AdminDeleteUser'
  | 'AdminUserGlobalSignOut'
  | 'AdminAddUserToGroup'
  | 'AdminRemoveUserFromGroup'
  | 'AdminListGroupsForUser'
  | 'ListUsers'
  | 'GetUserPoolMfaConfig'
  | 'SetUserPoolMfaConfig';

export interface HandlerAccess {
  readonly data: 'none' | 'read' | 'readWrite';
  readonly publishEvents: boolean;
  /** Actions on the user pool; a handler with any also gets USER_POOL_ID. */
  readonly userPool: readonly UserPoolAction[];
  /**
   * Credential material in Secrets Manager (`Inventory`): `write` creates, rotates and deletes it and
   * can never read it back; `read` reads it and is named in every secret's resource policy. A
   * handler with either also gets CREDENTIALS_KMS_KEY_ID and CREDENTIAL_READER_ROLE_ARNS.
   */
  readonly credentialSecrets: 'none' | 'write' | 'read';
  /** Dials managed hosts: runs in the VPC's private subnets with the host-access security group. */
  readonly reachesHosts: boolean;
  /**
   * Starts job runs (`Runs.grantStartRuns`): STATE_MACHINE_ARN and RUNS_KMS_KEY_ID, StartExecution
   * on the job-run state machine, and sealing and opening secure parameter values with the runs key.
   */
  readonly startsRuns: boolean;
  /**
   * Keeps EventBridge Scheduler in step with schedules (`Schedules.grantSync`): SCHEDULE_GROUP,
   * SCHEDULE_FIRE_FUNCTION_ARN, SCHEDULER_ROLE_ARN, SCHEDULE_DLQ_ARN, schedule calls in the group and
   * PassRole on the Scheduler role.
   */
  readonly syncsSchedules: boolean;
  /**
   * Keeps one EventBridge rule per trigger (`Triggers.grantSync`): TRIGGER_FIRE_FUNCTION_ARN,
   * TRIGGER_DLQ_ARN, rule calls on `trigger-*` rules of the bus, targets only at the fire Lambda.
   */
  readonly syncsTriggers?: boolean;
  /** Marks accepted webhook calls against replays: PutItem and DeleteItem on `HOOK#…` items only (core/triggers/webhook.ts). */
  readonly claimsWebhookCalls?: boolean;
  /**
   * Webhook secrets of triggers, sealed with the runs key (`Runs.grantTriggerSecrets`): RUNS_KMS_KEY_ID
   * and `seal` (GenerateDataKey + Decrypt) or `open` (Decrypt) with an encryption context.
   */
  readonly triggerSecrets: 'none' | 'seal' | 'open';
}

/**
 * What each handler may touch, least privilege: a new handler name in core/routes.ts does not
 * compile until it is listed here. It covers the handler's own adapters and what the shared chain
 * in lambdas/api/http.ts does for its routes (`chainAccess`; synth fails when an entry lacks it).
 */
export const handlerAccess = {
  health: { data: 'none', publishEvents: false, userPool: [], credentialSecrets: 'none', reachesHosts: false, startsRuns: false, syncsSchedules: false, triggerSecrets: 'none' },
  // Its only route (me:read) is open to every principal: the chain never reads or denies.
  me: { data: 'read', publishEvents: false, userPool: [], credentialSecrets: 'none', reachesHosts: false, startsRuns: false, syncsSchedules: false, triggerSecrets: 'none' },
  // Deleting a project also deletes its memberships and API keys.
  projects: { data: 'readWrite', publishEvents: true, userPool: [], credentialSecrets: 'none', reachesHosts: false, startsRuns: false, syncsSchedules: false, triggerSecrets: 'none' },
  // Memberships and account blocks in the table; invite, list, enable/disable, groups, delete in Cognito.
  users: {
    data: 'readWrite',
    publishEvents: true,
    userPool: [
      'AdminCreateUser',
      'AdminGetUser',
      'AdminDisableUser',
      'AdminEnableUser',
      'AdminDeleteUser',
      'AdminUserGlobalSignOut',
      'AdminAddUserToGroup',
      'AdminRemoveUserFromGroup',
      'AdminListGroupsForUser',
      'ListUsers',
    ],
    credentialSecrets: 'none',
    reachesHosts: false,
    startsRuns: false,
    syncsSchedules: false, triggerSecrets: 'none',
  },
  // Adding a member checks the user exists: directory.get is AdminGetUser + AdminListGroupsForUser.
  members: {
    data: 'readWrite',
    publishEvents: true,
    userPool: ['AdminGetUser', 'AdminListGroupsForUser'],
    credentialSecrets: 'none',
    reachesHosts: false,
    startsRuns: false,
    syncsSchedules: false, triggerSecrets: 'none',
  },
  'api-keys': { data: 'readWrite', publishEvents: true, userPool: [], credentialSecrets: 'none', reachesHosts: false, startsRuns: false, syncsSchedules: false, triggerSecrets: 'none' },
  // The pool's MFA mode only; its routes are global, so the chain never reads memberships.
  settings: {
    data: 'none',
    publishEvents: true,
    userPool: ['GetUserPoolMfaConfig', 'SetUserPoolMfaConfig'],
    credentialSecrets: 'none',
    reachesHosts: false,
    startsRuns: false,
    syncsSchedules: false, triggerSecrets: 'none',
  },
  // Credential metadata in the table, material into the vault: it writes secrets and cannot read them back.
  credentials: { data: 'readWrite', publishEvents: true, userPool: [], credentialSecrets: 'write', reachesHosts: false, startsRuns: false, syncsSchedules: false, triggerSecrets: 'none' },
  // A connection test reads the target's credential material and dials the host; discovery dials a /22 at most.
  targets: { data: 'readWrite', publishEvents: true, userPool: [], credentialSecrets: 'read', reachesHosts: true, startsRuns: false, syncsSchedules: false, triggerSecrets: 'none' },
  jobs: { data: 'readWrite', publishEvents: true, userPool: [], credentialSecrets: 'none', reachesHosts: false, startsRuns: false, syncsSchedules: false, triggerSecrets: 'none' },
  // Runs and their hosts and output in the table; starting (and retrying) seals secure values and starts the state machine.
  runs: { data: 'readWrite', publishEvents: true, userPool: [], credentialSecrets: 'none', reachesHosts: false, startsRuns: true, syncsSchedules: false, triggerSecrets: 'none' },
  // Reads audit records only (the audit consumer in cdk/lib/audit.ts writes them); no route writes or deletes one.
  audit: { data: 'read', publishEvents: true, userPool: [], credentialSecrets: 'none', reachesHosts: false, startsRuns: false, syncsSchedules: false, triggerSecrets: 'none' },
  // The catalog and the pattern tester compute from core alone; their permission denies nobody signed in.
  events: { data: 'none', publishEvents: false, userPool: [], credentialSecrets: 'none', reachesHosts: false, startsRuns: false, syncsSchedules: false, triggerSecrets: 'none' },
  // Schedules in the table (and the job they name, read to check parameters), and one Scheduler schedule each; the fire Lambda (cdk/lib/schedules.ts) starts the runs.
  schedules: { data: 'readWrite', publishEvents: true, userPool: [], credentialSecrets: 'none', reachesHosts: false, startsRuns: false, syncsSchedules: true, triggerSecrets: 'none' },
  // Triggers in the table (and the job they name); webhook secrets sealed with the runs key (context: the trigger id); one EventBridge rule per trigger (cdk/lib/triggers.ts fires them).
  triggers: { data: 'readWrite', publishEvents: true, userPool: [], credentialSecrets: 'none', reachesHosts: false, startsRuns: false, syncsSchedules: false, syncsTriggers: true, triggerSecrets: 'seal' },
  // The public webhook route: reads the trigger, opens its sealed secret to check the HMAC, marks the call against replays (HOOK# items only), publishes Webhook Received. No authorizer, so no membership reads or denials.
  hooks: { data: 'read', publishEvents: true, userPool: [], credentialSecrets: 'none', reachesHosts: false, startsRuns: false, syncsSchedules: false, claimsWebhookCalls: true, triggerSecrets: 'open' },
  // Channels, rules and the delivery log in the table; channel secrets sealed with the runs key like trigger webhook secrets (context: the channel id; a test send opens them). SES for test sends is granted by cdk/lib/notifications.ts.
  notifications: { data: 'readWrite', publishEvents: true, userPool: [], credentialSecrets: 'none', reachesHosts: false, startsRuns: false, syncsSchedules: false, triggerSecrets: 'seal' },
} as const satisfies Record<HandlerName, HandlerAccess>;

/** A signed-in user with no group: whom the policy denies a permission to, if it denies anyone. */
const ordinaryUser: Principal = { type: 'user', sub: 'ordinary', username: 'ordinary', groups: [] };

/**
 * What lambdas/api/http.ts does before a handler's operations run: project-scoped routes read the
 * caller's membership (GetItem), and a route the policy can deny publishes `Access Denied`.
 */
export const chainAccess = (name: HandlerName): { readsMemberships: boolean; publishesDenials: boolean } => {
  const guarded = routesOf(name).flatMap((r) => (r.permission === 'public' ? [] : [r.permission]));
  const projectScoped = guarded.some((p) => permissionScope(p) === 'project');
  return {
    readsMemberships: projectScoped,
    publishesDenials: projectScoped || guarded.some((p) => decide(ordinaryUser, p).effect === 'deny'),
  };
};

/** Path to an API handler's entry: lambdas/api/<name>/index.ts, exporting `handler`. */
export const apiHandlerEntry = (name: HandlerName): string => `lambdas/api/${name}/index.ts`;
export const authorizerEntry = 'lambdas/authorizer/index.ts';
/** The usage plan's name, which the authorizer looks its id up by (unique: it carries the stack name). */
export const usagePlanNameOf = (stackName: string): string => `${stackName}-callers`;

/**
 * The public REST API, built from the one route table in core/routes.ts: one function per handler
 * name, one method per route, the Lambda REQUEST authorizer on every non-public route.
 */
export class Api extends Construct {
  readonly restApi: RestApi;
  readonly handlers: ReadonlyMap<HandlerName, ServiceFunction>;
  readonly authorizerFunction: ServiceFunction;
  /** Throttles each caller (user or API key) by the usage-plan key the authorizer names. */
  readonly usagePlan: UsagePlan;
  /** https://<api id>.execute-api.<region>.amazonaws.com/<stage>, without a trailing slash. */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    const usagePlanName = usagePlanNameOf(Stack.of(this).stackName);
    this.authorizerFunction = new ServiceFunction(this, 'Authorizer', {
      entry: authorizerEntry,
      description: 'OpsConductor API authorizer: Cognito JWT (Bearer) or API key',
      timeout: Duration.seconds(5),
      environment: {
        TOKEN_ISSUER: props.tokenIssuer,
        TOKEN_CLIENT_ID: props.tokenClientId,
        TABLE_NAME: props.data.table.tableName,
        USAGE_PLAN_NAME: usagePlanName,
      },
    });
    // GetItem: API keys (APIKEY#…), user blocks (USER#…/ACCESS), usage keys (USAGEKEY#…);
    // UpdateItem: an API key's lastUsedAt; PutItem: a new usage key (conditional).
    props.data.grantItemActions(this.authorizerFunction.fn, 'GetItem', 'UpdateItem', 'PutItem');

    const handlers = new Map<HandlerName, ServiceFunction>();
    for (const name of handlerNames) {
      const access: HandlerAccess = handlerAccess[name];
      const chain = chainAccess(name);
      if ((chain.readsMemberships && access.data === 'none') || (chain.publishesDenials && !access.publishEvents)) {
        throw new Error(`handlerAccess.${name} lacks what lambdas/api/http.ts needs for its routes: ${JSON.stringify(chain)}`);
      }
      const fn = new ServiceFunction(this, `${pascal(name)}Handler`, {
        entry: apiHandlerEntry(name),
        description: `OpsConductor API: ${name} routes`,
        environment: {
          TABLE_NAME: props.data.table.tableName,
          EVENT_BUS_NAME: props.bus.eventBusName,
          CONSOLE_ORIGIN: props.consoleOrigin,
          ...(access.userPool.length > 0 ? { USER_POOL_ID: props.userPool.userPoolId } : {}),
          ...(access.credentialSecrets === 'none'
            ? {}
            : {
                CREDENTIALS_KMS_KEY_ID: props.inventory.credentialsKey.keyArn,
                // Resolved at synth from every reader granted (this stack's connection test; the runner's task role when it exists).
                CREDENTIAL_READER_ROLE_ARNS: props.inventory.readerRoleArns,
              }),
        },
        ...(access.reachesHosts
          ? {
              // A connection test allows 10 s to connect and 10 s for its command; API Gateway waits 29 s at most.
              timeout: Duration.seconds(29),
              // ssh2 runs its key exchange in pure JS (no native add-on): more memory buys more CPU.
              memorySize: 1024,
              network: { vpc: props.network.vpc, subnets: props.network.hostSubnets, securityGroups: [props.network.hostAccess] },
            }
          : {}),
      });
      if (access.data === 'readWrite') props.data.grantReadWrite(fn.fn);
      if (access.data === 'read') props.data.grantRead(fn.fn);
      if (access.publishEvents) props.bus.grantPutEventsTo(fn.fn);
      if (access.userPool.length > 0) props.userPool.grant(fn.fn, ...access.userPool.map((a) => `cognito-idp:${a}`));
      if (access.credentialSecrets === 'write') props.inventory.grantCredentialWrite(fn.role);
      if (access.credentialSecrets === 'read') props.inventory.grantCredentialRead(fn.role);
      if (access.startsRuns) props.runs.grantStartRuns(fn);
      if (access.syncsSchedules) props.schedules.grantSync(fn);
      if (access.syncsTriggers === true) props.triggers.grantSync(fn);
      if (access.claimsWebhookCalls === true) props.data.grantItemActionsUnder(fn.fn, 'HOOK#', 'PutItem', 'DeleteItem');
      if (access.triggerSecrets !== 'none') props.runs.grantTriggerSecrets(fn, access.triggerSecrets);
      handlers.set(name, fn);
    }
    this.handlers = handlers;

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: functionLogRetention });

    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: 'opsconductor',
      description: 'OpsConductor public API (v1)',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
      // Usage plans meter the key the authorizer names (usageIdentifierKey); clients send none.
      apiKeySourceType: ApiKeySourceType.AUTHORIZER,
      // Execution logging needs the account-level API Gateway CloudWatch role; kept on stack deletion
      // because the account setting is shared with every other REST API in the region.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: apiStageName,
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(JSON.stringify(accessLogFields)),
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        metricsEnabled: true,
        tracingEnabled: true,
        throttlingRateLimit: stageRateLimit.ratePerSecond,
        throttlingBurstLimit: stageRateLimit.burst,
      },
      defaultCorsPreflightOptions: {
        allowOrigins: [props.consoleOrigin],
        allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        allowHeaders: corsAllowHeaders,
        maxAge: Duration.minutes(10),
      },
    });
    addGatewayResponses(this.restApi, props.consoleOrigin);

    const authorizer = new RequestAuthorizer(this, 'RequestAuthorizer', {
      authorizerName: 'opsconductor',
      handler: this.authorizerFunction.fn,
      // The authorizer reads Authorization or X-Api-Key itself and answers a missing token with
      // 401, so no identity source is required; caching stays off so revocation is immediate.
      identitySources: [],
      resultsCacheTtl: Duration.seconds(0),
    });
    // CDK renders an empty identity source list as ""; API Gateway wants the property absent.
    (authorizer.node.defaultChild as CfnAuthorizer).addPropertyDeletionOverride('IdentitySource');

    for (const route of routes) {
      const fn = handlers.get(route.handler);
      if (!fn) throw new Error(`Route ${route.id} names unknown handler ${route.handler}`);
      const method = this.restApi.root
        .resourceForPath(route.path)
        .addMethod(
          route.method,
          // One invoke permission per function for this API, not one per method: a CloudFormation stack
          // holds at most 500 resources, and 140 methods would spend most of them on permissions.
          new LambdaIntegration(fn.fn, { scopePermissionToMethod: false }),
          route.permission === 'public'
            ? { operationName: route.id, authorizationType: AuthorizationType.NONE, apiKeyRequired: false }
            : { operationName: route.id, authorizationType: AuthorizationType.CUSTOM, authorizer, apiKeyRequired: true },
        );
      if (route.permission === 'public') {
        acknowledge(method, {
          id: 'AwsSolutions-APIG4',
          reason:
            route.handler === 'hooks'
              ? `${route.method} ${route.path} is public by design in core/routes.ts: webhook senders authenticate with an HMAC-SHA256 signature of the body, checked by the handler; it returns no data.`
              : `${route.method} ${route.path} is public by design in core/routes.ts (load balancer / uptime checks); it returns no data.`,
        });
      }
      acknowledge(method, {
        id: 'AwsSolutions-COG4',
        reason:
          'The Lambda REQUEST authorizer replaces a Cognito authorizer: it verifies Cognito access tokens (aws-jwt-verify: signature, issuer, client, token use, expiry).',
      });
    }

    this.usagePlan = this.restApi.addUsagePlan('UsagePlan', {
      name: usagePlanName,
      description: 'OpsConductor: one usage-plan key per user and per project API key, made by the authorizer',
      throttle: { rateLimit: defaultRateLimit.ratePerSecond, burstLimit: defaultRateLimit.burst },
      apiStages: [{ stage: this.restApi.deploymentStage }],
    });
    this.grantUsageKeys(usagePlanName);

    this.baseUrl = `https://${this.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${apiStageName}`;

    acknowledge(this.restApi, {
      id: 'AwsSolutions-APIG2',
      reason:
        'Bodies, paths and queries are validated in the handlers with the shared zod schemas, which answer our error shape with field details; API Gateway validators would not.',
    });
    acknowledge(this.restApi, {
      id: 'AwsSolutions-APIG3',
      reason:
        'WAF is left to operators (account-level web ACLs / Firewall Manager); stage throttling and the per-caller usage plan limit abuse meanwhile.',
    });
    const cloudWatchRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      acknowledge(cloudWatchRole, {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'The AWS-managed policy API Gateway documents for its account-level CloudWatch logging role; it only writes logs.',
      });
    }
  }

  /**
   * The authorizer makes usage-plan keys (adapters/aws/api-gateway-usage-keys.ts): GetUsagePlans to
   * find the plan by name, CreateApiKey, CreateUsagePlanKey on this plan, DeleteApiKey for a key it
   * lost a creation race with. A policy of its own, not the role's default policy: the function
   * waits for its default policy, and this one names the plan, which waits (stage, deployment,
   * methods, authorizer) for the function.
   */
  private grantUsageKeys(usagePlanName: string): void {
    const role = this.authorizerFunction.fn.role;
    if (!role) throw new Error('The authorizer function has no role');
    const apigateway = (path: string) => `arn:${Aws.PARTITION}:apigateway:${Aws.REGION}::${path}`;
    const policy = new Policy(this, 'AuthorizerUsageKeys', {
      roles: [role],
      statements: [
        new PolicyStatement({ actions: ['apigateway:GET'], resources: [apigateway('/usageplans')] }),
        new PolicyStatement({
          actions: ['apigateway:POST'],
          resources: [apigateway('/apikeys'), apigateway(`/usageplans/${this.usagePlan.usagePlanId}/keys`)],
        }),
        new PolicyStatement({ actions: ['apigateway:DELETE'], resources: [apigateway('/apikeys/*')] }),
      ],
    });
    acknowledge(policy, {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:apigateway:<AWS::Region>::/apikeys/*]',
      reason: `DeleteApiKey on keys the authorizer itself made a moment before (ids are only known at run time), to undo one that lost a creation race for a caller of plan ${usagePlanName}.`,
    });
  }
}

/** health → Health, api-keys → ApiKeys. */
const pascal = (s: string): string =>
  s
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/** One JSON object per request in the access log group. */
const accessLogFields = {
  requestId: '$context.requestId',
  extendedRequestId: '$context.extendedRequestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  httpMethod: '$context.httpMethod',
  resourcePath: '$context.resourcePath',
  path: '$context.path',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integration.latency',
  integrationStatus: '$context.integration.status',
  principalId: '$context.authorizer.principalId',
  authorizerStatus: '$context.authorizer.status',
  authorizerError: '$context.authorizer.error',
  errorMessage: '$context.error.message',
  errorType: '$context.error.responseType',
  xrayTraceId: '$context.xrayTraceId',
};
