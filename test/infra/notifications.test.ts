import { deadLetterRetention } from '../../cdk/lib/dead-letters';
import { defaultMailFrom, notificationRetryAttempts } from '../../cdk/lib/notifications';
import { runsKeyContextCondition } from '../../cdk/lib/runs';
import { RunCompleted, RunStarted } from '../../core/events/catalog';
import { resourceQueries, synthOpsConductor, type GetAtt, type Resource, type Statement } from '../support/template';

/**
 * Notifications on AWS (cdk/lib/notifications.ts): the bus rule and its consumer, the overdue
 * schedule, the dead-letter queue with its alarm, SES scoped to the one sender, and channel secrets
 * opened with the runs key only. cdk-nag is enforced: Template.fromStack throws on any finding.
 */

let resources: Record<string, Resource>;
let close: () => void;
const { ofType, props, functionNamed, roleOfFunction: roleOf, statementsOfRole: statementsOf, envOf } = resourceQueries(() => resources);

const consumer = () => functionNamed('OpsConductor notifications: run events to the channels of matching rules');
const overdue = () => functionNamed('OpsConductor notifications: runs past a rule’s overdue duration, every minute');
const api = () => functionNamed('OpsConductor API: notifications routes');
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const rulesTargeting = (fnId: string) =>
  ofType('AWS::Events::Rule').filter(([, r]) => JSON.stringify(props(r).Targets).includes(`"${fnId}"`));

beforeAll(() => {
  ({ resources, close } = synthOpsConductor('opsc-notifications-'));
});
afterAll(() => {
  close();
});

describe('notifications on AWS', () => {
  it('a rule on the bus sends Run Started and Run Completed to the consumer, with retries and a dead-letter queue', () => {
    const [fnId] = consumer();
    const [rule] = rulesTargeting(fnId);
    expect(rule).toBeDefined();
    const ruleProps = props((rule as [string, Resource])[1]);
    expect(ruleProps.EventPattern).toEqual({ source: [RunStarted.source], 'detail-type': [RunStarted.detailType, RunCompleted.detailType] });
    expect(JSON.stringify(ruleProps.EventBusName)).toContain(ofType('AWS::Events::EventBus')[0]?.[0]);
    const [target] = ruleProps.Targets as { RetryPolicy: Record<string, number>; DeadLetterConfig: { Arn: GetAtt } }[];
    expect(target?.RetryPolicy).toEqual({ MaximumRetryAttempts: notificationRetryAttempts, MaximumEventAgeInSeconds: 24 * 3600 });
    const queueId = target?.DeadLetterConfig.Arn['Fn::GetAtt'][0];
    const queue = resources[String(queueId)];
    expect(props(queue as Resource)).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: deadLetterRetention.toSeconds() });
    const alarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => JSON.stringify(props(a).Dimensions).includes(`"${String(queueId)}"`));
    expect(alarms).toHaveLength(1);
    expect(props((alarms[0] as [string, Resource])[1])).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('the overdue check runs every minute on a schedule', () => {
    const [fnId] = overdue();
    const rules = rulesTargeting(fnId);
    expect(rules).toHaveLength(1);
    expect(props((rules[0] as [string, Resource])[1]).ScheduleExpression).toBe('rate(1 minute)');
  });

  it('sends mail from the one sender only, and opens channel secrets with the runs key only for a channel context', () => {
    for (const [, fn] of [consumer(), overdue(), api()]) {
      expect(envOf(fn)).toMatchObject({ MAIL_FROM: defaultMailFrom, CONSOLE_URL: expect.anything() as unknown });
      const ses = statementsOf(roleOf(fn)).filter((s) => actions(s).some((a) => a.startsWith('ses:')));
      expect(ses).toHaveLength(1);
      expect(actions(ses[0] as Statement).sort()).toEqual(['ses:SendEmail', 'ses:SendRawEmail']);
      expect((ses[0] as Statement).Condition).toEqual({ StringEquals: { 'ses:FromAddress': defaultMailFrom } });
      const identities = JSON.stringify((ses[0] as Statement).Resource);
      expect(identities).toContain(`:identity/${defaultMailFrom}`);
      expect(identities).toContain(':identity/example.com');
      expect(identities).not.toContain('*');
      expect(envOf(fn).RUNS_KMS_KEY_ID).toBeDefined();
    }
    const runsKey = ofType('AWS::KMS::Key').find(([, r]) => String(props(r).Description).startsWith('OpsConductor: seals the secure parameter values of runs'));
    const keyStatements = (props((runsKey as [string, Resource])[1]).KeyPolicy as { Statement: Statement[] }).Statement;
    for (const [, fn] of [consumer(), overdue()]) {
      const granted = keyStatements.filter((s) => JSON.stringify(s.Principal).includes(`"${roleOf(fn)}"`));
      expect(granted).toEqual([expect.objectContaining({ Action: 'kms:Decrypt', Condition: runsKeyContextCondition })]);
    }
  });

  it('gives the consumer item reads and writes on the table, nothing on its indexes', () => {
    const [, fn] = consumer();
    const table = ofType('AWS::DynamoDB::Table')[0]?.[0];
    const dynamo = statementsOf(roleOf(fn)).filter((s) => actions(s).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([expect.objectContaining({ Action: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem'], Resource: { 'Fn::GetAtt': [table, 'Arn'] } })]);
  });
});
