import { ArnFormat, Aws, Duration, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { CfnScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Data } from './data';
import { alarmedDeadLetters, deadLetterRetention } from './dead-letters';
import { ServiceFunction } from './function';
import { acknowledge } from './nag';
import type { Runs } from './runs';

export const scheduleFireEntry = 'lambdas/schedule-fire/index.ts';
/** What the schedules API may do with Scheduler schedules (adapters/aws/scheduler-schedule-sync.ts). */
export const scheduleSyncActions = ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'] as const;
export const scheduleDeadLetterRetention = deadLetterRetention;
/** The schedule group's name: one per stack. */
export const scheduleGroupNameOf = (stackName: string): string => `${stackName}-schedules`;

export interface SchedulesProps {
  readonly data: Data;
  readonly bus: EventBus;
  /** The fire Lambda starts runs as the runs API does. */
  readonly runs: Pick<Runs, 'grantStartRuns'>;
}

/**
 * Firing schedules on AWS: a Scheduler schedule group holding one schedule per OpsConductor schedule
 * (the schedules API puts and deletes them, `grantSync`), the schedule-fire Lambda each one
 * invokes (core/schedules/fire.ts), the role Scheduler assumes for that, and an encrypted
 * dead-letter queue with an alarm for deliveries and fires that keep failing.
 */
export class Schedules extends Construct {
  readonly group: CfnScheduleGroup;
  readonly groupName: string;
  readonly fire: ServiceFunction;
  /** Assumed by Scheduler: invokes the fire Lambda and dead-letters, nothing else. */
  readonly schedulerRole: Role;
  readonly deadLetters: Queue;
  readonly deadLettersAlarm: Alarm;

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.groupName = scheduleGroupNameOf(stack.stackName);
    this.group = new CfnScheduleGroup(this, 'Group', { name: this.groupName });

    const deadLetters = alarmedDeadLetters(this, 'DeadLetters', {
      alarmDescription: 'schedule fires were dead-lettered (those scheduled times started no run)',
      feeds: 'the Scheduler schedules and of the fire Lambda',
    });
    this.deadLetters = deadLetters.queue;
    this.deadLettersAlarm = deadLetters.alarm;

    this.fire = new ServiceFunction(this, 'Fire', {
      entry: scheduleFireEntry,
      description: 'OpsConductor schedules: one fire of one schedule (EventBridge Scheduler target)',
      timeout: Duration.seconds(30),
      environment: { TABLE_NAME: props.data.table.tableName, EVENT_BUS_NAME: props.bus.eventBusName },
    });
    // The schedule, its job and runs (read), the run and the fire marks (write); Schedule Fired/Missed and Run Queued.
    props.data.grantReadWrite(this.fire.fn);
    props.bus.grantPutEventsTo(this.fire.fn);
    props.runs.grantStartRuns(this.fire);
    // Scheduler invokes asynchronously: a fire that throws is retried twice, then dead-lettered.
    this.fire.fn.configureAsyncInvoke({ retryAttempts: 2, maxEventAge: Duration.hours(1), onFailure: new SqsDestination(this.deadLetters) });

    this.schedulerRole = new Role(this, 'SchedulerRole', {
      description: 'OpsConductor: assumed by EventBridge Scheduler to invoke the schedule-fire Lambda',
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
    });
    this.schedulerRole.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.fire.fn.functionArn] }));
    this.schedulerRole.addToPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }));
  }

  /**
   * The schedules API: SCHEDULE_GROUP, SCHEDULE_FIRE_FUNCTION_ARN, SCHEDULER_ROLE_ARN and
   * SCHEDULE_DLQ_ARN; creating, updating, deleting and reading schedules in this group only; and
   * passing the Scheduler role, to Scheduler only.
   */
  grantSync(fn: ServiceFunction): void {
    fn.fn.addEnvironment('SCHEDULE_GROUP', this.group.ref);
    fn.fn.addEnvironment('SCHEDULE_FIRE_FUNCTION_ARN', this.fire.fn.functionArn);
    fn.fn.addEnvironment('SCHEDULER_ROLE_ARN', this.schedulerRole.roleArn);
    fn.fn.addEnvironment('SCHEDULE_DLQ_ARN', this.deadLetters.queueArn);
    const schedules = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.groupName}/*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    fn.fn.addToRolePolicy(new PolicyStatement({ actions: [...scheduleSyncActions], resources: [schedules] }));
    fn.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [this.schedulerRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    acknowledge(fn.fn, {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${this.groupName}/*]`,
      reason: 'One Scheduler schedule per OpsConductor schedule, named by its id at run time; the API may manage schedules in this stack\'s group only.',
    });
  }
}
