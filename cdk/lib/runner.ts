import type { CfnElement } from 'aws-cdk-lib';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  ContainerImage,
  ContainerInsights,
  CpuArchitecture,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { Data } from './data';
import type { Inventory } from './inventory';
import { acknowledge } from './nag';
import type { Network } from './network';
import { projectRoot } from './paths';

/** The container the state machine's RunBatch overrides (state-machines/job-run.asl.json) names. */
export const runnerContainerName = 'runner';
export const runnerDockerfile = 'runner/Dockerfile';
export const runnerLogRetention = RetentionDays.ONE_MONTH;
/** 1 vCPU / 2 GiB: ssh2 runs its key exchange in pure JS, and a batch works many hosts at once. */
export const runnerTaskSize = { cpu: 1024, memoryLimitMiB: 2048 } as const;
/** Where the runner writes full host output (adapters/aws/s3-output-log.ts: runs/<runId>/<targetId>.log). */
export const outputKeyPattern = 'runs/*';
/** The callback calls the runner makes with the task token it is started with. */
export const taskTokenActions = ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];

export interface RunnerProps {
  readonly network: Network;
  readonly data: Data;
  readonly inventory: Inventory;
  /** Full host output logs (OUTPUT_BUCKET). */
  readonly outputBucket: IBucket;
  /** The key the secure parameters of runs are sealed with (RUNS_KMS_KEY_ID); its key policy grants the use. */
  readonly runsKeyArn: string;
}

/**
 * The runner on Fargate (runner/main.ts, image from runner/Dockerfile): an ECS cluster in the
 * stack's VPC and the task definition the job-run state machine starts once per batch, in the
 * private subnets with the host-access security group, so a host that accepts the connection test
 * accepts the runner. `cdk synth` only stages the image's build context (the root .dockerignore
 * keeps it to the sources); the image is built and pushed at deploy.
 */
export class Runner extends Construct {
  readonly cluster: Cluster;
  readonly taskDefinition: FargateTaskDefinition;
  /** What the runner's code runs as. */
  readonly taskRole: IRole;
  /** What ECS pulls the image and writes the logs with. */
  readonly executionRole: IRole;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: RunnerProps) {
    super(scope, id);

    this.cluster = new Cluster(this, 'Cluster', { vpc: props.network.vpc, containerInsightsV2: ContainerInsights.ENABLED });
    this.logGroup = new LogGroup(this, 'Logs', { retention: runnerLogRetention });
    this.taskDefinition = new FargateTaskDefinition(this, 'TaskDefinition', {
      ...runnerTaskSize,
      runtimePlatform: { cpuArchitecture: CpuArchitecture.X86_64, operatingSystemFamily: OperatingSystemFamily.LINUX },
    });
    this.taskDefinition.addContainer('Runner', {
      containerName: runnerContainerName,
      image: ContainerImage.fromAsset(projectRoot, { file: runnerDockerfile, platform: Platform.LINUX_AMD64 }),
      essential: true,
      // Node and the bundle only read their files; nothing in the runner writes to disk.
      readonlyRootFilesystem: true,
      logging: LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'runner' }),
      // Names and ARNs only; OPSC_BATCH and OPSC_TASK_TOKEN come per task from the state machine's overrides.
      environment: {
        TABLE_NAME: props.data.table.tableName,
        OUTPUT_BUCKET: props.outputBucket.bucketName,
        RUNS_KMS_KEY_ID: props.runsKeyArn,
        CREDENTIALS_KMS_KEY_ID: props.inventory.credentialsKey.keyArn,
        POWERTOOLS_SERVICE_NAME: 'opsconductor',
      },
    });
    this.taskRole = this.taskDefinition.taskRole;
    this.executionRole = this.taskDefinition.obtainExecutionRole();

    // Runs, hosts, output chunks and counts; jobs, targets and credential metadata.
    props.data.grantReadWrite(this.taskRole);
    // Each host's full log, as one object or a multipart upload (CreateMultipartUpload, UploadPart
    // and CompleteMultipartUpload are all s3:PutObject), aborted when a write fails. No reads.
    this.taskRole.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:AbortMultipartUpload'], resources: [props.outputBucket.arnForObjects(outputKeyPattern)] }),
    );
    // Credential material, and a place in every secret's resource policy (CREDENTIAL_READER_ROLE_ARNS).
    props.inventory.grantCredentialRead(this.taskRole);
    this.taskRole.addToPrincipalPolicy(new PolicyStatement({ actions: taskTokenActions, resources: ['*'] }));

    acknowledge(this.taskRole, {
      id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId(props.outputBucket)}.Arn>/${outputKeyPattern}]`,
      reason: 'Output logs are objects named per run and host at run time (runs/<runId>/<targetId>.log); the wildcard stays inside the runs/ prefix of the one output bucket, write-only.',
    });
    acknowledge(this.taskRole, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SendTaskSuccess/Failure/Heartbeat support no resource-level permissions (Service Authorization Reference: no resource types), so they take "*"; the call is only good for the task token the state machine hands this task.',
    });
    acknowledge(this.taskDefinition, {
      id: 'AwsSolutions-ECS2',
      reason: 'The container environment holds resource names and key ARNs only, no secrets; credential material is read from Secrets Manager at run time.',
    });
    acknowledge(this.executionRole, {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ecr:GetAuthorizationToken, which pulling the runner image needs, supports no resource-level permissions; the layer reads are granted on the image repository only (CDK).',
    });
  }
}

/** The logical id the output bucket has in the template, as cdk-nag writes it in finding ids. */
const bucketLogicalId = (bucket: IBucket): string => bucket.stack.getLogicalId(bucket.node.defaultChild as CfnElement);
