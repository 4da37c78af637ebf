import { ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TRIGGER_RULE_PREFIX } from '../../core/triggers/rule';
import type { Data } from './data';
import { alarmedDeadLetters } from './dead-letters';
import { eventBusName } from './events';
import { ServiceFunction } from './function';
import { acknowledge } from './nag';
import type { Runs } from './runs';

export const triggerFireEntry = 'lambdas/trigger-fire/index.ts';
/** What the triggers API may do with rules named `trigger-*` on the bus (adapters/aws/eventbridge-trigger-sync.ts). */
export const triggerRuleActions = ['events:PutRule', 'events:DeleteRule', 'events:DescribeRule', 'events:RemoveTargets'] as const;

export interface TriggersProps {
  readonly data: Data;
  readonly bus: EventBus;
  /** The fire Lambda starts runs as the runs API does. */
  readonly runs: Pick<Runs, 'grantStartRuns'>;
}

/**
 * Firing triggers on AWS. The rules themselves are made at run time, one per trigger, by the
 * triggers API (`grantSync`); this is what they need: the trigger-fire Lambda they target
 * (core/triggers/fire.ts), its permission to be invoked by exactly those rules, and the dead-letter
 * queue (with its alarm) that both EventBridge and the Lambda's asynchronous retries end in.
 */
export class Triggers extends Construct {
  readonly fire: ServiceFunction;
  readonly deadLetters: Queue;
  readonly deadLettersAlarm: Alarm;
  /** `arn:…:rule/<bus>/trigger-*`: every trigger rule, and nothing else on the bus. */
  readonly ruleArns: string;

  constructor(scope: Construct, id: string, props: TriggersProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.ruleArns = stack.formatArn({
      service: 'events',
      resource: 'rule',
      // The bus has a fixed name (cdk/lib/events.ts): a literal keeps the ARN readable in policies and findings.
      resourceName: `${eventBusName}/${TRIGGER_RULE_PREFIX}*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });

    const deadLetters = alarmedDeadLetters(this, 'DeadLetters', {
      alarmDescription: 'trigger deliveries were dead-lettered (those events started no run)',
      feeds: 'the trigger rules and of the fire Lambda',
    });
    this.deadLetters = deadLetters.queue;
    this.deadLettersAlarm = deadLetters.alarm;
    // The rules are not in this template, so EventBridge's right to dead-letter is granted here, to trigger rules only.
    this.deadLetters.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetters.queueArn],
        conditions: { ArnLike: { 'aws:SourceArn': this.ruleArns } },
      }),
    );

    this.fire = new ServiceFunction(this, 'Fire', {
      entry: triggerFireEntry,
      description: 'OpsConductor triggers: one event delivered to one trigger (EventBridge rule target)',
      timeout: Duration.seconds(30),
      environment: { TABLE_NAME: props.data.table.tableName, EVENT_BUS_NAME: props.bus.eventBusName },
    });
    // The trigger, its job and runs (read), the run (write); Trigger Fired/Failed and Run Queued.
    props.data.grantReadWrite(this.fire.fn);
    props.bus.grantPutEventsTo(this.fire.fn);
    props.runs.grantStartRuns(this.fire);
    // EventBridge invokes asynchronously: a fire that throws is retried twice, then dead-lettered.
    this.fire.fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(6), onFailure: new SqsDestination(this.deadLetters) });
    this.fire.fn.addPermission('InvokeFromTriggerRules', {
      principal: new ServicePrincipal('events.amazonaws.com'),
      action: 'lambda:InvokeFunction',
      sourceArn: this.ruleArns,
      sourceAccount: Aws.ACCOUNT_ID,
    });
  }

  /**
   * The triggers API: TRIGGER_FIRE_FUNCTION_ARN and TRIGGER_DLQ_ARN; put, describe and delete rules
   * named `trigger-*` on the bus, remove their targets, and put targets on them only when the target
   * is the fire Lambda. A Lambda target needs no role, so there is nothing to pass.
   */
  grantSync(fn: ServiceFunction): void {
    fn.fn.addEnvironment('TRIGGER_FIRE_FUNCTION_ARN', this.fire.fn.functionArn);
    fn.fn.addEnvironment('TRIGGER_DLQ_ARN', this.deadLetters.queueArn);
    fn.fn.addToRolePolicy(new PolicyStatement({ actions: [...triggerRuleActions], resources: [this.ruleArns] }));
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['events:PutTargets'],
        resources: [this.ruleArns],
        conditions: { ArnEquals: { 'events:TargetArn': this.fire.fn.functionArn } },
      }),
    );
    acknowledge(fn.fn, {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:rule/${eventBusName}/${TRIGGER_RULE_PREFIX}*]`,
      reason: "One EventBridge rule per trigger, named by its id at run time; the API may manage rules with the trigger prefix on the product bus only, and target them only at the fire Lambda.",
    });
  }
}
