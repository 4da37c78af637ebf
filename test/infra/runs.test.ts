import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import aslValidator from 'asl-validator';
import { fromRoot } from '../../cdk/lib/paths';
import { outputKeyPattern, runnerContainerName, runnerDockerfile, runnerTaskSize, taskTokenActions } from '../../cdk/lib/runner';
import { jobRunDefinitionFile, runTaskNames, runsKeyActions, runsKeyContextCondition } from '../../cdk/lib/runs';
import { resourceQueries, synthOpsConductor, type GetAtt, type Resource, type Statement } from '../support/template';
import { credentialSecretPrefix } from '../../cdk/lib/inventory';

/**
 * Job runs on AWS (cdk/lib/runs.ts, cdk/lib/runner.ts): the job-run state machine with its
 * substituted definition, the Fargate runner, the output bucket and the runs key, and who may do
 * what with them. cdk-nag is enforced as in stack.test.ts: Template.fromStack throws on any
 * unacknowledged finding.
 */

let outdir: string;
let resources: Record<string, Resource>;
let close: () => void;

const { ofType, props, only, getAtt, functionNamed, roleOfFunction, statementsOfRole, actionsOf } = resourceQueries(() => resources);
const listOf = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
const keyNamed = (prefix: string): [string, Resource] => {
  const found = ofType('AWS::KMS::Key').filter(([, r]) => String(props(r).Description).startsWith(prefix));
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
};
const keyPolicyOf = (key: Resource): Statement[] => (props(key).KeyPolicy as { Statement: Statement[] }).Statement;

const stateMachine = () => only('AWS::StepFunctions::StateMachine');
const stateMachineRole = () => (props(stateMachine()[1]).RoleArn as GetAtt)['Fn::GetAtt'][0];
const taskDefinition = () => only('AWS::ECS::TaskDefinition');
const taskRole = () => (props(taskDefinition()[1]).TaskRoleArn as GetAtt)['Fn::GetAtt'][0];
const executionRole = () => (props(taskDefinition()[1]).ExecutionRoleArn as GetAtt)['Fn::GetAtt'][0];
const cluster = () => only('AWS::ECS::Cluster');
const runsKey = () => keyNamed('OpsConductor: seals the secure parameter values of runs');
const runsApi = () => functionNamed('OpsConductor API: runs routes');
const triggersApi = () => functionNamed('OpsConductor API: triggers routes');
const hooksApi = () => functionNamed('OpsConductor API: hooks routes');
const notificationsApi = () => functionNamed('OpsConductor API: notifications routes');
const notificationConsumer = () => functionNamed('OpsConductor notifications: run events to the channels of matching rules');
const notificationOverdue = () => functionNamed('OpsConductor notifications: runs past a rule’s overdue duration, every minute');
const scheduleFire = () => functionNamed('OpsConductor schedules: one fire of one schedule (EventBridge Scheduler target)');
const triggerFire = () => functionNamed('OpsConductor triggers: one event delivered to one trigger (EventBridge rule target)');
const taskFunction = (name: string) => functionNamed(`OpsConductor job run: ${name} task`);
const tableId = () => only('AWS::DynamoDB::Table')[0];
const tableKeyId = () => keyNamed('OpsConductor: encrypts the single DynamoDB table')[0];
const outputBucket = () => {
  const found = ofType('AWS::S3::Bucket').filter(([, r]) => JSON.stringify(props(r).LoggingConfiguration ?? {}).includes('s3/run-output/'));
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
};

const definitionText = () => String(props(stateMachine()[1]).DefinitionString);
const substitutions = () => props(stateMachine()[1]).DefinitionSubstitutions as Record<string, unknown>;
const placeholdersIn = (text: string): string[] => [...new Set([...text.matchAll(/\$\{([A-Za-z0-9]+)\}/g)].map((m) => String(m[1])))].sort();
/** The definition as CloudFormation substitutes it, each value written as `<the template's JSON for it>`. */
const resolvedDefinition = (): Record<string, unknown> => {
  let text = definitionText();
  for (const [name, value] of Object.entries(substitutions())) text = text.replaceAll(`\${${name}}`, `<${JSON.stringify(value).replaceAll('"', "'")}>`);
  return JSON.parse(text) as Record<string, unknown>;
};
type State = Record<string, unknown>;
const statesOf = (definition: Record<string, unknown>) => definition.States as Record<string, State>;
const runBatchOf = (definition: Record<string, unknown>) =>
  ((statesOf(definition).Batches?.ItemProcessor as { States: Record<string, State> }).States.RunBatch ?? {}) as State & {
    Parameters: Record<string, unknown>;
  };

beforeAll(() => {
  ({ outdir, resources, close } = synthOpsConductor('opsc-runs-'));
});

afterAll(() => {
  close();
});

describe('job-run state machine', () => {
  it('is a standard workflow, traced, logging every event to a log group with a retention', () => {
    const p = props(stateMachine()[1]);
    expect(p).toMatchObject({ StateMachineType: 'STANDARD', TracingConfiguration: { Enabled: true } });
    const logging = p.LoggingConfiguration as { Level: string; IncludeExecutionData: boolean; Destinations: { CloudWatchLogsLogGroup: { LogGroupArn: GetAtt } }[] };
    expect(logging).toMatchObject({ Level: 'ALL', IncludeExecutionData: true });
    const group = resources[logging.Destinations[0]?.CloudWatchLogsLogGroup.LogGroupArn['Fn::GetAtt'][0] ?? ''];
    expect(group?.Type).toBe('AWS::Logs::LogGroup');
    expect(typeof props(group as Resource).RetentionInDays).toBe('number');
  });

  it('carries the ASL file inline, every placeholder in it substituted by CloudFormation', () => {
    const file = readFileSync(fromRoot(jobRunDefinitionFile), 'utf8');
    expect(JSON.parse(definitionText())).toEqual(JSON.parse(file));
    expect(placeholdersIn(definitionText())).toEqual(Object.keys(substitutions()).sort());
    expect(JSON.stringify(resolvedDefinition())).not.toContain('${');
  });

  it('substitutes the four task functions, the runner cluster, task definition, private subnets and host-access group', () => {
    const privateSubnets = ofType('AWS::EC2::Subnet')
      .filter(([, r]) => JSON.stringify(props(r).Tags).includes('"aws-cdk:subnet-name","Value":"private"'))
      .map(([id]) => ({ Ref: id }));
    const hostAccess = ofType('AWS::EC2::SecurityGroup').filter(([, r]) => String(props(r).GroupDescription).startsWith('OpsConductor host access'));
    expect(hostAccess).toHaveLength(1);
    expect(substitutions()).toEqual({
      PlanFunctionArn: getAtt(taskFunction('plan')[0]),
      FinalizeFunctionArn: getAtt(taskFunction('finalize')[0]),
      MarkBatchLostFunctionArn: getAtt(taskFunction('mark-batch-lost')[0]),
      MarkFailedFunctionArn: getAtt(taskFunction('mark-failed')[0]),
      ClusterArn: getAtt(cluster()[0]),
      RunnerTaskDefinitionArn: { Ref: taskDefinition()[0] },
      RunnerSubnetIds: { 'Fn::Join': [',', privateSubnets] },
      RunnerSecurityGroupId: getAtt(hostAccess[0]?.[0] ?? '', 'GroupId'),
    });
  });

  it('runs each batch as a Fargate task that answers a task token, with a heartbeat, over a Map bounded by the plan', () => {
    const definition = resolvedDefinition();
    const batches = statesOf(definition).Batches ?? {};
    expect(batches).toMatchObject({ Type: 'Map', ItemsPath: '$.plan.batches', MaxConcurrencyPath: '$.plan.mapConcurrency' });
    const runBatch = runBatchOf(definition);
    expect(runBatch).toMatchObject({ Type: 'Task', Resource: 'arn:aws:states:::ecs:runTask.waitForTaskToken', HeartbeatSeconds: 60 });
    expect(runBatch.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'MarkBatchLost' })]);
    expect(runBatch.Parameters).toMatchObject({
      Cluster: `<{'Fn::GetAtt':['${cluster()[0]}','Arn']}>`,
      TaskDefinition: `<{'Ref':'${taskDefinition()[0]}'}>`,
      LaunchType: 'FARGATE',
      NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED' } },
    });
    const overrides = runBatch.Parameters.Overrides as { ContainerOverrides: { Name: string; Environment: { Name: string }[] }[] };
    expect(overrides.ContainerOverrides.map((c) => c.Name)).toEqual([runnerContainerName]);
    expect(overrides.ContainerOverrides[0]?.Environment.map((e) => e.Name)).toEqual(['OPSC_BATCH', 'OPSC_TASK_TOKEN']);
  });

  it('is valid Amazon States Language once its placeholders hold ARNs', () => {
    const arns: Record<string, string> = {
      PlanFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:plan',
      FinalizeFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:finalize',
      MarkBatchLostFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:mark-batch-lost',
      MarkFailedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:mark-failed',
      ClusterArn: 'arn:aws:ecs:eu-west-1:111122223333:cluster/runner',
      RunnerTaskDefinitionArn: 'arn:aws:ecs:eu-west-1:111122223333:task-definition/runner:1',
      RunnerSubnetIds: 'subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb',
      RunnerSecurityGroupId: 'sg-0cccccccccccccccc',
    };
    let text = readFileSync(fromRoot(jobRunDefinitionFile), 'utf8');
    expect(placeholdersIn(text)).toEqual(Object.keys(arns).sort());
    for (const [name, value] of Object.entries(arns)) text = text.replaceAll(`\${${name}}`, value);

    const result = aslValidator(JSON.parse(text), { checkPaths: true, checkArn: true });

    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('may invoke exactly the four task functions and run only the runner task definition, in its cluster', () => {
    const statements = statementsOfRole(stateMachineRole());
    const [clusterId] = cluster();
    expect(statements.filter((s) => listOf(s.Action).includes('lambda:InvokeFunction'))).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: runTaskNames.map((n) => getAtt(taskFunction(n)[0])) },
    ]);
    expect(statements.filter((s) => listOf(s.Action).some((a) => a.startsWith('ecs:') || a.startsWith('iam:')))).toEqual([
      { Action: 'ecs:RunTask', Effect: 'Allow', Resource: { Ref: taskDefinition()[0] }, Condition: { ArnEquals: { 'ecs:cluster': getAtt(clusterId) } } },
      {
        Action: 'ecs:TagResource',
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':task/', { Ref: clusterId }, '/*']] },
        Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
      },
      {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: [getAtt(taskRole()), getAtt(executionRole())],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ]);
    // A callback task needs neither StopTask/DescribeTasks nor the managed events rule (those are `.sync`'s); logs and X-Ray are the rest.
    expect(actionsOf(statements).filter((a) => !/^(lambda|ecs|iam|logs|xray):/.test(a))).toEqual([]);
    expect(actionsOf(statements)).not.toContain('ecs:StopTask');
    expect(JSON.stringify(statements)).not.toContain('StepFunctionsGetEventsForECSTaskRule');
    for (const s of statements.filter((x) => x.Resource === '*')) expect(listOf(s.Action).every((a) => /^(logs|xray):/.test(a))).toBe(true);
  });

  it('depends on nothing of the API (the API points at it, never back)', () => {
    const [smId, sm] = stateMachine();
    const policies = ofType('AWS::IAM::Policy').filter(([, r]) => JSON.stringify(props(r).Roles).includes(`"${stateMachineRole()}"`));
    for (const [id, r] of [[smId, sm], ...policies] as [string, Resource][]) {
      expect({ id, api: JSON.stringify(r).match(/"Api[A-Za-z0-9]+"/g) ?? [] }).toEqual({ id, api: [] });
    }
  });
});

describe('run tasks', () => {
  it('builds the four task Lambdas with the table, the bus and two minutes, and grants them nothing else', () => {
    const [busId] = only('AWS::Events::EventBus');
    for (const name of runTaskNames) {
      const [, fn] = taskFunction(name);
      expect(props(fn)).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Timeout: 120 });
      expect((props(fn).Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({ TABLE_NAME: { Ref: tableId() }, EVENT_BUS_NAME: { Ref: busId } });
      const statements = statementsOfRole(roleOfFunction(fn));
      const actions = actionsOf(statements);
      expect({ name, other: actions.filter((a) => !/^(dynamodb|kms|events|xray):/.test(a)) }).toEqual({ name, other: [] });
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'events:PutEvents']));
      for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('events:'))) expect(s.Resource).toEqual(getAtt(busId));
      for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('kms:'))) expect(s.Resource).toEqual(getAtt(tableKeyId()));
    }
  });
});

describe('runner', () => {
  it('has an ECS cluster with Container Insights', () => {
    expect(props(cluster()[1]).ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
  });

  it('is a Fargate task definition (x86_64, 1 vCPU / 2 GiB) with one container, runner, logging to a group with a retention', () => {
    const p = props(taskDefinition()[1]);
    expect(p).toMatchObject({
      RequiresCompatibilities: ['FARGATE'],
      NetworkMode: 'awsvpc',
      Cpu: String(runnerTaskSize.cpu),
      Memory: String(runnerTaskSize.memoryLimitMiB),
      RuntimePlatform: { CpuArchitecture: 'X86_64', OperatingSystemFamily: 'LINUX' },
    });
    const containers = p.ContainerDefinitions as Record<string, unknown>[];
    expect(containers.map((c) => c.Name)).toEqual([runnerContainerName]);
    const container = containers[0] ?? {};
    expect(container).toMatchObject({ Essential: true, ReadonlyRootFilesystem: true });
    expect(JSON.stringify(container.Image)).toContain('container-assets');
    const logging = container.LogConfiguration as { LogDriver: string; Options: Record<string, { Ref: string }> };
    expect(logging.LogDriver).toBe('awslogs');
    const group = resources[logging.Options['awslogs-group']?.Ref ?? ''] as Resource;
    expect(group.Type).toBe('AWS::Logs::LogGroup');
    expect(props(group).RetentionInDays).toBe(30);
  });

  it('is told its table, bucket and keys, and gets the batch and task token from the state machine', () => {
    const container = (props(taskDefinition()[1]).ContainerDefinitions as { Environment: { Name: string; Value: unknown }[] }[])[0];
    const env = Object.fromEntries((container?.Environment ?? []).map((e) => [e.Name, e.Value]));
    expect(env).toEqual({
      TABLE_NAME: { Ref: tableId() },
      OUTPUT_BUCKET: { Ref: outputBucket()[0] },
      RUNS_KMS_KEY_ID: getAtt(runsKey()[0]),
      CREDENTIALS_KMS_KEY_ID: getAtt(keyNamed('OpsConductor: encrypts credential material')[0]),
      POWERTOOLS_SERVICE_NAME: 'opsconductor',
    });
  });

  it('builds its image from runner/Dockerfile in a context that holds the sources only', () => {
    const dockerfile = readFileSync(fromRoot(runnerDockerfile), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:22-slim AS build$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "runner\.mjs"\]$/m);
    const contexts = readdirSync(outdir).filter((d) => d.startsWith('asset.') && existsSync(path.join(outdir, d, runnerDockerfile)));
    expect(contexts).toHaveLength(1);
    const entries = readdirSync(path.join(outdir, contexts[0] ?? '')).sort();
    expect(entries).toEqual(['.dockerignore', 'adapters', 'core', 'lambdas', 'package-lock.json', 'package.json', 'runner', 'tsconfig.json']);
  });

  it('may use the table, write output logs under runs/, read credential material and answer its task token, and nothing else', () => {
    const statements = statementsOfRole(taskRole());
    const actions = actionsOf(statements);
    expect(actions.filter((a) => !/^(dynamodb|kms|s3|secretsmanager|states):/.test(a))).toEqual([]);
    expect(actions.filter((a) => a.endsWith(':*') || a === '*')).toEqual([]);
    // "*" only for the task-token calls, which have no resource-level permissions.
    expect(statements.filter((s) => s.Resource === '*')).toEqual([{ Action: taskTokenActions, Effect: 'Allow', Resource: '*' }]);
    expect(statements.filter((s) => listOf(s.Action).some((a) => a.startsWith('s3:')))).toEqual([
      {
        Action: ['s3:PutObject', 's3:AbortMultipartUpload'],
        Effect: 'Allow',
        Resource: { 'Fn::Join': ['', [getAtt(outputBucket()[0]), `/${outputKeyPattern}`]] },
      },
    ]);
    expect(statements.filter((s) => listOf(s.Action).some((a) => a.startsWith('secretsmanager:')))).toEqual([
      { Action: 'secretsmanager:GetSecretValue', Effect: 'Allow', Resource: expect.objectContaining({ 'Fn::Join': ['', expect.arrayContaining([`:secret:${credentialSecretPrefix}/*`])] }) as unknown },
    ]);
    // KMS in its own policy is the table key's; the runs and credentials keys are granted in their key policies.
    for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('kms:'))) expect(s.Resource).toEqual(getAtt(tableKeyId()));
    for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('dynamodb:'))) {
      expect(listOf(s.Resource as unknown[]).every((r) => JSON.stringify(r).includes(`"${tableId()}"`))).toBe(true);
    }
  });

  it('is named in every credential secret\'s readers and in the credentials key policy, for reads through Secrets Manager', () => {
    const [, credentials] = functionNamed('OpsConductor API: credentials routes');
    const readers = JSON.stringify((props(credentials).Environment as { Variables: Record<string, unknown> }).Variables.CREDENTIAL_READER_ROLE_ARNS);
    expect(readers).toContain(`"${taskRole()}"`);
    const forRunner = keyPolicyOf(keyNamed('OpsConductor: encrypts credential material')[1]).filter((s) => JSON.stringify(s.Principal).includes(`"${taskRole()}"`));
    expect(forRunner).toEqual([expect.objectContaining({ Action: 'kms:Decrypt', Condition: expect.objectContaining({ StringLike: expect.anything() as unknown }) as unknown })]);
  });

  it('lets the execution role pull the image and write the runner logs only', () => {
    const actions = actionsOf(statementsOfRole(executionRole()));
    expect(actions).toEqual(
      ['ecr:BatchCheckLayerAvailability', 'ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer', 'logs:CreateLogStream', 'logs:PutLogEvents'].sort(),
    );
  });
});

describe('runs key and output bucket', () => {
  it('seals with a rotating, retained key that only the runs API, the schedule-fire and trigger-fire Lambdas, the runner and the trigger and notification secret handlers may use, with a run id context only', () => {
    const [, key] = runsKey();
    expect(props(key).EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    const [root, ...grants] = keyPolicyOf(key);
    expect(root).toMatchObject({ Action: 'kms:*', Principal: { AWS: expect.anything() as unknown } });
    expect(grants).toEqual([
      { Effect: 'Allow', Principal: { AWS: getAtt(taskRole()) }, Action: runsKeyActions.open[0], Resource: '*', Condition: runsKeyContextCondition },
      { Effect: 'Allow', Principal: { AWS: getAtt(roleOfFunction(scheduleFire()[1])) }, Action: [...runsKeyActions.seal], Resource: '*', Condition: runsKeyContextCondition },
      { Effect: 'Allow', Principal: { AWS: getAtt(roleOfFunction(triggerFire()[1])) }, Action: [...runsKeyActions.seal], Resource: '*', Condition: runsKeyContextCondition },
      { Effect: 'Allow', Principal: { AWS: getAtt(roleOfFunction(runsApi()[1])) }, Action: [...runsKeyActions.seal], Resource: '*', Condition: runsKeyContextCondition },
      // Trigger webhook secrets (docs/triggers.md): sealed by the triggers API, opened by the public hooks route.
      { Effect: 'Allow', Principal: { AWS: getAtt(roleOfFunction(triggersApi()[1])) }, Action: [...runsKeyActions.seal], Resource: '*', Condition: runsKeyContextCondition },
      { Effect: 'Allow', Principal: { AWS: getAtt(roleOfFunction(hooksApi()[1])) }, Action: runsKeyActions.open[0], Resource: '*', Condition: runsKeyContextCondition },
      // Notification channel secrets (docs/notifications.md): sealed (and opened for test sends) by the notifications API, opened by the consumer and the overdue check.
      { Effect: 'Allow', Principal: { AWS: getAtt(roleOfFunction(notificationsApi()[1])) }, Action: [...runsKeyActions.seal], Resource: '*', Condition: runsKeyContextCondition },
      { Effect: 'Allow', Principal: { AWS: getAtt(roleOfFunction(notificationConsumer()[1])) }, Action: runsKeyActions.open[0], Resource: '*', Condition: runsKeyContextCondition },
      { Effect: 'Allow', Principal: { AWS: getAtt(roleOfFunction(notificationOverdue()[1])) }, Action: runsKeyActions.open[0], Resource: '*', Condition: runsKeyContextCondition },
    ]);
    // No role's own policy names the runs key.
    expect(JSON.stringify(ofType('AWS::IAM::Policy'))).not.toContain(`"${runsKey()[0]}"`);
  });

  it('keeps output logs in a private, encrypted, TLS-only bucket that aborts stale multipart uploads and logs access', () => {
    const [bucketId, bucket] = outputBucket();
    const p = props(bucket);
    expect(p).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 }, Status: 'Enabled' }] },
      LoggingConfiguration: { LogFilePrefix: 's3/run-output/' },
    });
    expect(p.VersioningConfiguration).toBeUndefined();
    const policy = ofType('AWS::S3::BucketPolicy').find(([, r]) => JSON.stringify(props(r).Bucket) === JSON.stringify({ Ref: bucketId }));
    expect((props(policy?.[1] as Resource).PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
      expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    ]);
    const logsBucketId = (p.LoggingConfiguration as { DestinationBucketName: { Ref: string } }).DestinationBucketName.Ref;
    const logsPolicy = ofType('AWS::S3::BucketPolicy').find(([, r]) => JSON.stringify(props(r).Bucket) === JSON.stringify({ Ref: logsBucketId }));
    expect(JSON.stringify(logsPolicy)).toContain(JSON.stringify({ 'aws:SourceArn': getAtt(bucketId) }));
  });
});

describe('runs API', () => {
  it('is told the state machine and the runs key, and may start this state machine only', () => {
    const [, fn] = runsApi();
    const [smId] = stateMachine();
    expect((props(fn).Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
      STATE_MACHINE_ARN: { Ref: smId },
      RUNS_KMS_KEY_ID: getAtt(runsKey()[0]),
    });
    const statements = statementsOfRole(roleOfFunction(fn)).filter((s) => JSON.stringify(s.Action).includes('states:'));
    expect(statements).toEqual([{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: smId } }]);
    // Nobody else may start runs but the schedule-fire and trigger-fire Lambdas (cdk/lib/schedules.ts, cdk/lib/triggers.ts), on the same terms.
    const starters = ofType('AWS::IAM::Policy').filter(([, r]) => JSON.stringify(props(r).PolicyDocument).includes('states:StartExecution'));
    expect(starters.map(([, r]) => (props(r).Roles as { Ref: string }[])[0]?.Ref).sort()).toEqual([roleOfFunction(fn), roleOfFunction(scheduleFire()[1]), roleOfFunction(triggerFire()[1])].sort());
    expect(statementsOfRole(roleOfFunction(scheduleFire()[1])).filter((s) => JSON.stringify(s.Action).includes('states:'))).toEqual(statements);
    expect(statementsOfRole(roleOfFunction(triggerFire()[1])).filter((s) => JSON.stringify(s.Action).includes('states:'))).toEqual(statements);
  });
});
