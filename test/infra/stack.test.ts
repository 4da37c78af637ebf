import { existsSync, readFileSync } from 'node:fs';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { apiThrottling, handlerAccess } from '../../cdk/lib/api';
import { consoleDistDir } from '../../cdk/lib/console';
import { eventArchiveRetention, eventBusName } from '../../cdk/lib/events';
import { gatewayErrors } from '../../cdk/lib/gateway-responses';
import { fromRoot } from '../../cdk/lib/paths';
import { OpsConductorStack } from '../../cdk/lib/stack';
import { table } from '../../core/data-model';
import { handlerNames, routes } from '../../core/routes';

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
        ThrottlingRateLimit: apiThrottling.rateLimit,
        ThrottlingBurstLimit: apiThrottling.burstLimit,
      }),
    ]);
    const access = p.AccessLogSetting as { DestinationArn: GetAtt; Format: string };
    expect(resources[access.DestinationArn['Fn::GetAtt'][0]]?.Type).toBe('AWS::Logs::LogGroup');
    expect(JSON.parse(access.Format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
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
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('authorizer'),
      Environment: { Variables: Match.objectLike({ TOKEN_ISSUER: Match.anyValue(), TOKEN_CLIENT_ID: Match.anyValue() }) },
    });
    for (const name of handlerNames) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: `OpsConductor API: ${name} routes`,
        Environment: {
          Variables: Match.objectLike({ TABLE_NAME: Match.anyValue(), EVENT_BUS_NAME: Match.anyValue(), CONSOLE_ORIGIN: Match.anyValue() }),
        },
      });
    }
  });

  it('grants data and event access only to the handlers that declare it', () => {
    const policyOf = (name: string): string => {
      const [fnId, fn] = ofType('AWS::Lambda::Function').find(([, r]) => props(r).Description === `OpsConductor API: ${name} routes`) ?? [];
      const roleId = ((fn && props(fn).Role) as GetAtt | undefined)?.['Fn::GetAtt'][0];
      expect(fnId).toBeDefined();
      return JSON.stringify(
        ofType('AWS::IAM::Policy')
          .filter(([, r]) => JSON.stringify(props(r).Roles).includes(`"${String(roleId)}"`))
          .map(([, r]) => props(r).PolicyDocument),
      );
    };
    for (const name of handlerNames) {
      const policy = policyOf(name);
      const access = handlerAccess[name];
      expect({ name, putItem: policy.includes('dynamodb:PutItem') }).toEqual({ name, putItem: access.data === 'readWrite' });
      expect({ name, query: policy.includes('dynamodb:Query') }).toEqual({ name, query: access.data !== 'none' });
      expect({ name, putEvents: policy.includes('events:PutEvents') }).toEqual({ name, putEvents: access.publishEvents });
    }
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
