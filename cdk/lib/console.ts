import { existsSync } from 'node:fs';
import { Annotations, Aws, DefaultStackSynthesizer, Duration, RemovalPolicy, Stack, type CfnElement } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { functionLogRetention } from './function';
import { acknowledge } from './nag';
import { fromRoot } from './paths';

/** The runtime configuration the console fetches from /config.json at start. */
export interface ConsoleConfig {
  readonly region: string;
  readonly userPoolId: string;
  readonly userPoolClientId: string;
  /** Cognito's regional endpoint (https://cognito-idp.<region>.amazonaws.com/). */
  readonly identityEndpoint: string;
  /** The API's base URL, without a trailing slash. */
  readonly apiBaseUrl: string;
}

export interface ConsoleProps {
  /** A custom host name for the console, with its ACM certificate (in us-east-1). */
  readonly domain?: { readonly names: string[]; readonly certificateArn: string };
  /** The built console; when it is missing only config.json is deployed. */
  readonly distDir?: string;
}

export const consoleDistDir = 'web/dist';

/**
 * jsii's IBucket declares `isWebsite: boolean` where Bucket has `isWebsite?: boolean`, which
 * exactOptionalPropertyTypes rejects; the object is the same, only the declarations differ.
 */
const ref = (bucket: Bucket): IBucket => bucket as IBucket;

/**
 * The web console: a private S3 bucket behind CloudFront (Origin Access Control), served as a
 * single-page app with security headers, both access-logged to a logs bucket.
 */
export class Console extends Construct {
  readonly bucket: Bucket;
  readonly logsBucket: Bucket;
  readonly distribution: Distribution;
  /** https://<console host>: the origin the API allows. */
  readonly origin: string;
  private readonly distDir: string;
  private readonly distDirName: string;

  constructor(scope: Construct, id: string, props: ConsoleProps = {}) {
    super(scope, id);
    this.distDirName = props.distDir ?? consoleDistDir;
    this.distDir = fromRoot(this.distDirName);

    this.logsBucket = new Bucket(this, 'LogsBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging writes with ACLs, so the log bucket must accept them.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(this.logsBucket, {
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log destination for the console bucket and CloudFront; logging it into itself would loop.',
    });

    this.bucket = new Bucket(this, 'SiteBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      serverAccessLogsBucket: ref(this.logsBucket),
      serverAccessLogsPrefix: 's3/console/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'OpsConductor console security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(), override: true },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
        xssProtection: { protection: false, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=()', override: true },
        ],
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'OpsConductor console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(ref(this.bucket)),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
      },
      // Client-side routes: any path S3 does not have is the app's index.html.
      errorResponses: [403, 404].map((httpStatus) => ({
        httpStatus,
        responseHttpStatus: 200,
        responsePagePath: '/index.html',
        ttl: Duration.seconds(0),
      })),
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: ref(this.logsBucket),
      logFilePrefix: 'cloudfront/console/',
      ...(props.domain
        ? {
            domainNames: props.domain.names,
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.domain.certificateArn),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });

    this.origin = `https://${props.domain?.names[0] ?? this.distribution.distributionDomainName}`;

    acknowledge(
      this.distribution,
      {
        id: 'AwsSolutions-CFR1',
        reason: 'Operators sign in from wherever they work; the console is protected by Cognito, not by geography.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason: 'WAF is left to operators (a global web ACL can be attached without code changes); the bucket is private behind OAC.',
      },
    );
    if (!props.domain) {
      acknowledge(this.distribution, {
        id: 'AwsSolutions-CFR4',
        reason:
          'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose policy cannot be set; pass consoleDomain + consoleCertificateArn context to get TLSv1.2_2021.',
      });
    }
  }

  /**
   * Deploy the built console (when web/dist exists) and its runtime config.json. Hashed assets
   * are cached for a year; index.html and config.json are never cached, and invalidated.
   */
  publish(config: ConsoleConfig): void {
    const logGroup = new LogGroup(this, 'DeploymentLogs', { retention: functionLogRetention });
    const configSource = Source.jsonData('config.json', config);
    const built = existsSync(this.distDir);
    if (!built) {
      Annotations.of(this).addWarningV2(
        'opsconductor:console-not-built',
        `${this.distDirName} does not exist: run \`npm run build:web\` before deploying. Only config.json is deployed.`,
      );
    }

    let assets: BucketDeployment | undefined;
    if (built) {
      assets = new BucketDeployment(this, 'DeployAssets', {
        destinationBucket: ref(this.bucket),
        sources: [Source.asset(this.distDir)],
        exclude: ['index.html', 'config.json'],
        prune: false,
        cacheControl: [CacheControl.setPublic(), CacheControl.maxAge(Duration.days(365)), CacheControl.immutable()],
        logGroup,
      });
    }

    const entry = new BucketDeployment(this, 'DeployEntry', {
      destinationBucket: ref(this.bucket),
      sources: built ? [Source.asset(this.distDir), configSource] : [configSource],
      ...(built ? { exclude: ['*'], include: ['index.html', 'config.json'] } : {}),
      prune: false,
      cacheControl: [CacheControl.noCache()],
      distribution: this.distribution,
      distributionPaths: ['/index.html', '/config.json'],
      logGroup,
    });
    if (assets) entry.node.addDependency(assets);

    // Both deployments share one CDK-provided handler function (a stack-level singleton).
    const role = entry.handlerRole;
    acknowledge(
      role,
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'CDK BucketDeployment handler: the AWS-managed basic execution policy only writes its own logs.',
      },
      ...bucketDeploymentWildcards(this.bucket).map((id) => ({
        id: `AwsSolutions-IAM5[${id}]`,
        reason:
          'CDK BucketDeployment handler grants: object-level reads of the CDK asset bucket, object writes/deletes in the console bucket only, and CloudFront invalidation (which has no resource-level permissions).',
      })),
    );
    if (role.node.scope) {
      acknowledge(role.node.scope, {
        id: 'AwsSolutions-L1',
        reason: 'The BucketDeployment handler runtime is chosen and bumped by aws-cdk-lib, not by us.',
      });
    }
  }
}

/** The wildcard findings (cdk-nag IAM5 evidence) of the CDK BucketDeployment handler's policy. */
const bucketDeploymentWildcards = (bucket: Bucket): string[] => {
  const bucketId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnElement);
  const assetBucket = `arn:<AWS::Partition>:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-<AWS::Region>/*`;
  return [
    'Action::s3:GetObject*',
    'Action::s3:GetBucket*',
    'Action::s3:List*',
    'Action::s3:DeleteObject*',
    'Action::s3:Abort*',
    `Resource::${assetBucket}`,
    `Resource::<${bucketId}.Arn>/*`,
    'Resource::*',
  ];
};

const contentSecurityPolicy = (): string =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' https://*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX} https://cognito-idp.${Aws.REGION}.${Aws.URL_SUFFIX}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
