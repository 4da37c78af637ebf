import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Match, Rule, type EventBus } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AUDIT_RETENTION_DAYS_DEFAULT } from '../../core/audit/schema';
import type { Data } from './data';
import { ServiceFunction } from './function';
import { acknowledge } from './nag';

export const auditConsumerEntry = 'lambdas/audit-consumer/index.ts';
/** EventBridge retries a failed delivery this often, for at most `auditMaxEventAge`, then dead-letters it. */
export const auditRetryAttempts = 8;
export const auditMaxEventAge = Duration.hours(24);
export const auditDeadLetterRetention = Duration.days(14);

export interface AuditProps {
  readonly data: Data;
  readonly bus: EventBus;
  /** Days each record is kept (DynamoDB TTL on `expiresAt`). */
  readonly retentionDays?: number;
}

/**
 * The audit trail's writer: a rule on the bus matching every `opsconductor.*` event invokes the
 * audit consumer, which puts one immutable record per event (lambdas/audit-consumer). Events that
 * cannot be delivered, or whose handling keeps failing, land in an encrypted dead-letter queue with
 * an alarm on it; redrive them to the consumer after the fix (records are idempotent by event id).
 */
export class Audit extends Construct {
  readonly consumer: ServiceFunction;
  readonly rule: Rule;
  readonly deadLetters: Queue;
  readonly deadLettersAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AuditProps) {
    super(scope, id);

    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: auditDeadLetterRetention,
    });
    acknowledge(this.deadLetters, {
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the audit rule target and of the consumer; messages here are redriven by an operator, not consumed.',
    });

    this.consumer = new ServiceFunction(this, 'Consumer', {
      entry: auditConsumerEntry,
      description: 'OpsConductor audit trail: one record per event',
      environment: {
        TABLE_NAME: props.data.table.tableName,
        AUDIT_RETENTION_DAYS: String(props.retentionDays ?? AUDIT_RETENTION_DAYS_DEFAULT),
      },
    });
    // Write-only: a conditional PutItem per record (attribute_not_exists), nothing read or deleted.
    props.data.grantItemActions(this.consumer.fn, 'PutItem');
    // Handler failures (async invocation by EventBridge): Lambda retries twice, then the same queue.
    this.consumer.fn.configureAsyncInvoke({
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetters),
    });

    this.rule = new Rule(this, 'Rule', {
      eventBus: props.bus,
      description: 'Every OpsConductor event into the audit trail',
      eventPattern: { source: Match.prefix('opsconductor.') },
      targets: [
        new LambdaFunction(this.consumer.fn, {
          deadLetterQueue: this.deadLetters,
          retryAttempts: auditRetryAttempts,
          maxEventAge: auditMaxEventAge,
        }),
      ],
    });

    this.deadLettersAlarm = new Alarm(this, 'DeadLettersAlarm', {
      alarmDescription: 'OpsConductor: audit events were dead-lettered (records are missing until they are redriven)',
      metric: this.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
