import { ArnFormat, Aws, Lazy, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { acknowledge } from './nag';

/**
 * Where credential material lives: one Secrets Manager secret per credential, named
 * `<prefix>/<projectId>/<credentialId>` (adapters/aws/secrets-manager-vault.ts, `secretName`).
 */
export const credentialSecretPrefix = 'opsconductor/credentials';

/**
 * The Secrets Manager calls each side of the vault makes. Writers create, rotate (PutSecretValue),
 * lock down (PutResourcePolicy) and delete secrets, and never read them; readers only read a
 * version (GetSecretValue with VersionId).
 */
export const credentialSecretActions = {
  write: ['CreateSecret', 'PutSecretValue', 'PutResourcePolicy', 'DeleteSecret', 'DescribeSecret'],
  read: ['GetSecretValue'],
} as const;

/**
 * What Secrets Manager asks KMS for on the caller's behalf: CreateSecret and PutSecretValue with a
 * customer-managed key need kms:GenerateDataKey and kms:Decrypt (Secrets Manager API reference);
 * GetSecretValue needs kms:Decrypt. Both only through Secrets Manager, for our secrets only.
 */
export const credentialKeyActions = {
  write: ['kms:GenerateDataKey', 'kms:Decrypt'],
  read: ['kms:Decrypt'],
} as const;

/**
 * Inventory on AWS: the customer-managed KMS key that encrypts credential secrets (apart from the
 * table key, so that who may use one says nothing about the other) and the grants on the secrets.
 * The key policy names every role that may use the key; the roles' own policies carry no KMS
 * permission for it.
 *
 * Readers are collected as they are granted: `readerRoleArns` (CREDENTIAL_READER_ROLE_ARNS, which
 * the vault writes into each secret's resource policy) resolves at synth, so a reader granted
 * later, such as the runner's task role, is in it without touching the writers.
 */
export class Inventory extends Construct {
  readonly credentialsKey: Key;
  /** arn:<partition>:secretsmanager:<region>:<account>:secret:opsconductor/credentials/* */
  readonly credentialSecretsArn: string;
  /** The readers' role ARNs, comma-separated. */
  readonly readerRoleArns: string;
  private readonly readers: IRole[] = [];
  private writers = 0;

  constructor(scope: Construct, id: string) {
    super(scope, id);

    // CDK's default key policy gives the account root full control, so the key can always be
    // administered (and never orphaned); the statements added by the grants name the roles that may use it.
    this.credentialsKey = new Key(this, 'CredentialsKey', {
      description: 'OpsConductor: encrypts credential material in Secrets Manager',
      enableKeyRotation: true,
      // Secrets encrypted with it outlive a stack deletion (7-day recovery window, then gone).
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.credentialSecretsArn = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${credentialSecretPrefix}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });

    this.readerRoleArns = Lazy.string({ produce: () => this.readers.map((r) => r.roleArn).join(',') });

    this.node.addValidation({
      validate: () =>
        this.writers > 0 && this.readers.length === 0
          ? ['Credentials can be written but no role may read them: grant a reader with grantCredentialRead (the connection test, the runner).']
          : [],
    });
  }

  /** Create, rotate, lock down and delete credential secrets; never read them. */
  grantCredentialWrite(role: IRole): void {
    this.writers += 1;
    role.addToPrincipalPolicy(this.secretsStatement(credentialSecretActions.write));
    this.credentialsKey.addToResourcePolicy(this.keyStatement(role, credentialKeyActions.write));
    acknowledge(role, this.secretsWildcard());
  }

  /**
   * Read credential material (a connection test, the runner). The role also goes into
   * CREDENTIAL_READER_ROLE_ARNS, the only principals each secret's resource policy lets read.
   */
  grantCredentialRead(role: IRole): void {
    this.readers.push(role);
    role.addToPrincipalPolicy(this.secretsStatement(credentialSecretActions.read));
    this.credentialsKey.addToResourcePolicy(this.keyStatement(role, credentialKeyActions.read));
    acknowledge(role, this.secretsWildcard());
  }

  private secretsStatement(actions: readonly string[]): PolicyStatement {
    return new PolicyStatement({ actions: actions.map((a) => `secretsmanager:${a}`), resources: [this.credentialSecretsArn] });
  }

  /** Key use on a role's behalf by Secrets Manager, in this account, for credential secrets only. */
  private keyStatement(role: IRole, actions: readonly string[]): PolicyStatement {
    return new PolicyStatement({
      principals: [role],
      actions: [...actions],
      resources: ['*'],
      conditions: {
        StringEquals: { 'kms:ViaService': `secretsmanager.${Aws.REGION}.${Aws.URL_SUFFIX}`, 'kms:CallerAccount': Aws.ACCOUNT_ID },
        StringLike: { 'kms:EncryptionContext:SecretARN': this.credentialSecretsArn },
      },
    });
  }

  private secretsWildcard(): { id: string; reason: string } {
    return {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${credentialSecretPrefix}/*]`,
      reason:
        'Secrets are created per credential at run time (opsconductor/credentials/<project>/<credential>), so no ARN exists at deploy time; the wildcard stays inside the credentials prefix.',
    };
  }
}
