import { readFileSync } from 'node:fs';
import { ArnFormat, Duration, Fn, RemovalPolicy, Stack, type CfnElement } from 'aws-cdk-lib';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { Data } from './data';
import { ServiceFunction, functionLogRetention } from './function';
import type { Inventory } from './inventory';
import { acknowledge } from './nag';
import type { Network } from './network';
import { fromRoot } from './paths';
import { Runner } from './runner';

export const jobRunDefinitionFile = 'state-machines/job-run.asl.json';

/** The state machine's own tasks, one Lambda each: lambdas/run-tasks/<name>/index.ts exporting `handler`. */
export const runTaskNames = ['plan', 'finalize', 'mark-batch-lost', 'mark-failed'] as const;
export type RunTaskName = (typeof runTaskNames)[number];
export const runTaskEntry = (name: RunTaskName): string => `lambdas/run-tasks/${name}/index.ts`;
/** The ASL gives each of these tasks 120 s (TimeoutSeconds); the function gets the same. */
export const runTaskTimeout = Duration.minutes(2);

/**
 * What a request must carry to use the runs key: an encryption context whose only key is `runId`
 * (adapters/aws/kms-run-sealer.ts binds every data key to its run that way), and not none at all,
 * which ForAllValues alone would let through.
 */
export const runsKeyContextCondition = {
  'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': ['runId'] },
  Null: { 'kms:EncryptionContextKeys': 'false' },
};
/** Sealing (start) and opening (retry re-seals the original run's values) for the runs API; opening only for the runner. */
export const runsKeyActions = { seal: ['kms:GenerateDataKey', 'kms:Decrypt'], open: ['kms:Decrypt'] } as const;

export interface RunsProps {
  readonly data: Data;
  readonly bus: EventBus;
  readonly inventory: Inventory;
  readonly network: Network;
  /** Where the output bucket's server access logs go (the console's logs bucket). */
  readonly accessLogsBucket: Bucket;
}

/**
 * jsii's IBucket declares `isWebsite: boolean` where Bucket has `isWebsite?: boolean`, which
 * exactOptionalPropertyTypes rejects; the object is the same, only the declarations differ.
 */
const asIBucket = (bucket: Bucket): IBucket => bucket as IBucket;

/** plan → Plan, mark-batch-lost → MarkBatchLost. */
const pascal = (s: string): string =>
  s
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/**
 * Job runs on AWS: the job-run state machine (state-machines/job-run.asl.json, the file the local
 * engine runs too) with its four task Lambdas, the Fargate runner it starts per batch
 * (`ecs:runTask.waitForTaskToken`), the bucket for full host output logs, and the KMS key that seals
 * secure parameter values for the runner. Its key policy names every role that may use the key;
 * the runs API is granted with `grantStartRuns`, so nothing here depends on the API.
 */
export class Runs extends Construct {
  readonly key: Key;
  readonly outputBucket: Bucket;
  readonly runner: Runner;
  readonly tasks: ReadonlyMap<RunTaskName, ServiceFunction>;
  readonly stateMachine: StateMachine;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: RunsProps) {
    super(scope, id);

    this.key = new Key(this, 'RunsKey', {
      description: 'OpsConductor: seals the secure parameter values of runs',
      enableKeyRotation: true,
      // Sealed values stay in the (retained) table; the key that opens them stays with it.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.outputBucket = new Bucket(this, 'OutputBucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // A runner that dies between two parts leaves its upload behind (adapters/aws/s3-output-log.ts).
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      serverAccessLogsBucket: asIBucket(props.accessLogsBucket),
      serverAccessLogsPrefix: 's3/run-output/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.runner = new Runner(this, 'Runner', {
      network: props.network,
      data: props.data,
      inventory: props.inventory,
      outputBucket: asIBucket(this.outputBucket),
      runsKeyArn: this.key.keyArn,
    });
    this.grantKey(this.runner.taskRole, runsKeyActions.open);

    this.tasks = new Map(
      runTaskNames.map((name) => {
        const fn = new ServiceFunction(this, `${pascal(name)}Task`, {
          entry: runTaskEntry(name),
          description: `OpsConductor job run: ${name} task`,
          timeout: runTaskTimeout,
          environment: { TABLE_NAME: props.data.table.tableName, EVENT_BUS_NAME: props.bus.eventBusName },
        });
        // Runs and their hosts; jobs, targets and credential metadata (Plan); Run Started / Completed events.
        props.data.grantReadWrite(fn.fn);
        props.bus.grantPutEventsTo(fn.fn);
        return [name, fn] as const;
      }),
    );

    this.logGroup = new LogGroup(this, 'StateMachineLogs', { retention: functionLogRetention });
    const task = (name: RunTaskName): ServiceFunction => {
      const fn = this.tasks.get(name);
      if (!fn) throw new Error(`No ${name} task`);
      return fn;
    };
    this.stateMachine = new StateMachine(this, 'JobRun', {
      stateMachineType: StateMachineType.STANDARD,
      // Inline (DefinitionString), not DefinitionBody.fromFile, which would ship the file as an S3 asset.
      definitionBody: DefinitionBody.fromString(JSON.stringify(JSON.parse(readFileSync(fromRoot(jobRunDefinitionFile), 'utf8')))),
      definitionSubstitutions: {
        PlanFunctionArn: task('plan').fn.functionArn,
        FinalizeFunctionArn: task('finalize').fn.functionArn,
        MarkBatchLostFunctionArn: task('mark-batch-lost').fn.functionArn,
        MarkFailedFunctionArn: task('mark-failed').fn.functionArn,
        ClusterArn: this.runner.cluster.clusterArn,
        RunnerTaskDefinitionArn: this.runner.taskDefinition.taskDefinitionArn,
        RunnerSubnetIds: Fn.join(',', props.network.vpc.selectSubnets(props.network.hostSubnets).subnetIds),
        RunnerSecurityGroupId: props.network.hostAccess.securityGroupId,
      },
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    this.grantOrchestration();
  }

  /**
   * The runs API: STATE_MACHINE_ARN and RUNS_KMS_KEY_ID, StartExecution on this state machine only,
   * and sealing and opening with the runs key (a retry opens the original run's values to re-seal them).
   */
  grantStartRuns(fn: ServiceFunction): void {
    fn.fn.addEnvironment('STATE_MACHINE_ARN', this.stateMachine.stateMachineArn);
    fn.fn.addEnvironment('RUNS_KMS_KEY_ID', this.key.keyArn);
    this.stateMachine.grantStartExecution(fn.fn);
    this.grantKey(fn.role, runsKeyActions.seal);
  }

  /** Sealing (or only opening) trigger webhook secrets with the runs key; the context names the trigger instead of a run. */
  grantTriggerSecrets(fn: ServiceFunction, mode: 'seal' | 'open'): void {
    fn.fn.addEnvironment('RUNS_KMS_KEY_ID', this.key.keyArn);
    this.grantKey(fn.role, runsKeyActions[mode]);
  }

  /** Key use for one role, in the key policy, only with a `{ runId }` encryption context. */
  private grantKey(role: IRole, actions: readonly string[]): void {
    this.key.addToResourcePolicy(
      new PolicyStatement({ principals: [role], actions: [...actions], resources: ['*'], conditions: runsKeyContextCondition }),
    );
  }

  /**
   * What the state machine's role needs for its definition, per the Step Functions docs for each
   * integration: InvokeFunction on exactly the four task functions; for ecs:runTask.waitForTaskToken,
   * RunTask on the runner's task definition in this cluster and PassRole for its two roles. A
   * callback task needs no StopTask, DescribeTasks or the events rule (those are `.sync`'s).
   * PropagateTags copies the task definition's tags onto the task, and tagging on create needs
   * ecs:TagResource, allowed only as part of RunTask on this cluster's tasks.
   */
  private grantOrchestration(): void {
    const { cluster, taskDefinition, taskRole, executionRole } = this.runner;
    const stack = Stack.of(this);
    const taskArns = stack.formatArn({
      service: 'ecs',
      resource: 'task',
      resourceName: `${cluster.clusterName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    const statements = [
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [...this.tasks.values()].map((t) => t.fn.functionArn) }),
      new PolicyStatement({
        actions: ['ecs:RunTask'],
        resources: [taskDefinition.taskDefinitionArn],
        conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
      }),
      new PolicyStatement({ actions: ['ecs:TagResource'], resources: [taskArns], conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } } }),
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [taskRole.roleArn, executionRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
    ];
    for (const statement of statements) this.stateMachine.addToRolePolicy(statement);

    acknowledge(
      this.stateMachine,
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/<${stack.getLogicalId(cluster.node.defaultChild as CfnElement)}>/*]`,
        reason: 'Task ids exist only once RunTask starts a task; TagResource is allowed on this cluster\'s tasks only, and only as part of RunTask (ecs:CreateAction).',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'CloudWatch Logs vended delivery (CreateLogDelivery and friends) and X-Ray PutTraceSegments/PutTelemetryRecords/GetSampling* support no resource-level permissions; CDK adds them for logging and tracing.',
      },
    );
  }
}
