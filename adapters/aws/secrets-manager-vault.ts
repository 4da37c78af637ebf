import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { notFound } from '../../core/errors';
import { CredentialMaterial } from '../../core/inventory/credential-schema';
import type { CredentialRef, CredentialVault } from '../../core/ports/vault';

/**
 * One Secrets Manager secret per credential, encrypted with the stack's KMS key. Rotation is
 * PutSecretValue: Secrets Manager keeps the previous version (AWSPREVIOUS) for runs in flight.
 * Each secret gets a resource policy that refuses GetSecretValue to every principal but the
 * runner's and the connection test's roles, so an API handler that can write material cannot
 * read it back.
 */
export interface SecretsManagerVaultDeps {
  client: SecretsManagerClient;
  kmsKeyId: string;
  /** Roles allowed to read material (the runner, the connection test). */
  readerRoleArns: readonly string[];
  prefix?: string;
}

export const secretName = (ref: CredentialRef, prefix = 'opsconductor/credentials') => `${prefix}/${ref.projectId}/${ref.credentialId}`;

export const readerPolicy = (readerRoleArns: readonly string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'OnlyRunnersReadMaterial',
        Effect: 'Deny',
        Principal: '*',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:PrincipalArn': [...readerRoleArns] } },
      },
    ],
  });

export const createSecretsManagerVault = (deps: SecretsManagerVaultDeps): CredentialVault => {
  const name = (ref: CredentialRef) => secretName(ref, deps.prefix);
  return {
    put: async (ref, material) => {
      const SecretString = JSON.stringify(CredentialMaterial.parse(material));
      let versionId: string | undefined;
      try {
        const created = await deps.client.send(
          new CreateSecretCommand({ Name: name(ref), SecretString, KmsKeyId: deps.kmsKeyId, Description: 'OpsConductor credential material' }),
        );
        versionId = created.VersionId;
      } catch (e) {
        if (!(e instanceof ResourceExistsException)) throw e;
        versionId = (await deps.client.send(new PutSecretValueCommand({ SecretId: name(ref), SecretString }))).VersionId;
      }
      // Applied on every write, so a rotation also brings the readers up to date (a new runner role, say).
      await deps.client.send(new PutResourcePolicyCommand({ SecretId: name(ref), ResourcePolicy: readerPolicy(deps.readerRoleArns), BlockPublicPolicy: true }));
      return versionId ?? '';
    },

    get: async (ref, versionId) => {
      try {
        const res = await deps.client.send(new GetSecretValueCommand({ SecretId: name(ref), ...(versionId === undefined ? {} : { VersionId: versionId }) }));
        return CredentialMaterial.parse(JSON.parse(res.SecretString ?? ''));
      } catch (e) {
        if (e instanceof ResourceNotFoundException) throw notFound('Credential material', ref.credentialId);
        throw e;
      }
    },

    delete: async (ref) => {
      try {
        await deps.client.send(new DeleteSecretCommand({ SecretId: name(ref), RecoveryWindowInDays: 7 }));
      } catch (e) {
        if (!(e instanceof ResourceNotFoundException)) throw e;
      }
    },
  };
};
