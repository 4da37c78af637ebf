import { RemovalPolicy, type CfnElement } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct, type IConstruct } from 'constructs';
import { table as tableModel } from '../../core/data-model';
import { acknowledge } from './nag';

/** Item-level DynamoDB actions a function may be granted one by one. */
export type ItemAction = 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query';

/**
 * The single DynamoDB table, keyed exactly as core/data-model.ts says (the local stack creates the
 * same table in dynalite from the same description), encrypted with our own rotating KMS key.
 */
export class Data extends Construct {
  readonly table: Table;
  readonly key: Key;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    this.key = new Key(this, 'TableKey', {
      description: 'OpsConductor: encrypts the single DynamoDB table',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableModel.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableModel.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      timeToLiveAttribute: tableModel.ttlAttribute,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableModel.indexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }
  }

  /** Item reads on the table and its indexes, with the KMS decrypt DynamoDB needs for it. */
  grantRead(grantee: IGrantable & IConstruct): void {
    this.table.grantReadData(grantee);
    acknowledge(grantee, this.indexWildcard());
  }

  /** Item read/write on the table and its indexes, with the KMS use DynamoDB needs for it. */
  grantReadWrite(grantee: IGrantable & IConstruct): void {
    this.table.grantReadWriteData(grantee);
    acknowledge(
      grantee,
      this.indexWildcard(),
      {
        id: 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
        reason: 'DynamoDB encryption with the table key, granted on that one key only (CDK table grant).',
      },
      {
        id: 'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
        reason: 'DynamoDB encryption with the table key, granted on that one key only (CDK table grant).',
      },
    );
  }

  /**
   * Only these item actions, on the table itself (no indexes), with kms:Decrypt on the table key:
   * DynamoDB uses the table key it decrypts for reads and writes alike.
   */
  grantItemActions(grantee: IGrantable, ...actions: ItemAction[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: actions.map((a) => `dynamodb:${a}`), resources: [this.table.tableArn] }),
    );
    this.key.grantDecrypt(grantee);
  }

  /**
   * Item actions on items whose partition key starts with `prefix` only (IAM's `dynamodb:LeadingKeys`):
   * for a function that must write one kind of item and nothing else in the table.
   */
  grantItemActionsUnder(grantee: IGrantable, prefix: string, ...actions: ItemAction[]): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: actions.map((a) => `dynamodb:${a}`),
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${prefix}*`] } },
      }),
    );
    this.key.grantDecrypt(grantee);
  }

  private indexWildcard(): { id: string; reason: string } {
    const logicalId = this.table.stack.getLogicalId(this.table.node.defaultChild as CfnElement);
    return {
      id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>/index/*]`,
      reason: `Queries on this table's own GSIs (${tableModel.indexes.map((i) => i.name).join(', ')}); the wildcard never leaves this table.`,
    };
  }
}
