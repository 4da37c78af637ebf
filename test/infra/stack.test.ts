import { existsSync } from 'node:fs';
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { chainAccess, handlerAccess, usagePlanNameOf, type HandlerAccess } from '../../cdk/lib/api';
import { auditMaxEventAge, auditRetryAttempts } from '../../cdk/lib/audit';
import { consoleDistDir } from '../../cdk/lib/console';
import { eventArchiveRetention, eventBusName } from '../../cdk/lib/events';
import { gatewayErrors } from '../../cdk/lib/gateway-responses';
import { Inventory, credentialKeyActions, credentialSecretActions, credentialSecretPrefix } from '../../cdk/lib/inventory';
import { Network, defaultVpcCidr, flowLogRetention } from '../../cdk/lib/network';
import { scheduleSyncActions } from '../../cdk/lib/schedules';
import { fromRoot } from '../../cdk/lib/paths';
import { secretName } from '../../adapters/aws/secrets-manager-vault';
import { table } from '../../core/data-model';
import { handlerNames, routes } from '../../core/routes';
import { defaultRateLimit, stageRateLimit } from '../../core/throttling';
import { removeTestApps, resourceQueries, synthOpsConductor, testApp, type GetAtt, type Resource, type Statement } from '../support/template';

type Ref = { Ref: string };

const ref = (logicalId: string): Ref => ({ Ref: logicalId });

let template: Template;
let resources: Record<string, Resource>;
let close: () => void;
const { ofType, props, only, functionNamed, roleOfFunction: roleOf, statementsOfRole, actionsOf, envOf } = resourceQueries(() => resources);
/** The KMS key whose description starts so (the table key, the credentials key). */
const keyNamed = (prefix: string): [string, Resource] => {
  const found = ofType('AWS::KMS::Key').filter(([, r]) => String(props(r).Description).startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
};
const tableKeyId = () => keyNamed('OpsConductor: encrypts the single DynamoDB table')[0];
const credentialsKeyId = () => keyNamed('OpsConductor: encrypts credential material')[0];

/** The runner's task role (cdk/lib/runner.ts): the other reader of credential material. */
const runnerTaskRole = (): string => (props(only('AWS::ECS::TaskDefinition')[1]).TaskRoleArn as GetAtt)['Fn::GetAtt'][0];
/** CREDENTIAL_READER_ROLE_ARNS as the template writes it: the runner's task role, then the targets function's role. */
const readerRoleArns = () => ({
  'Fn::Join': ['', [{ 'Fn::GetAtt': [runnerTaskRole(), 'Arn'] }, ',', { 'Fn::GetAtt': [roleOf(apiFunction('targets')[1]), 'Arn'] }]],
});

/** The statements of the policies attached to a function's role. */
const statementsOf = (fn: Resource): Statement[] => statementsOfRole(roleOf(fn));
const apiFunction = (name: string) => functionNamed(`OpsConductor API: ${name} routes`);
const listOf = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
/** arn:<partition>:secretsmanager:<region>:<account>:secret:opsconductor/credentials/* as the template writes it. */
const credentialSecretsArn = {
  'Fn::Join': [
    '',
    ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:secret:${credentialSecretPrefix}/*`],
  ],
};
const [tableId, userPoolId, busId] = ['AWS::DynamoDB::Table', 'AWS::Cognito::UserPool', 'AWS::Events::EventBus'].map(
  (type) => () => only(type)[0],
) as [() => string, () => string, () => string];

beforeAll(() => {
  // Bundling is skipped, cdk-nag is enforced: synthesis throws on any unacknowledged finding.
  ({ template, resources, close } = synthOpsConductor('opsc-stack-'));
});
afterAll(() => {
  close();
  removeTestApps();
});

describe('data', () => {
  it('creates the single table with the keys and indexes of core/data-model.ts', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: table.partitionKey, KeyType: 'HASH' },
        { AttributeName: table.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: table.partitionKey, AttributeType: 'S' },
        { AttributeName: table.sortKey, AttributeType: 'S' },
      ]),
      GlobalSecondaryIndexes: table.indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      DeletionProtectionEnabled: true,
    });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
  });

  it('encrypts the table with a customer-managed, rotating KMS key', () => {
    const [keyId, key] = keyNamed('OpsConductor: encrypts the single DynamoDB table');
    expect(props(key).EnableKeyRotation).toBe(true);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
    // The table key, the credentials key and the runs key (cdk/lib/runs.ts).
    expect(ofType('AWS::KMS::Key')).toHaveLength(3);
  });
});

describe('identity', () => {
  it('has a user pool with optional TOTP-only MFA, no self sign-up and deletion protection', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: Match.objectLike({ AllowAdminCreateUserOnly: true }),
      AliasAttributes: ['email'],
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
      DeletionProtection: 'ACTIVE',
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', { GroupName: 'admins' });
  });

  it('has a public console client signing in with USER_PASSWORD_AUTH and refresh tokens', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 30 * 24 * 60,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    });
  });
});

describe('events', () => {
  it('has the custom bus with an archive for replay', () => {
    const [busId] = only('AWS::Events::EventBus');
    template.hasResourceProperties('AWS::Events::EventBus', { Name: eventBusName });
    template.hasResourceProperties('AWS::Events::Archive', {
      SourceArn: { 'Fn::GetAtt': [busId, 'Arn'] },
      RetentionDays: eventArchiveRetention.toDays(),
    });
  });
});

describe('audit', () => {
  const consumer = () => functionNamed('OpsConductor audit trail: one record per event');
  /** The queue the audit rule dead-letters to (the schedules construct has a queue of its own). */
  const auditQueue = (): [string, Resource] => {
    const [fnId] = consumer();
    const rule = ofType('AWS::Events::Rule').find(([, r]) => JSON.stringify(props(r).Targets).includes(`"${fnId}"`))?.[1];
    const queueArn = JSON.stringify((props(rule ?? { Type: '' }).Targets as { DeadLetterConfig?: unknown }[] | undefined)?.[0]?.DeadLetterConfig ?? null);
    const found = ofType('AWS::SQS::Queue').filter(([id]) => queueArn.includes(`"${id}"`));
    expect(found).toHaveLength(1);
    return found[0] as [string, Resource];
  };
  const queueId = () => auditQueue()[0];

  it('sends every opsconductor.* event on the bus to the audit consumer, with retries and a dead-letter queue', () => {
    const [fnId] = consumer();
    const rules = ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(props(r).Targets).includes(`"${fnId}"`));
    expect(rules).toHaveLength(1);
    const rule = props((rules[0] as [string, Resource])[1]);
    expect(rule.EventBusName).toEqual(ref(busId()));
    expect(rule.EventPattern).toEqual({ source: [{ prefix: 'opsconductor.' }] });
    expect(rule.Targets).toEqual([
      expect.objectContaining({
        Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId(), 'Arn'] } },
        RetryPolicy: { MaximumRetryAttempts: auditRetryAttempts, MaximumEventAgeInSeconds: auditMaxEventAge.toSeconds() },
      }),
    ]);
    // Failures inside the function (asynchronous invocation) go to the same queue (the consumer may send to it: sqs:SendMessage).
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: ref(fnId),
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId(), 'Arn'] } } },
    });
  });

  it('encrypts the dead-letter queue, refuses plain HTTP to it, and alarms on any message in it', () => {
    const [id, queue] = auditQueue();
    expect(props(queue).SqsManagedSseEnabled).toBe(true);
    const policies = ofType('AWS::SQS::QueuePolicy').filter(([, r]) => JSON.stringify(props(r).Queues).includes(`"${id}"`));
    const statements = policies.flatMap(([, r]) => (props(r).PolicyDocument as { Statement: Statement[] }).Statement);
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it("lets the consumer put items in the table and read one (a project's retention), nothing else (no query, update or delete)", () => {
    const [, fn] = consumer();
    const statements = statementsOf(fn);
    const data = statements.filter((x) => /dynamodb:|kms:/.test(JSON.stringify(x.Action)));
    expect(actionsOf(data)).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'kms:Decrypt']);
    for (const s of data) expect(listOf(s.Resource)).toEqual([{ 'Fn::GetAtt': [JSON.stringify(s.Action).includes('kms') ? tableKeyId() : tableId(), 'Arn'] }]);
    expect(actionsOf(statements).filter((a) => !/^(dynamodb:(PutItem|GetItem)|kms:Decrypt|xray:.*|sqs:(SendMessage|GetQueueAttributes|GetQueueUrl))$/.test(a))).toEqual([]);
    expect(envOf(fn)).toMatchObject({ TABLE_NAME: ref(tableId()), AUDIT_RETENTION_DAYS: '365' });
  });
});

describe('api', () => {
  /** Full path of every API Gateway resource, rebuilt from PathPart and ParentId. */
  const resourcePaths = (): Map<string, string> => {
    const parts = new Map(ofType('AWS::ApiGateway::Resource').map(([id, r]) => [id, props(r)] as const));
    const pathOf = (id: string): string => {
      const p = parts.get(id);
      if (!p) throw new Error(`unknown resource ${id}`);
      const parent = p.ParentId as Ref | GetAtt;
      const prefix = 'Ref' in parent ? pathOf(parent.Ref) : '';
      return `${prefix}/${String(p.PathPart)}`;
    };
    return new Map([...parts.keys()].map((id) => [id, pathOf(id)]));
  };

  const methods = () => {
    const paths = resourcePaths();
    return ofType('AWS::ApiGateway::Method').map(([id, r]) => {
      const p = props(r);
      const resourceId = p.ResourceId as Ref | GetAtt;
      const path = 'Ref' in resourceId ? paths.get(resourceId.Ref) : '/';
      return { id, method: String(p.HttpMethod), path, props: p };
    });
  };

  it('has exactly one method per route in core/routes.ts, plus CORS preflights', () => {
    const found = methods();
    const routed = found.filter((m) => m.method !== 'OPTIONS').map((m) => `${m.method} ${String(m.path)}`);
    expect(routed.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
    const preflights = found.filter((m) => m.method === 'OPTIONS');
    expect(preflights.length).toBeGreaterThan(0);
    for (const m of preflights) expect(m.props.Integration).toMatchObject({ Type: 'MOCK' });
  });

  it('integrates every route with its own handler function', () => {
    const found = methods();
    for (const route of routes) {
      const m = found.find((x) => x.method === route.method && x.path === route.path);
      const uri = JSON.stringify((m?.props.Integration as { Uri?: unknown } | undefined)?.Uri);
      const fn = ofType('AWS::Lambda::Function').find(([id]) => uri.includes(`"${id}"`));
      expect(m?.props.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
      expect(fn && props(fn[1]).Description).toBe(`OpsConductor API: ${route.handler} routes`);
    }
  });

  it('lets API Gateway invoke each handler function from this API only, with one permission per function', () => {
    const [apiId] = only('AWS::ApiGateway::RestApi');
    for (const name of handlerNames) {
      const [fnId] = apiFunction(name);
      const permissions = ofType('AWS::Lambda::Permission').filter(([, r]) => JSON.stringify(props(r).FunctionName).includes(`"${fnId}"`));
      expect(permissions).toHaveLength(1);
      const [[, permission]] = permissions as [[string, Resource]];
      const p = props(permission);
      expect(p).toMatchObject({ Action: 'lambda:InvokeFunction', Principal: 'apigateway.amazonaws.com' });
      expect(JSON.stringify(p.SourceArn)).toContain(`"${apiId}"`);
    }
  });

  it('stays well under the 500 resources a CloudFormation stack may hold', () => {
    expect(Object.keys(resources).length).toBeLessThan(460);
  });

  it('puts the Lambda REQUEST authorizer on every non-public route, and only there', () => {
    const [authorizerId] = only('AWS::ApiGateway::Authorizer');
    const found = methods();
    for (const route of routes) {
      const m = found.find((x) => x.method === route.method && x.path === route.path);
      if (route.permission === 'public') {
        expect({ route: route.id, auth: m?.props.AuthorizationType, authorizer: m?.props.AuthorizerId }).toEqual({
          route: route.id,
          auth: 'NONE',
          authorizer: undefined,
        });
      } else {
        expect({ route: route.id, auth: m?.props.AuthorizationType, authorizer: m?.props.AuthorizerId }).toEqual({
          route: route.id,
          auth: 'CUSTOM',
          authorizer: ref(authorizerId),
        });
      }
    }
    expect(routes.filter((r) => r.permission === 'public').map((r) => `${r.method} ${r.path}`)).toEqual(['GET /health', 'POST /v1/hooks/{triggerId}']);
  });

  it('configures the authorizer without caching or identity sources', () => {
    const [, authorizer] = only('AWS::ApiGateway::Authorizer');
    expect(props(authorizer)).toMatchObject({ Type: 'REQUEST', AuthorizerResultTtlInSeconds: 0 });
    expect(props(authorizer)).not.toHaveProperty('IdentitySource');
  });

  it('rewrites gateway responses to the error body shape with CORS headers', () => {
    const types = ofType('AWS::ApiGateway::GatewayResponse').map(([, r]) => props(r).ResponseType);
    expect(types).toEqual(expect.arrayContaining(['UNAUTHORIZED', 'ACCESS_DENIED', 'DEFAULT_4XX', 'DEFAULT_5XX']));
    expect(types).toHaveLength(gatewayErrors.length);
    for (const [, r] of ofType('AWS::ApiGateway::GatewayResponse')) {
      const p = props(r);
      const body = (p.ResponseTemplates as Record<string, string>)['application/json'] ?? '';
      expect(body).toMatch(/^\{"error":\{"code":"[A-Z_]+","message":.+,"details":\{"requestId":"\$context\.requestId"\}\}\}$/);
      expect(p.ResponseParameters).toHaveProperty(['gatewayresponse.header.Access-Control-Allow-Origin']);
    }
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'UNAUTHORIZED',
      ResponseTemplates: {
        'application/json':
          '{"error":{"code":"UNAUTHORIZED","message":"Authentication is required.","details":{"requestId":"$context.requestId"}}}',
      },
    });
  });

  it('has a regional API with an access-logged, traced, throttled stage', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { EndpointConfiguration: { Types: ['REGIONAL'] } });
    const [, stage] = only('AWS::ApiGateway::Stage');
    const p = props(stage);
    expect(p.TracingEnabled).toBe(true);
    expect(p.MethodSettings).toEqual([
      expect.objectContaining({
        MetricsEnabled: true,
        ThrottlingRateLimit: stageRateLimit.ratePerSecond,
        ThrottlingBurstLimit: stageRateLimit.burst,
      }),
    ]);
    const access = p.AccessLogSetting as { DestinationArn: GetAtt; Format: string };
    expect(resources[access.DestinationArn['Fn::GetAtt'][0]]?.Type).toBe('AWS::Logs::LogGroup');
    expect(JSON.parse(access.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('uses the key the authorizer names for usage plans, and requires one on every non-public method', () => {
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
    const found = methods();
    for (const route of routes) {
      const m = found.find((x) => x.method === route.method && x.path === route.path);
      expect({ route: route.id, apiKeyRequired: m?.props.ApiKeyRequired === true }).toEqual({
        route: route.id,
        apiKeyRequired: route.permission !== 'public',
      });
    }
    const health = found.find((m) => m.method === 'GET' && m.path === '/health');
    expect(health?.props.ApiKeyRequired).toBe(false);
    for (const m of found.filter((x) => x.method === 'OPTIONS')) expect(m.props.ApiKeyRequired).not.toBe(true);
  });

  it('throttles each caller with one usage plan on the stage, from defaultRateLimit', () => {
    const [stageId] = only('AWS::ApiGateway::Stage');
    const [restApiId] = only('AWS::ApiGateway::RestApi');
    const [, plan] = only('AWS::ApiGateway::UsagePlan');
    expect(props(plan)).toMatchObject({
      UsagePlanName: usagePlanNameOf('OpsConductor'),
      Throttle: { RateLimit: defaultRateLimit.ratePerSecond, BurstLimit: defaultRateLimit.burst },
      ApiStages: [expect.objectContaining({ ApiId: ref(restApiId), Stage: ref(stageId) })],
    });
    expect(props(plan)).not.toHaveProperty('Quota');
    // Keys are made by the authorizer at run time, never by the template.
    expect(ofType('AWS::ApiGateway::ApiKey')).toEqual([]);
    expect(ofType('AWS::ApiGateway::UsagePlanKey')).toEqual([]);
  });

  it('builds every function on Node 22 / ARM64 with the env its role needs', () => {
    const apiFunctions = ofType('AWS::Lambda::Function').filter(([, r]) =>
      String(props(r).Description).startsWith('OpsConductor API'),
    );
    expect(apiFunctions).toHaveLength(handlerNames.length + 1);
    for (const [, fn] of apiFunctions) {
      expect(props(fn)).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: { Variables: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'opsconductor' } },
      });
    }
    for (const name of handlerNames) {
      const [, fn] = apiFunction(name);
      const env = (props(fn).Environment as { Variables: Record<string, unknown> }).Variables;
      expect(env).toMatchObject({ TABLE_NAME: ref(tableId()), EVENT_BUS_NAME: ref(busId()), CONSOLE_ORIGIN: expect.anything() as unknown });
      const needsPool = (handlerAccess[name] as HandlerAccess).userPool.length > 0;
      expect({ name, USER_POOL_ID: env.USER_POOL_ID }).toEqual({ name, USER_POOL_ID: needsPool ? ref(userPoolId()) : undefined });
      const vault = (handlerAccess[name] as HandlerAccess).credentialSecrets !== 'none';
      expect({ name, key: env.CREDENTIALS_KMS_KEY_ID, readers: env.CREDENTIAL_READER_ROLE_ARNS }).toEqual(
        vault
          ? { name, key: { 'Fn::GetAtt': [credentialsKeyId(), 'Arn'] }, readers: readerRoleArns() }
          : { name, key: undefined, readers: undefined },
      );
      const starts = (handlerAccess[name] as HandlerAccess).startsRuns;
      const seals = starts || (handlerAccess[name] as HandlerAccess).triggerSecrets !== 'none';
      expect({ name, STATE_MACHINE_ARN: env.STATE_MACHINE_ARN, RUNS_KMS_KEY_ID: env.RUNS_KMS_KEY_ID }).toEqual({
        name,
        STATE_MACHINE_ARN: starts ? ref(only('AWS::StepFunctions::StateMachine')[0]) : undefined,
        RUNS_KMS_KEY_ID: seals ? { 'Fn::GetAtt': [keyNamed('OpsConductor: seals')[0], 'Arn'] } : undefined,
      });
    }
    expect(handlerNames.filter((n) => (handlerAccess[n] as HandlerAccess).startsRuns)).toEqual(['runs']);
    expect(handlerNames.filter((n) => (handlerAccess[n] as HandlerAccess).triggerSecrets !== 'none')).toEqual(['triggers', 'hooks', 'notifications']);
    for (const name of handlerNames) {
      const env = envOf(apiFunction(name)[1]);
      const sync = ['SCHEDULE_GROUP', 'SCHEDULE_FIRE_FUNCTION_ARN', 'SCHEDULER_ROLE_ARN', 'SCHEDULE_DLQ_ARN'].filter((k) => k in env);
      expect({ name, sync: sync.length }).toEqual({ name, sync: (handlerAccess[name] as HandlerAccess).syncsSchedules ? 4 : 0 });
    }
    expect(['users', 'members', 'settings'].every((name) => (handlerAccess[name as 'users'] as HandlerAccess).userPool.length > 0)).toBe(true);
  });

  it('gives the authorizer its token, table and usage plan settings', () => {
    const [, authorizerFn] = functionNamed(/authorizer/);
    const [, plan] = only('AWS::ApiGateway::UsagePlan');
    expect((props(authorizerFn).Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      TOKEN_ISSUER: expect.anything() as unknown,
      TOKEN_CLIENT_ID: expect.anything() as unknown,
      TABLE_NAME: ref(tableId()),
      USAGE_PLAN_NAME: props(plan).UsagePlanName,
    });
  });

  it('grants the authorizer item reads and writes on the table only, and usage-key management on its plan', () => {
    const [, authorizerFn] = functionNamed(/authorizer/);
    const [planId] = only('AWS::ApiGateway::UsagePlan');
    const statements = statementsOf(authorizerFn);
    const apigateway = (path: unknown[]) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':apigateway:', { Ref: 'AWS::Region' }, ...path]] });

    expect(actionsOf(statements)).toEqual(
      [
        'apigateway:DELETE',
        'apigateway:GET',
        'apigateway:POST',
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'kms:Decrypt',
        'xray:PutTelemetryRecords',
        'xray:PutTraceSegments',
      ].sort(),
    );
    expect(statements).toEqual(
      expect.arrayContaining([
        { Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [tableId(), 'Arn'] } },
        { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [tableKeyId(), 'Arn'] } },
        { Action: 'apigateway:GET', Effect: 'Allow', Resource: apigateway(['::/usageplans']) },
        { Action: 'apigateway:POST', Effect: 'Allow', Resource: [apigateway(['::/apikeys']), apigateway(['::/usageplans/', ref(planId), '/keys'])] },
        { Action: 'apigateway:DELETE', Effect: 'Allow', Resource: apigateway(['::/apikeys/*']) },
      ]),
    );
  });

  it('keeps the usage plan out of everything the authorizer function waits for (no dependency cycle)', () => {
    const [, authorizerFn] = functionNamed(/authorizer/);
    const [planId] = only('AWS::ApiGateway::UsagePlan');
    const dependsOn = (authorizerFn as Resource & { DependsOn?: string[] }).DependsOn ?? [];
    expect(dependsOn.map((id) => resources[id]?.Type).sort()).toEqual(['AWS::IAM::Policy', 'AWS::IAM::Role']);
    for (const r of [authorizerFn, ...dependsOn.map((id) => resources[id])]) expect(JSON.stringify(r)).not.toContain(`"${planId}"`);
  });

  it('grants each handler its declared data, event, user-pool and run-starting access, and nothing else', () => {
    const readActions = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
    for (const name of handlerNames) {
      const statements = statementsOf(apiFunction(name)[1]);
      const actions = actionsOf(statements);
      const access: HandlerAccess = handlerAccess[name];
      expect({ name, read: readActions.every((a) => actions.includes(a)) }).toEqual({ name, read: access.data !== 'none' });
      // The hooks route may write webhook-call marks only: its PutItem is bound to HOOK# partition keys.
      expect({ name, write: actions.includes('dynamodb:PutItem') }).toEqual({ name, write: access.data === 'readWrite' || access.claimsWebhookCalls === true });
      if (access.data !== 'readWrite') {
        for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('dynamodb:PutItem'))) {
          expect({ name, s }).toEqual({
            name,
            s: { Action: ['dynamodb:PutItem', 'dynamodb:DeleteItem'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [tableId(), 'Arn'] }, Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['HOOK#*'] } } },
          });
        }
      }
      expect({ name, dynamodb: actions.some((a) => a.startsWith('dynamodb:')) }).toEqual({ name, dynamodb: access.data !== 'none' });
      expect({ name, kms: actions.some((a) => a.startsWith('kms:')) }).toEqual({ name, kms: access.data !== 'none' });
      expect({ name, putEvents: actions.includes('events:PutEvents') }).toEqual({ name, putEvents: access.publishEvents });
      expect({ name, cognito: actions.filter((a) => a.startsWith('cognito-idp:')) }).toEqual({
        name,
        cognito: access.userPool.map((a) => `cognito-idp:${a}`).sort(),
      });
      for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('cognito-idp:'))) {
        expect(s.Resource).toEqual({ 'Fn::GetAtt': [userPoolId(), 'Arn'] });
      }
      // Rule management (the triggers API's trigger-* rules) is tested in test/infra/triggers.test.ts.
      for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('events:PutEvents'))) {
        expect(s.Resource).toEqual({ 'Fn::GetAtt': [busId(), 'Arn'] });
      }
      expect({ name, rules: actions.some((a) => a.startsWith('events:') && a !== 'events:PutEvents') }).toEqual({ name, rules: access.syncsTriggers === true });
      expect({ name, secretsmanager: actions.filter((a) => a.startsWith('secretsmanager:')) }).toEqual({
        name,
        secretsmanager:
          access.credentialSecrets === 'none' ? [] : credentialSecretActions[access.credentialSecrets].map((a) => `secretsmanager:${a}`).sort(),
      });
      for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('secretsmanager:'))) {
        expect(s.Resource).toEqual(credentialSecretsArn);
      }
      // KMS in the roles' own policies is the table key's only; the credentials and runs keys are granted by their key policies.
      for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('kms:'))) {
        expect(s.Resource).toEqual({ 'Fn::GetAtt': [tableKeyId(), 'Arn'] });
      }
      expect({ name, states: statements.filter((x) => JSON.stringify(x.Action).includes('states:')) }).toEqual({
        name,
        states: access.startsRuns ? [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: ref(only('AWS::StepFunctions::StateMachine')[0]) }] : [],
      });
      // The statements themselves (this group's schedules, the Scheduler role to Scheduler only): test/infra/schedules.test.ts.
      expect({ name, sync: actions.filter((a) => /^(scheduler|iam):/.test(a)) }).toEqual({
        name,
        sync: access.syncsSchedules ? [...scheduleSyncActions, 'iam:PassRole'].sort() : [],
      });
      // SES for the notifications API's test sends, scoped to the sender: test/infra/notifications.test.ts.
      expect({ name, ses: actions.filter((a) => a.startsWith('ses:')) }).toEqual({ name, ses: name === 'notifications' ? ['ses:SendEmail', 'ses:SendRawEmail'] : [] });
      expect(actions.filter((a) => !/^(dynamodb|kms|events|cognito-idp|xray|secretsmanager|states|scheduler|iam|ses):/.test(a))).toEqual([]);
    }
    expect(handlerNames.filter((n) => (handlerAccess[n] as HandlerAccess).syncsSchedules)).toEqual(['schedules']);
  });

  it('declares the access the handler chain needs: membership reads for project routes, PutEvents where the policy can deny', () => {
    for (const name of handlerNames) {
      const access: HandlerAccess = handlerAccess[name];
      const chain = chainAccess(name);
      if (chain.readsMemberships) expect({ name, data: access.data }).not.toEqual({ name, data: 'none' });
      if (chain.publishesDenials) expect({ name, publishEvents: access.publishEvents }).toEqual({ name, publishEvents: true });
    }
    expect(Object.fromEntries(handlerNames.map((n) => [n, chainAccess(n)]))).toEqual({
      health: { readsMemberships: false, publishesDenials: false },
      me: { readsMemberships: false, publishesDenials: false },
      projects: { readsMemberships: true, publishesDenials: true },
      users: { readsMemberships: false, publishesDenials: true },
      members: { readsMemberships: true, publishesDenials: true },
      'api-keys': { readsMemberships: true, publishesDenials: true },
      settings: { readsMemberships: false, publishesDenials: true },
      credentials: { readsMemberships: true, publishesDenials: true },
      targets: { readsMemberships: true, publishesDenials: true },
      jobs: { readsMemberships: true, publishesDenials: true },
      runs: { readsMemberships: true, publishesDenials: true },
      audit: { readsMemberships: true, publishesDenials: true },
      events: { readsMemberships: false, publishesDenials: false },
      schedules: { readsMemberships: true, publishesDenials: true },
      triggers: { readsMemberships: true, publishesDenials: true },
      hooks: { readsMemberships: false, publishesDenials: false },
      notifications: { readsMemberships: true, publishesDenials: true },
    });
  });

  it('gives exactly the Cognito calls the user directory makes', () => {
    expect(handlerAccess.members.userPool).toEqual(['AdminGetUser', 'AdminListGroupsForUser']);
    expect(handlerAccess.settings.userPool).toEqual(['GetUserPoolMfaConfig', 'SetUserPoolMfaConfig']);
    expect([...handlerAccess.users.userPool].sort()).toEqual(
      [
        'AdminAddUserToGroup',
        'AdminCreateUser',
        'AdminDeleteUser',
        'AdminDisableUser',
        'AdminEnableUser',
        'AdminGetUser',
        'AdminListGroupsForUser',
        'AdminRemoveUserFromGroup',
        'AdminUserGlobalSignOut',
        'ListUsers',
      ].sort(),
    );
  });
});

describe('inventory', () => {
  const credentialsFn = () => apiFunction('credentials')[1];
  const targetsFn = () => apiFunction('targets')[1];
  const keyPolicy = (): Statement[] =>
    (props(keyNamed('OpsConductor: encrypts credential material')[1]).KeyPolicy as { Statement: Statement[] }).Statement;
  const viaSecretsManager = {
    StringEquals: {
      'kms:ViaService': { 'Fn::Join': ['', ['secretsmanager.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] },
      'kms:CallerAccount': { Ref: 'AWS::AccountId' },
    },
    StringLike: { 'kms:EncryptionContext:SecretARN': credentialSecretsArn },
  };

  it('names secrets the way the vault adapter does', () => {
    expect(secretName({ projectId: 'p1', credentialId: 'c1' })).toBe(`${credentialSecretPrefix}/p1/c1`);
  });

  it('encrypts credential material with its own rotating, retained key, apart from the table key', () => {
    const [keyId] = keyNamed('OpsConductor: encrypts credential material');
    expect(keyId).not.toBe(tableKeyId());
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ Description: Match.stringLikeRegexp('credential material'), EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
    });
  });

  it('lets the account root administer the key, the credentials function encrypt, the runner and the targets function decrypt, through Secrets Manager only', () => {
    const root = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] };
    expect(keyPolicy()).toEqual([
      { Effect: 'Allow', Principal: { AWS: root }, Action: 'kms:*', Resource: '*' },
      {
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::GetAtt': [runnerTaskRole(), 'Arn'] } },
        Action: credentialKeyActions.read[0],
        Resource: '*',
        Condition: viaSecretsManager,
      },
      {
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::GetAtt': [roleOf(credentialsFn()), 'Arn'] } },
        Action: [...credentialKeyActions.write],
        Resource: '*',
        Condition: viaSecretsManager,
      },
      {
        Effect: 'Allow',
        Principal: { AWS: { 'Fn::GetAtt': [roleOf(targetsFn()), 'Arn'] } },
        Action: credentialKeyActions.read[0],
        Resource: '*',
        Condition: viaSecretsManager,
      },
    ]);
    // No role's own policy names the credentials key: the key policy is the one place its use is granted.
    expect(JSON.stringify(ofType('AWS::IAM::Policy'))).not.toContain(`"${credentialsKeyId()}"`);
  });

  it('lets the credentials function write secrets and never read them', () => {
    const fn = credentialsFn();
    const statements = statementsOf(fn);
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: credentialSecretActions.write.map((a) => `secretsmanager:${a}`),
      Resource: credentialSecretsArn,
    });
    // Nothing attached to its role grants GetSecretValue (nor secretsmanager:* or *), and its managed policies are the basic Lambda one only.
    const granted = statements.filter((s) => s.Effect === 'Allow').flatMap((s) => listOf(s.Action));
    expect(granted.filter((a) => /^(\*|secretsmanager:\*|secretsmanager:Get.*|secretsmanager:BatchGet.*)$/.test(a))).toEqual([]);
    const role = props(resources[roleOf(fn)] as Resource);
    expect((role.ManagedPolicyArns as unknown[]).map((arn) => JSON.stringify(arn))).toEqual([
      expect.stringContaining(':iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"'),
    ]);
    expect(role.Policies).toBeUndefined();
    // Its key use is conditioned on Secrets Manager acting for it on credential secrets.
    const forIt = keyPolicy().filter((s) => JSON.stringify(s.Principal).includes(`"${roleOf(fn)}"`));
    expect(forIt.map((s) => s.Condition)).toEqual([viaSecretsManager]);
  });

  it('lets the targets function and the runner read secrets, and makes them the readers every secret names', () => {
    const statements = statementsOf(targetsFn());
    expect(statements).toContainEqual({ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: credentialSecretsArn });
    const readers = ofType('AWS::IAM::Policy')
      .filter(([, r]) => JSON.stringify(props(r).PolicyDocument).includes('"secretsmanager:GetSecretValue"'))
      .flatMap(([, r]) => (props(r).Roles as Ref[]).map((role) => role.Ref));
    expect(readers.sort()).toEqual([runnerTaskRole(), roleOf(targetsFn())].sort());
    expect(envOf(credentialsFn()).CREDENTIAL_READER_ROLE_ARNS).toEqual(readerRoleArns());
  });

  it('refuses a stack where credentials can be written but nobody may read them', () => {
    const app = testApp();
    const stack = new Stack(app, 'WritersOnly');
    const inventory = new Inventory(stack, 'Inventory');
    inventory.grantCredentialWrite(new Role(stack, 'Writer', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }));

    expect(() => app.synth()).toThrow(/no role may read them/);
  });
});

describe('network', () => {
  const subnetsOf = (name: 'public' | 'private') =>
    ofType('AWS::EC2::Subnet').filter(([, r]) => JSON.stringify(props(r).Tags).includes(`"aws-cdk:subnet-name","Value":"${name}"`));

  it('spans two AZs with public subnets for one NAT gateway and private subnets that egress through it', () => {
    const [vpcId] = only('AWS::EC2::VPC');
    expect(props(only('AWS::EC2::VPC')[1]).CidrBlock).toBe(defaultVpcCidr);
    const pub = subnetsOf('public');
    const priv = subnetsOf('private');
    expect([pub.length, priv.length]).toEqual([2, 2]);
    expect(new Set(priv.map(([, r]) => JSON.stringify(props(r).AvailabilityZone))).size).toBe(2);
    for (const [, r] of [...pub, ...priv]) expect(props(r).VpcId).toEqual(ref(vpcId));
    const [natId] = only('AWS::EC2::NatGateway');
    const natRoutes = ofType('AWS::EC2::Route').filter(([, r]) => JSON.stringify(props(r).NatGatewayId) === JSON.stringify(ref(natId)));
    expect(natRoutes.map(([, r]) => props(r).DestinationCidrBlock)).toEqual(['0.0.0.0/0', '0.0.0.0/0']);
    // Operators allow the NAT address on hosts reached over the internet: the stack outputs it.
    const [eipId] = only('AWS::EC2::EIP');
    expect((template.toJSON() as { Outputs: Record<string, { Value: unknown }> }).Outputs.NatPublicIps?.Value).toEqual({ 'Fn::GetAtt': [eipId, 'PublicIp'] });
  });

  it('logs every flow to CloudWatch Logs with a retention', () => {
    const [vpcId] = only('AWS::EC2::VPC');
    const [, flowLog] = only('AWS::EC2::FlowLog');
    expect(props(flowLog)).toMatchObject({ ResourceId: ref(vpcId), ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    const group = resources[(props(flowLog).LogGroupName as Ref).Ref] as Resource;
    expect(group.Type).toBe('AWS::Logs::LogGroup');
    expect(props(group).RetentionInDays).toBe(flowLogRetention);
  });

  it('puts the targets function, and only it, in the private subnets with an egress-only security group', () => {
    const [sgId, sg] = only('AWS::EC2::SecurityGroup');
    expect(props(sg).SecurityGroupEgress).toEqual([{ CidrIp: '0.0.0.0/0', Description: expect.any(String) as unknown, IpProtocol: '-1' }]);
    expect(props(sg).SecurityGroupIngress).toBeUndefined();
    expect(ofType('AWS::EC2::SecurityGroupIngress')).toEqual([]);

    const inVpc = ofType('AWS::Lambda::Function').filter(([, r]) => props(r).VpcConfig !== undefined);
    expect(inVpc.map(([id]) => id)).toEqual([apiFunction('targets')[0]]);
    expect(handlerNames.filter((n) => (handlerAccess[n] as HandlerAccess).reachesHosts)).toEqual(['targets']);
    const vpcConfig = props(apiFunction('targets')[1]).VpcConfig as { SubnetIds: Ref[]; SecurityGroupIds: GetAtt[] };
    expect(vpcConfig.SubnetIds.map((s) => s.Ref).sort()).toEqual(subnetsOf('private').map(([id]) => id).sort());
    expect(vpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [sgId, 'GroupId'] }]);
    expect(JSON.stringify(props(resources[roleOf(apiFunction('targets')[1])] as Resource).ManagedPolicyArns)).toContain(
      'service-role/AWSLambdaVPCAccessExecutionRole',
    );
  });

  it('gives the connection test the time API Gateway allows', () => {
    expect(props(apiFunction('targets')[1])).toMatchObject({ Timeout: 29, MemorySize: 1024 });
  });

  it('takes one NAT gateway per AZ when asked, and refuses private subnets without egress', () => {
    const stack = new Stack(testApp(), 'TwoNats');
    const network = new Network(stack, 'Network', { natGateways: 2 });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::NatGateway', 2);
    expect(network.natPublicIps).toHaveLength(2);
    for (const natGateways of [0, 3, 1.5]) {
      expect(() => new Network(new Stack(testApp()), 'Network', { natGateways })).toThrow(/natGateways must be 1 or 2/);
    }
  });
});

describe('dependencies', () => {
  /** Logical ids a resource refers to: Ref, Fn::GetAtt, ${…} in Fn::Sub, and DependsOn. */
  const referencesOf = (r: unknown): Set<string> => {
    const found = new Set<string>();
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) {
        x.forEach(walk);
      } else if (x !== null && typeof x === 'object') {
        for (const [k, v] of Object.entries(x)) {
          if (k === 'Ref' && typeof v === 'string') found.add(v);
          else if (k === 'Fn::GetAtt' && Array.isArray(v)) found.add(String(v[0]));
          else if (k === 'Fn::Sub') for (const m of JSON.stringify(v).matchAll(/\$\{([A-Za-z0-9]+)[.}]/g)) found.add(String(m[1]));
          walk(v);
        }
      }
    };
    walk((r as { Properties?: unknown }).Properties);
    for (const d of listOf((r as { DependsOn?: string | string[] }).DependsOn ?? [])) found.add(d);
    return found;
  };

  it('points from the credentials function to the reader role, never back (Template.fromStack refuses any cycle)', () => {
    const edges = new Map(Object.entries(resources).map(([id, r]) => [id, [...referencesOf(r)].filter((d) => d in resources)]));
    // The one edge between the two functions: the credentials function names the targets role as the reader.
    const credentials = apiFunction('credentials')[0];
    const targetsRole = roleOf(apiFunction('targets')[1]);
    expect(edges.get(credentials)).toContain(targetsRole);
    const targetsPolicies = ofType('AWS::IAM::Policy').filter(([, r]) => JSON.stringify(props(r).Roles).includes(`"${targetsRole}"`));
    for (const id of [apiFunction('targets')[0], targetsRole, ...targetsPolicies.map(([p]) => p)]) {
      expect({ id, refs: edges.get(id)?.filter((d) => d.startsWith('ApiCredentialsHandler')) }).toEqual({ id, refs: [] });
    }
  });
});

describe('logging', () => {
  it('gives every Lambda function its own log group with a retention', () => {
    // CDK's own provider that empties the VPC's default security group at deploy time takes no log
    // group setting (CustomResourceProvider); it runs on stack create and update only.
    const [providerId] = functionNamed('Lambda function for removing all inbound/outbound rules from the VPC default security group');
    const functions = ofType('AWS::Lambda::Function').filter(([id]) => id !== providerId);
    expect(functions.length).toBeGreaterThanOrEqual(handlerNames.length + 1);
    for (const [id, fn] of functions) {
      const logGroup = (props(fn).LoggingConfig as { LogGroup?: Ref } | undefined)?.LogGroup;
      const group = logGroup && resources[logGroup.Ref];
      expect({ id, type: group?.Type }).toEqual({ id, type: 'AWS::Logs::LogGroup' });
      expect({ id, retention: group && typeof props(group).RetentionInDays }).toEqual({ id, retention: 'number' });
    }
  });
});

describe('console', () => {
  it('serves a private bucket through CloudFront with Origin Access Control', () => {
    const [oacId] = only('AWS::CloudFront::OriginAccessControl');
    template.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        Origins: [Match.objectLike({ OriginAccessControlId: { 'Fn::GetAtt': [oacId, 'Id'] } })],
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https', ResponseHeadersPolicyId: Match.anyValue() }),
        CustomErrorResponses: [403, 404].map((code) =>
          Match.objectLike({ ErrorCode: code, ResponseCode: 200, ResponsePagePath: '/index.html' }),
        ),
        Logging: Match.objectLike({ Bucket: Match.anyValue() }),
      }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudfront.amazonaws.com' }, Action: 's3:GetObject', Effect: 'Allow' }),
        ]),
      },
    });
    for (const [, bucket] of ofType('AWS::S3::Bucket')) {
      expect(props(bucket).PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
    }
  });

  it('deploys config.json (and the built console when it exists)', () => {
    const deployments = ofType('Custom::CDKBucketDeployment').map(([, r]) => props(r));
    expect(deployments).toHaveLength(existsSync(fromRoot(consoleDistDir)) ? 2 : 1);
    const entry = deployments.find((d) => d.DistributionPaths !== undefined);
    expect(entry?.DistributionPaths).toEqual(['/index.html', '/config.json']);
    expect(entry?.SourceMarkersConfig).toEqual(expect.arrayContaining([{ jsonEscape: true }]));
  });
});
