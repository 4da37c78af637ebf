import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from './nag';

export const deadLetterRetention = Duration.days(14);

export interface DeadLettersProps {
  /** Completes "OpsConductor: …" in the alarm: what is missing while messages sit here. */
  readonly alarmDescription: string;
  /** Who puts messages here, for the cdk-nag acknowledgement (a dead-letter queue needs none of its own). */
  readonly feeds: string;
}

export interface DeadLetters {
  readonly queue: Queue;
  readonly alarm: Alarm;
}

/**
 * The dead-letter queue of one bus consumer (audit, schedules, triggers, notifications): encrypted,
 * TLS only, kept 14 days, with an alarm on the first visible message. Made in the caller's scope as
 * `<id>` and `<id>Alarm`, so consumers that had their own keep their resources. Messages are looked
 * at and redriven by an operator, never consumed by the product.
 */
export const alarmedDeadLetters = (scope: Construct, id: string, props: DeadLettersProps): DeadLetters => {
  const queue = new Queue(scope, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: deadLetterRetention });
  acknowledge(queue, {
    id: 'AwsSolutions-SQS3',
    reason: `This queue is itself the dead-letter queue of ${props.feeds}; messages here are looked at (and redriven) by an operator, not consumed.`,
  });
  const alarm = new Alarm(scope, `${id}Alarm`, {
    alarmDescription: `OpsConductor: ${props.alarmDescription}`,
    metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: 'Maximum' }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
  return { queue, alarm };
};

export interface DeliveryPolicy {
  /** EventBridge's retries of a delivery it could not make (throttling, the function unavailable). */
  readonly retryAttempts: number;
  readonly maxEventAge: Duration;
  /** Lambda's retries of an asynchronous invocation whose handler threw. */
  readonly handlerRetryAttempts?: number;
  readonly handlerMaxEventAge?: Duration;
}

/**
 * A Lambda as the target of an EventBridge rule, both failure paths ending in the same dead-letter
 * queue: deliveries EventBridge gives up on (its retry policy) and invocations whose handler keeps
 * throwing (Lambda's asynchronous retries, then an on-failure destination).
 */
export const consumerTarget = (fn: IFunction, deadLetters: DeadLetters, policy: DeliveryPolicy): LambdaFunction => {
  fn.configureAsyncInvoke({
    retryAttempts: policy.handlerRetryAttempts ?? 2,
    maxEventAge: policy.handlerMaxEventAge ?? Duration.hours(6),
    onFailure: new SqsDestination(deadLetters.queue),
  });
  return new LambdaFunction(fn, { deadLetterQueue: deadLetters.queue, retryAttempts: policy.retryAttempts, maxEventAge: policy.maxEventAge });
};
