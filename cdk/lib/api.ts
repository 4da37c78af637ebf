import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  AccessLogFormat,
  AuthorizationType,
  EndpointType,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  RequestAuthorizer,
  RestApi,
} from 'aws-cdk-lib/aws-apigateway';
import type { CfnAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { handlerNames, routes, type HandlerName } from '../../core/routes';
import type { Data } from './data';
import { ServiceFunction, functionLogRetention } from './function';
import { addGatewayResponses } from './gateway-responses';
import { acknowledge } from './nag';

export interface ApiProps {
  readonly data: Data;
  readonly bus: EventBus;
  /** Token issuer and audience the authorizer verifies Cognito JWTs against. */
  readonly tokenIssuer: string;
  readonly tokenClientId: string;
  /** https://<console host>: the only origin CORS allows. */
  readonly consoleOrigin: string;
}

export const apiStageName = 'prod';
export const apiThrottling = { rateLimit: 50, burstLimit: 100 } as const;
/** Headers the console may send (mirrors the CORS middleware in lambdas/api/http.ts). */
export const corsAllowHeaders = ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Api-Key'];

/**
 * What each handler may touch, least privilege: a new handler name in core/routes.ts does not
 * compile until it is listed here.
 */
export const handlerAccess = {
  health: { data: 'none', publishEvents: false },
  me: { data: 'read', publishEvents: false },
  projects: { data: 'readWrite', publishEvents: true },
} as const satisfies Record<HandlerName, { data: 'none' | 'read' | 'readWrite'; publishEvents: boolean }>;

/** Path to an API handler's entry: lambdas/api/<name>/index.ts, exporting `handler`. */
export const apiHandlerEntry = (name: HandlerName): string => `lambdas/api/${name}/index.ts`;
export const authorizerEntry = 'lambdas/authorizer/index.ts';

/**
 * The public REST API, built from the one route table in core/routes.ts: one function per handler
 * name, one method per route, the Lambda REQUEST authorizer on every non-public route.
 */
export class Api extends Construct {
  readonly restApi: RestApi;
  readonly handlers: ReadonlyMap<HandlerName, ServiceFunction>;
  readonly authorizerFunction: ServiceFunction;
  /** https://<api id>.execute-api.<region>.amazonaws.com/<stage>, without a trailing slash. */
  readonly baseUrl: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);

    this.authorizerFunction = new ServiceFunction(this, 'Authorizer', {
      entry: authorizerEntry,
      description: 'OpsConductor API authorizer: Cognito JWT (Bearer) or API key',
      timeout: Duration.seconds(5),
      environment: { TOKEN_ISSUER: props.tokenIssuer, TOKEN_CLIENT_ID: props.tokenClientId },
    });

    const handlers = new Map<HandlerName, ServiceFunction>();
    for (const name of handlerNames) {
      const fn = new ServiceFunction(this, `${pascal(name)}Handler`, {
        entry: apiHandlerEntry(name),
        description: `OpsConductor API: ${name} routes`,
        environment: {
          TABLE_NAME: props.data.table.tableName,
          EVENT_BUS_NAME: props.bus.eventBusName,
          CONSOLE_ORIGIN: props.consoleOrigin,
        },
      });
      const access = handlerAccess[name];
      if (access.data === 'readWrite') props.data.grantReadWrite(fn.fn);
      if (access.data === 'read') props.data.grantRead(fn.fn);
      if (access.publishEvents) props.bus.grantPutEventsTo(fn.fn);
      handlers.set(name, fn);
    }
    this.handlers = handlers;

    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: functionLogRetention });

    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: 'opsconductor',
      description: 'OpsConductor public API (v1)',
      endpointConfiguration: { types: [EndpointType.REGIONAL] },
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
        throttlingRateLimit: apiThrottling.rateLimit,
        throttlingBurstLimit: apiThrottling.burstLimit,
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
          new LambdaIntegration(fn.fn, { allowTestInvoke: false }),
          route.permission === 'public'
            ? { operationName: route.id, authorizationType: AuthorizationType.NONE }
            : { operationName: route.id, authorizationType: AuthorizationType.CUSTOM, authorizer },
        );
      if (route.permission === 'public') {
        acknowledge(method, {
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design in core/routes.ts (load balancer / uptime checks); it returns no data.`,
        });
      }
      acknowledge(method, {
        id: 'AwsSolutions-COG4',
        reason:
          'The Lambda REQUEST authorizer replaces a Cognito authorizer: it verifies Cognito access tokens (aws-jwt-verify: signature, issuer, client, token use, expiry).',
      });
    }

    this.baseUrl = `https://${this.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${apiStageName}`;

    acknowledge(this.restApi, {
      id: 'AwsSolutions-APIG2',
      reason:
        'Bodies, paths and queries are validated in the handlers with the shared zod schemas, which answer our error shape with field details; API Gateway validators would not.',
    });
    acknowledge(this.restApi, {
      id: 'AwsSolutions-APIG3',
      reason: 'WAF is left to operators (account-level web ACLs / Firewall Manager); stage throttling limits abuse meanwhile.',
    });
    const cloudWatchRole = this.restApi.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      acknowledge(cloudWatchRole, {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason: 'The AWS-managed policy API Gateway documents for its account-level CloudWatch logging role; it only writes logs.',
      });
    }
  }
}

const pascal = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

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
