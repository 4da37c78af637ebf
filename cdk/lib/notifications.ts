import { Duration, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule, type EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RunCompleted, RunStarted } from '../../core/events/catalog';
import type { Data } from './data';
import { alarmedDeadLetters, consumerTarget } from './dead-letters';
import { ServiceFunction } from './function';
import type { Runs } from './runs';

export const notificationConsumerEntry = 'lambdas/notification-consumer/index.ts';
export const notificationOverdueEntry = 'lambdas/notification-overdue/index.ts';
/** As the audit rule: EventBridge retries a failed delivery this often, for at most a day, then dead-letters it. */
export const notificationRetryAttempts = 8;
export const notificationMaxEventAge = Duration.hours(24);
/** A rule may name 10 channels and a webhook may take 4 tries of 10 s with waits between: room for that. */
export const notificationConsumerTimeout = Duration.minutes(5);
/** Where mail comes from unless `-c mailFrom=` says otherwise; it must be an SES-verified identity (or in a verified domain). */
export const defaultMailFrom = 'opsconductor@example.com';

export interface NotificationsProps {
  readonly data: Data;
  readonly bus: EventBus;
  readonly runs: Runs;
  /** The console's origin, for links to run pages. */
  readonly consoleUrl: string;
  /** The sender address (an SES identity of this account). */
  readonly mailFrom?: string;
  /** The notifications API handler: it seals channel secrets and test sends need SES too. */
  readonly apiHandler: ServiceFunction;
}

/** The SES identities a sender address may use: the address itself and its domain. */
const sesIdentityArns = (stack: Stack, address: string): string[] => {
  const domain = address.slice(address.lastIndexOf('@') + 1);
  return [address, domain].map((identity) => stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity }));
};

/**
 * Notifications on AWS: a rule on the bus matching `Run Started` and `Run Completed` invokes the
 * consumer (lambdas/notification-consumer), which delivers to the matching rules' channels; an
 * EventBridge schedule invokes the overdue check every minute. Both dead-letter into one encrypted
 * queue with an alarm. Mail goes through SES from one sender address, and only from it.
 */
export class Notifications extends Construct {
  readonly consumer: ServiceFunction;
  readonly overdueCheck: ServiceFunction;
  readonly rule: Rule;
  readonly schedule: Rule;
  readonly deadLetters: Queue;
  readonly deadLettersAlarm: Alarm;
  readonly mailFrom: string;

  constructor(scope: Construct, id: string, props: NotificationsProps) {
    super(scope, id);
    this.mailFrom = props.mailFrom ?? defaultMailFrom;
    const stack = Stack.of(this);

    const deadLetters = alarmedDeadLetters(this, 'DeadLetters', {
      alarmDescription: 'notification events were dead-lettered (their messages were not sent until they are redriven)',
      feeds: 'the notification rule and schedule targets and of their functions',
    });
    this.deadLetters = deadLetters.queue;
    this.deadLettersAlarm = deadLetters.alarm;

    const environment = { TABLE_NAME: props.data.table.tableName, CONSOLE_URL: props.consoleUrl, MAIL_FROM: this.mailFrom };
    const sendMail = new PolicyStatement({
      actions: ['ses:SendEmail', 'ses:SendRawEmail'],
      resources: sesIdentityArns(stack, this.mailFrom),
      conditions: { StringEquals: { 'ses:FromAddress': this.mailFrom } },
    });

    this.consumer = new ServiceFunction(this, 'Consumer', {
      entry: notificationConsumerEntry,
      description: 'OpsConductor notifications: run events to the channels of matching rules',
      timeout: notificationConsumerTimeout,
      environment,
    });
    this.overdueCheck = new ServiceFunction(this, 'OverdueCheck', {
      entry: notificationOverdueEntry,
      description: 'OpsConductor notifications: runs past a rule’s overdue duration, every minute',
      timeout: notificationConsumerTimeout,
      environment,
    });
    // Reads rules, channels, projects and runs; Puts deliveries (conditional claims). The overdue check
    // lists unfinished runs (Query RUNS#ACTIVE) and drops markers of runs already finished (DeleteItem).
    props.data.grantItemActions(this.consumer.fn, 'GetItem', 'Query', 'PutItem');
    props.data.grantItemActions(this.overdueCheck.fn, 'GetItem', 'Query', 'PutItem', 'DeleteItem');
    for (const fn of [this.consumer, this.overdueCheck]) {
      // Opening channel secrets (webhook signing secrets, Slack URLs) sealed with the runs key.
      props.runs.grantTriggerSecrets(fn, 'open');
      fn.fn.addToRolePolicy(sendMail);
    }
    // Test sends from the API: the same sender, the same links.
    props.apiHandler.fn.addToRolePolicy(sendMail);
    props.apiHandler.fn.addEnvironment('CONSOLE_URL', props.consoleUrl);
    props.apiHandler.fn.addEnvironment('MAIL_FROM', this.mailFrom);

    this.rule = new Rule(this, 'Rule', {
      eventBus: props.bus,
      description: 'Run Started and Run Completed into notifications',
      eventPattern: { source: [RunStarted.source], detailType: [RunStarted.detailType, RunCompleted.detailType] },
      targets: [consumerTarget(this.consumer.fn, deadLetters, { retryAttempts: notificationRetryAttempts, maxEventAge: notificationMaxEventAge })],
    });
    // Scheduled rules live on the default bus. A missed minute is caught up by the next one, so no retries.
    this.schedule = new Rule(this, 'OverdueSchedule', {
      description: 'The notifications overdue check, every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [consumerTarget(this.overdueCheck.fn, deadLetters, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });

  }
}
