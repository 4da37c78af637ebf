import { Duration, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { fireInputTemplateOf } from '../../adapters/aws/eventbridge-trigger-sync';
import { deadLetterRetention } from '../../cdk/lib/dead-letters';
import { eventBusName } from '../../cdk/lib/events';
import { runsKeyActions, runsKeyContextCondition } from '../../cdk/lib/runs';
import { OpsConductorStack } from '../../cdk/lib/stack';
import { triggerRuleActions } from '../../cdk/lib/triggers';
import { removeTestApps, resourceQueries, synthOpsConductor, testApp, type Resource, type Statement } from '../support/template';

/**
 * Triggers on AWS (cdk/lib/triggers.ts): the trigger-fire Lambda every trigger rule targets, who may
 * invoke it and dead-letter for it, what the triggers API may do with rules; and the bus's archive
 * retention and cross-account policy (cdk/lib/events.ts). cdk-nag is enforced by synthOpsConductor.
 */

let resources: Record<string, Resource>;
let template: Template;
let close: () => void;

const { ofType, props, only, getAtt, functionNamed, roleOfFunction, statementsOfRole, actionsOf, envOf } = resourceQueries(() => resources);

const fire = () => functionNamed('OpsConductor triggers: one event delivered to one trigger (EventBridge rule target)');
const triggersApi = () => functionNamed('OpsConductor API: triggers routes');
const deadLetters = (): [string, Resource] => {
  const [fnId] = fire();
  const config = ofType('AWS::Lambda::EventInvokeConfig').find(([, r]) => JSON.stringify(props(r).FunctionName) === JSON.stringify({ Ref: fnId }))?.[1];
  const destination = JSON.stringify(config && props(config).DestinationConfig);
  const found = ofType('AWS::SQS::Queue').filter(([id]) => destination.includes(`"${id}"`));
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
};
const busId = () => only('AWS::Events::EventBus')[0];
const stateMachineId = () => only('AWS::StepFunctions::StateMachine')[0];
/** `arn:…:rule/opsconductor/trigger-*`, as CloudFormation writes it. */
const triggerRules = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:rule/${eventBusName}/trigger-*`]],
};

beforeAll(() => {
  ({ template, resources, close } = synthOpsConductor('opsc-triggers-'));
});

afterAll(() => {
  close();
  removeTestApps();
});

describe('trigger-fire Lambda', () => {
  it('is built like every function, with its table and bus, and the state machine and runs key from grantStartRuns', () => {
    const [, fn] = fire();
    expect(props(fn)).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], Handler: 'index.handler', TracingConfig: { Mode: 'Active' } });
    expect(envOf(fn)).toMatchObject({ EVENT_BUS_NAME: { Ref: busId() }, STATE_MACHINE_ARN: { Ref: stateMachineId() } });
  });

  it('may be invoked by EventBridge for trigger rules of this account only', () => {
    const [fnId] = fire();
    const permissions = ofType('AWS::Lambda::Permission').filter(([, r]) => JSON.stringify(props(r).FunctionName).includes(`"${fnId}"`));
    expect(permissions.map(([, r]) => props(r))).toEqual([
      { Action: 'lambda:InvokeFunction', FunctionName: getAtt(fnId), Principal: 'events.amazonaws.com', SourceAccount: { Ref: 'AWS::AccountId' }, SourceArn: triggerRules },
    ]);
  });

  it('may read and write the table, publish on the bus, start runs with the runs key and dead-letter, nothing else', () => {
    const [, fn] = fire();
    const statements = statementsOfRole(roleOfFunction(fn));
    expect(actionsOf(statements).filter((a) => !/^(dynamodb|kms|events|states|sqs|xray):/.test(a))).toEqual([]);
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('events:'))).toEqual([{ Action: 'events:PutEvents', Effect: 'Allow', Resource: getAtt(busId()) }]);
    expect(statements).toContainEqual({ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: stateMachineId() } });
    for (const s of statements.filter((x) => JSON.stringify(x.Action).includes('sqs:'))) expect(s.Resource).toEqual(getAtt(deadLetters()[0]));
    const runsKey = ofType('AWS::KMS::Key').find(([, r]) => String(props(r).Description).startsWith('OpsConductor: seals the secure parameter values of runs'))?.[1];
    expect((props(runsKey as Resource).KeyPolicy as { Statement: Statement[] }).Statement).toContainEqual({
      Effect: 'Allow',
      Principal: { AWS: getAtt(roleOfFunction(fn)) },
      Action: [...runsKeyActions.seal],
      Resource: '*',
      Condition: runsKeyContextCondition,
    });
  });

  it('dead-letters a fire whose handler keeps failing', () => {
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: fire()[0] },
      MaximumRetryAttempts: 2,
      DestinationConfig: { OnFailure: { Destination: getAtt(deadLetters()[0]) } },
    });
  });
});

describe('triggers dead-letter queue', () => {
  it('is encrypted, TLS-only, kept 14 days, alarmed, and takes messages from EventBridge for trigger rules only', () => {
    const [id, queue] = deadLetters();
    expect(props(queue)).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: deadLetterRetention.toSeconds() });
    const statements = ofType('AWS::SQS::QueuePolicy')
      .filter(([, r]) => JSON.stringify(props(r).Queues).includes(`"${id}"`))
      .flatMap(([, r]) => (props(r).PolicyDocument as { Statement: Statement[] }).Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(statements).toContainEqual({
      Action: 'sqs:SendMessage',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Resource: getAtt(id),
      Condition: { ArnLike: { 'aws:SourceArn': triggerRules } },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: getAtt(id, 'QueueName') }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('is one of the dead-letter queues every bus consumer has, each with its alarm', () => {
    const queues = ofType('AWS::SQS::Queue').filter(([, r]) => props(r).MessageRetentionPeriod === deadLetterRetention.toSeconds());
    const alarmed = queues.filter(([id]) => ofType('AWS::CloudWatch::Alarm').some(([, a]) => JSON.stringify(props(a).Dimensions).includes(`"${id}"`)));
    expect(alarmed.map(([id]) => id)).toEqual(queues.map(([id]) => id));
    expect(queues.length).toBeGreaterThanOrEqual(3);
  });
});

describe('triggers API', () => {
  it('is told the fire Lambda and the dead-letter queue', () => {
    expect(envOf(triggersApi()[1])).toMatchObject({ TRIGGER_FIRE_FUNCTION_ARN: getAtt(fire()[0]), TRIGGER_DLQ_ARN: getAtt(deadLetters()[0]) });
  });

  it('may manage trigger-* rules on the bus only, and target them only at the fire Lambda', () => {
    const statements = statementsOfRole(roleOfFunction(triggersApi()[1]));
    expect(statements.filter((s) => JSON.stringify(s.Action).includes('events:') && s.Action !== 'events:PutEvents')).toEqual([
      { Action: [...triggerRuleActions], Effect: 'Allow', Resource: triggerRules },
      { Action: 'events:PutTargets', Effect: 'Allow', Resource: triggerRules, Condition: { ArnEquals: { 'events:TargetArn': getAtt(fire()[0]) } } },
    ]);
    expect(actionsOf(statements).filter((a) => /^(iam|lambda|states):/.test(a))).toEqual([]);
  });

  it('is the only one that may manage rules', () => {
    const holders = ofType('AWS::IAM::Policy').filter(([, r]) => /events:(PutRule|PutTargets|DeleteRule|RemoveTargets)/.test(JSON.stringify(props(r).PolicyDocument)));
    expect(holders.map(([, r]) => (props(r).Roles as { Ref: string }[])[0]?.Ref)).toEqual([roleOfFunction(triggersApi()[1])]);
  });

  it("sends the fire Lambda the ids and EventBridge's whole event", () => {
    const template = fireInputTemplateOf({ id: 'trg_01JD0000000000000000000001', projectId: 'prj_01JD0000000000000000000001' });
    expect(JSON.parse(template.replace('<aws.events.event.json>', '{"id":"e"}'))).toEqual({
      triggerId: 'trg_01JD0000000000000000000001',
      projectId: 'prj_01JD0000000000000000000001',
      event: { id: 'e' },
    });
  });
});

describe('bus', () => {
  it('has no resource policy unless other accounts are listed', () => {
    expect(ofType('AWS::Events::EventBusPolicy')).toEqual([]);
  });

  it('keeps the archive as long as the stack property says, and lets listed accounts put events that are not OpsConductor\'s', () => {
    const app = testApp();
    // cdk-nag as for the default stack: Template.fromStack throws on an unacknowledged finding.
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new OpsConductorStack(app, 'CrossAccount', { events: { archiveRetention: Duration.days(30), putEventsAccounts: ['111122223333', '444455556666'] } });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::Events::Archive', { RetentionDays: 30 });
    const policies = Object.values(t.findResources('AWS::Events::EventBusPolicy')) as Resource[];
    expect(policies).toHaveLength(1);
    const busLogicalId = Object.keys(t.findResources('AWS::Events::EventBus'))[0] ?? '';
    expect(props(policies[0] as Resource)).toMatchObject({
      EventBusName: { Ref: busLogicalId },
      Statement: {
        Sid: 'cdk-PutEventsFromListedAccounts',
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Principal: {
          AWS: [
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] },
            { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444455556666:root']] },
          ],
        },
        Resource: getAtt(busLogicalId),
        Condition: { StringNotLike: { 'events:source': 'opsconductor.*' } },
      },
    });
  });

  it('refuses an account list with something that is not an account id', () => {
    const app = testApp();
    expect(() => new OpsConductorStack(app, 'Bad', { events: { putEventsAccounts: ['1111-2222-3333'] } })).toThrow('12-digit account ids');
  });
});
