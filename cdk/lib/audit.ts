import { Duration } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Match, Rule, type EventBus } from 'aws-cdk-lib/aws-events';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { AUDIT_RETENTION_DAYS_DEFAULT } from '../../core/audit/schema';
import type { Data } from './data';
import { alarmedDeadLetters, consumerTarget, deadLetterRetention } from './dead-letters';
import { ServiceFunction } from './function';

export const auditConsumerEntry = 'lambdas/audit-consumer/index.ts';
/** EventBridge retries a failed delivery this often, for at most `auditMaxEventAge`, then dead-letters it. */
export const auditRetryAttempts = 8;
export const auditMaxEventAge = Duration.hours(24);
export const auditDeadLetterRetention = deadLetterRetention;

export interface AuditProps {
  readonly data: Data;
  readonly bus: EventBus;
  /** Days each record is kept (DynamoDB TTL on `expiresAt`) unless its project sets its own `auditRetentionDays`. */
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

    const deadLetters = alarmedDeadLetters(this, 'DeadLetters', {
      alarmDescription: 'audit events were dead-lettered (records are missing until they are redriven)',
      feeds: 'the audit rule target and of the consumer',
    });
    this.deadLetters = deadLetters.queue;
    this.deadLettersAlarm = deadLetters.alarm;

    this.consumer = new ServiceFunction(this, 'Consumer', {
      entry: auditConsumerEntry,
      description: 'OpsConductor audit trail: one record per event',
      environment: {
        TABLE_NAME: props.data.table.tableName,
        AUDIT_RETENTION_DAYS: String(props.retentionDays ?? AUDIT_RETENTION_DAYS_DEFAULT),
      },
    });
    // A conditional PutItem per record (attribute_not_exists), nothing updated or deleted; GetItem reads a project's retention.
    props.data.grantItemActions(this.consumer.fn, 'PutItem', 'GetItem');
    this.rule = new Rule(this, 'Rule', {
      eventBus: props.bus,
      description: 'Every OpsConductor event into the audit trail',
      eventPattern: { source: Match.prefix('opsconductor.') },
      // Handler failures: Lambda retries twice, then the same queue.
      targets: [consumerTarget(this.consumer.fn, deadLetters, { retryAttempts: auditRetryAttempts, maxEventAge: auditMaxEventAge })],
    });
  }
}
