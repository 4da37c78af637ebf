import type { Template } from 'aws-cdk-lib/assertions';
import { runsKeyActions, runsKeyContextCondition } from '../../cdk/lib/runs';
import { scheduleDeadLetterRetention, scheduleGroupNameOf, scheduleSyncActions } from '../../cdk/lib/schedules';
import { resourceQueries, synthOpsConductor, type Resource, type Statement } from '../support/template';

/**
 * Firing schedules on AWS (cdk/lib/schedules.ts): the Scheduler schedule group, the schedule-fire
 * Lambda, the role Scheduler assumes, the dead-letter queue and its alarm, and what the schedules
 * API is told and allowed. cdk-nag is enforced as in stack.test.ts: Template.fromStack throws on
 * any unacknowledged finding.
 */

let template: Template;
let resources: Record<string, Resource>;
let close: () => void;

const { ofType, props, only, getAtt, functionNamed, roleOfFunction, statementsOfRole, actionsOf, envOf } = resourceQueries(() => resources);

const group = () => only('AWS::Scheduler::ScheduleGroup');
const fire = () => functionNamed('OpsConductor schedules: one fire of one schedule (EventBridge Scheduler target)');
const schedulesApi = () => functionNamed('OpsConductor API: schedules routes');
const schedulerRole = (): [string, Resource] => {
  const found = ofType('AWS::IAM::Role').filter(([, r]) => JSON.stringify(props(r).AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'));
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
};
const deadLetters = (): [string, Resource] => {
  const [fnId] = fire();
  const config = ofType('AWS::Lambda::EventInvokeConfig').find(([, r]) => JSON.stringify(props(r).FunctionName) === JSON.stringify({ Ref: fnId }))?.[1];
  const destination = JSON.stringify(config && props(config).DestinationConfig);
  const found = ofType('AWS::SQS::Queue').filter(([id]) => destination.includes(`"${id}"`));
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
};
const tableId = () => only('AWS::DynamoDB::Table')[0];
const busId = () => only('AWS::Events::EventBus')[0];
const stateMachineId = () => only('AWS::StepFunctions::StateMachine')[0];
const runsKey = (): Resource => {
  const found = ofType('AWS::KMS::Key').filter(([, r]) => String(props(r).Description).startsWith('OpsConductor: seals the secure parameter values of runs'));
  expect(found).toHaveLength(1);
  return (found[0] as [string, Resource])[1];
};

beforeAll(() => {
  ({ template, resources, close } = synthOpsConductor('opsc-schedules-'));
});

afterAll(() => {
  close();
});

describe('schedule group', () => {
  it('is one group per stack, named after it', () => {
    expect(props(group()[1])).toEqual({ Name: scheduleGroupNameOf('OpsConductor') });
  });
});

describe('schedule-fire Lambda', () => {
  it('is built like every function, with its table and bus, and the state machine and runs key from grantStartRuns', () => {
    const [, fn] = fire();
    expect(props(fn)).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', TracingConfig: { Mode: 'Active' } });
    expect(envOf(fn)).toMatchObject({
      TABLE_NAME: { Ref: tableId() },
      EVENT_BUS_NAME: { Ref: busId() },
      STATE_MACHINE_ARN: { Ref: stateMachineId() },
      RUNS_KMS_KEY_ID: expect.objectContaining({ 'Fn::GetAtt': expect.arrayContaining(['Arn']) as unknown }) as unknown,
    });
  });

  it('may read and write the table, publish on the bus, start the job-run state machine, seal with the runs key and dead-letter, nothing else', () => {
    const [, fn] = fire();
    const statements = statementsOfRole(roleOfFunction(fn));
    expect(actionsOf(statements).filter((a) => !/^(dynamodb|kms|events|states|sqs|xray):/.test(a))).toEqual([]);
    expect(statements).toContainEqual({ Action: 'events:PutEvents', Effect: 'Allow', Resource: getAtt(busId()) });
    expect(statements).toContainEqual({ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: stateMachineId() } });
    expect(actionsOf(statements)).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query']));
    for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('dynamodb:'))) expect(JSON.stringify(s.Resource)).toContain(`"${tableId()}"`);
    for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('sqs:'))) expect(s.Resource).toEqual(getAtt(deadLetters()[0]));
    // The runs key: in its key policy, with the run id context, as for the runs API.
    expect((props(runsKey()).KeyPolicy as { Statement: Statement[] }).Statement).toContainEqual({
      Effect: 'Allow',
      Principal: { AWS: getAtt(roleOfFunction(fn)) },
      Action: [...runsKeyActions.seal],
      Resource: '*',
      Condition: runsKeyContextCondition,
    });
  });

  it('dead-letters a fire that keeps failing', () => {
    const [fnId] = fire();
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fnId },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: getAtt(deadLetters()[0]) } },
    });
  });
});

describe('Scheduler role', () => {
  it('is assumable by EventBridge Scheduler of this account only', () => {
    const [, role] = schedulerRole();
    expect((props(role).AssumeRolePolicyDocument as { Statement: Statement[] }).Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(props(role).ManagedPolicyArns).toBeUndefined();
  });

  it('may invoke the fire Lambda and send to the dead-letter queue, nothing else', () => {
    const [roleId] = schedulerRole();
    expect(statementsOfRole(roleId)).toEqual([
      { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: getAtt(fire()[0]) },
      { Action: 'sqs:SendMessage', Effect: 'Allow', Resource: getAtt(deadLetters()[0]) },
    ]);
  });
});

describe('schedules dead-letter queue', () => {
  it('is encrypted, TLS-only, kept 14 days, and alarms on any message in it', () => {
    const [id, queue] = deadLetters();
    expect(props(queue)).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: scheduleDeadLetterRetention.toSeconds() });
    const statements = ofType('AWS::SQS::QueuePolicy')
      .filter(([, r]) => JSON.stringify(props(r).Queues).includes(`"${id}"`))
      .flatMap(([, r]) => (props(r).PolicyDocument as { Statement: Statement[] }).Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(id, 'QueueName') }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });
});

describe('schedules API', () => {
  it('is told the group, the fire Lambda, the Scheduler role and the dead-letter queue', () => {
    expect(envOf(schedulesApi()[1])).toMatchObject({
      SCHEDULE_GROUP: { Ref: group()[0] },
      SCHEDULE_FIRE_FUNCTION_ARN: getAtt(fire()[0]),
      SCHEDULER_ROLE_ARN: getAtt(schedulerRole()[0]),
      SCHEDULE_DLQ_ARN: getAtt(deadLetters()[0]),
    });
  });

  it("may manage schedules in this stack's group only, and pass the Scheduler role to Scheduler only", () => {
    const statements = statementsOfRole(roleOfFunction(schedulesApi()[1]));
    const scheduler = statements.filter((s) => JSON.stringify(s.Action).includes('scheduler:'));
    expect(scheduler).toEqual([
      {
        Action: [...scheduleSyncActions],
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':scheduler:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:schedule/${scheduleGroupNameOf('OpsConductor')}/*`],
          ],
        },
      },
    ]);
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('iam:'))).toEqual([
      {
        Action: 'iam:PassRole',
        Effect: 'Allow',
        Resource: getAtt(schedulerRole()[0]),
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
    // It starts no runs and invokes nothing itself: Scheduler does, as the role.
    expect(actionsOf(statements).filter((a) => /^(states|lambda|sqs):/.test(a))).toEqual([]);
  });

  it('is the only one that may manage Scheduler schedules or pass the Scheduler role', () => {
    const holders = ofType('AWS::IAM::Policy').filter(([, r]) => /scheduler:|iam:PassRole[^}]*scheduler\.amazonaws\.com/.test(JSON.stringify(props(r).PolicyDocument)));
    expect(holders.map(([, r]) => (props(r).Roles as { Ref: string }[])[0]?.Ref)).toEqual([roleOfFunction(schedulesApi()[1])]);
  });
});
