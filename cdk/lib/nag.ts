import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * Acknowledge cdk-nag findings on one construct (and its children). Use the plain rule id
 * (`AwsSolutions-L1`) or a per-finding id (`AwsSolutions-IAM5[Resource::*]`); every call site
 * carries the written reason the finding is accepted.
 */
export const acknowledge = (scope: IConstruct, ...findings: { id: string; reason: string }[]): void => {
  Validations.of(scope).acknowledge(...findings);
};
