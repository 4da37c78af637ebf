import { existsSync, readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { chainAccess, handlerAccess, usagePlanNameOf, type HandlerAccess } from '../../cdk/lib/api';
import { consoleDistDir } from '../../cdk/lib/console';
import { eventArchiveRetention, eventBusName } from '../../cdk/lib/events';
import { gatewayErrors } from '../../cdk/lib/gateway-responses';
import { fromRoot } from '../../cdk/lib/paths';
import { OpsConductorStack } from '../../cdk/lib/stack';
import { table } from '../../core/data-model';
import { handlerNames, routes } from '../../core/routes';
import { defaultRateLimit, stageRateLimit } from '../../core/throttling';

type Resource = { Type: string; Properties?: Record<string, unknown> };
type Ref = { Ref: string };
type GetAtt = { 'Fn::GetAtt': [string, string] };

const ref = (logicalId: string): Ref => ({ Ref: logicalId });

let template: Template;
let resources: Record<string, Resource>;
const ofType = (type: string): [string, Resource][] => Object.entries(resources).filter(([, r]) => r.Type === type);
const props = (r: Resource): Record<string, unknown> => r.Properties ?? {};
const only = (type: string): [string, Resource] => {
  const found = ofType(type);
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
};

beforeAll(() => {
  // Bundling is skipped, cdk-nag is enforced: Template.fromStack throws on any unacknowledged finding.
  // The same context `cdk synth` uses (feature flags), plus: skip bundling.
  const { context } = JSON.parse(readFileSync(fromRoot('cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new OpsConductorStack(app, 'OpsConductor');
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, Resource>;
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
    const [keyId] = only('AWS::KMS::Key');
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
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
    expect(routes.filter((r) => r.permission === 'public').map((r) => `${r.method} ${r.path}`)).toEqual(['GET /health']);
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

  /** The functions' resources by description, with the policy documents attached to their roles. */
  const functionNamed = (description: string | RegExp): [string, Resource] => {
    const found = ofType('AWS::Lambda::Function').filter(([, r]) => {
      const d = String(props(r).Description);
      return typeof description === 'string' ? d === description : description.test(d);
    });
    expect(found).toHaveLength(1);
    return found[0] as [string, Resource];
  };
  type Statement = { Action: string | string[]; Effect: string; Resource: unknown };
  const statementsOf = (fn: Resource): Statement[] => {
    const roleId = (props(fn).Role as GetAtt)['Fn::GetAtt'][0];
    return ofType('AWS::IAM::Policy')
      .filter(([, r]) => JSON.stringify(props(r).Roles).includes(`"${roleId}"`))
      .flatMap(([, r]) => (props(r).PolicyDocument as { Statement: Statement[] }).Statement);
  };
  const actionsOf = (statements: Statement[]): string[] => statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
  const apiFunction = (name: string) => functionNamed(`OpsConductor API: ${name} routes`);
  const [tableId, keyId, userPoolId, busId] = ['AWS::DynamoDB::Table', 'AWS::KMS::Key', 'AWS::Cognito::UserPool', 'AWS::Events::EventBus'].map(
    (type) => () => only(type)[0],
  ) as [() => string, () => string, () => string, () => string];

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
        { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [keyId(), 'Arn'] } },
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

  it('grants each handler its declared data, event and user-pool access, and nothing else', () => {
    const readActions = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan'];
    for (const name of handlerNames) {
      const statements = statementsOf(apiFunction(name)[1]);
      const actions = actionsOf(statements);
      const access: HandlerAccess = handlerAccess[name];
      expect({ name, read: readActions.every((a) => actions.includes(a)) }).toEqual({ name, read: access.data !== 'none' });
      expect({ name, write: actions.includes('dynamodb:PutItem') }).toEqual({ name, write: access.data === 'readWrite' });
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
      for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('events:'))) {
        expect(s.Resource).toEqual({ 'Fn::GetAtt': [busId(), 'Arn'] });
      }
      expect(actions.filter((a) => !/^(dynamodb|kms|events|cognito-idp|xray):/.test(a))).toEqual([]);
    }
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

describe('logging', () => {
  it('gives every Lambda function its own log group with a retention', () => {
    const functions = ofType('AWS::Lambda::Function');
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
