import { Duration } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag';
import { fromRoot, projectRoot } from './paths';

export interface ServiceFunctionProps {
  /** Entry file relative to the repository root; it must export `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly environment?: Record<string, string>;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  /** Run inside a VPC (functions that dial managed hosts), in these subnets with these security groups. */
  readonly network?: { readonly vpc: IVpc; readonly subnets: SubnetSelection; readonly securityGroups: ISecurityGroup[] };
}

/**
 * Left out of every bundle: the AWS SDK (the Node 22 runtime has it), and ssh2's optional native
 * add-ons. ssh2 requires `cpu-features` and its own `sshcrypto.node` inside try/catch and falls back
 * to pure JS when they are missing; esbuild cannot bundle a `.node` binary (nor would an x64 build
 * load on ARM64), so the requires stay in the bundle and fail, as designed, at run time.
 */
export const bundleExternals = ['@aws-sdk/*', 'cpu-features', './crypto/build/Release/sshcrypto.node'];

/** The shared log retention for every function's own log group. */
export const functionLogRetention = RetentionDays.ONE_MONTH;

/**
 * One Node.js Lambda the way every OpsConductor function is built: Node 22 on ARM64, an ESM bundle
 * (index.mjs with a createRequire banner and __dirname/__filename for CommonJS dependencies)
 * minified with source maps, JSON logs to its own log group with a retention, and active X-Ray
 * tracing; optionally in a VPC.
 */
export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  /** The function's own execution role (CDK creates one per function). */
  readonly role: IRole;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    this.logGroup = new LogGroup(this, 'Logs', { retention: functionLogRetention });
    this.fn = new NodejsFunction(this, 'Function', {
      description: props.description,
      entry: fromRoot(props.entry),
      handler: 'handler',
      projectRoot,
      depsLockFilePath: fromRoot('package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      ...(props.network === undefined
        ? {}
        : { vpc: props.network.vpc, vpcSubnets: props.network.subnets, securityGroups: props.network.securityGroups }),
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      systemLogLevelV2: SystemLogLevel.WARN,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'opsconductor',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        externalModules: bundleExternals,
        // An ES module has no __dirname/__filename; CommonJS dependencies that read them at load
        // (ssh2's poly1305 loader and its agent module) get the bundle's own, as under CommonJS.
        define: { __dirname: 'import.meta.dirname', __filename: 'import.meta.filename' },
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
      },
    });

    if (this.fn.role === undefined) throw new Error(`${this.node.path} has no execution role`);
    this.role = this.fn.role;

    acknowledge(
      this.fn,
      {
        id: 'AwsSolutions-L1',
        reason: 'NODEJS_22_X is the latest runtime this code is built and tested on (bundles target node22); bumped deliberately with the toolchain.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWS-managed basic execution policy only lets the function write its own CloudWatch logs; it carries no data access.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'X-Ray PutTraceSegments/PutTelemetryRecords do not support resource-level permissions, so active tracing needs Resource "*".',
      },
    );
    if (props.network !== undefined) {
      acknowledge(this.fn, {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
        reason:
          'AWS-managed policy Lambda documents for functions in a VPC: the EC2 network-interface calls that attach the function to its subnets, and log writes; no data access.',
      });
    }
  }
}
