import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDynamoCredentialStore, createDynamoTargetStore } from '../adapters/aws/inventory-store';
import { createSecretsManagerVault } from '../adapters/aws/secrets-manager-vault';
import { targetsUsingCredential } from '../core/inventory/targets-service';
import { runnerConnectionTester, runnerNetworkScanner } from '../runner/connection-tester';
import { inspectPrivateKey } from '../runner/ssh/key-fingerprint';
import { awsTable, requireEnv } from './aws-runtime';

/**
 * Inventory: credential material in Secrets Manager (encrypted with the credentials key, readable
 * only by the roles named in CREDENTIAL_READER_ROLE_ARNS), connection tests and discovery run by
 * the runner's clients from the function, which sits in the runner's network.
 */
export const awsInventory = () => {
  const table = awsTable();
  const targets = createDynamoTargetStore(table);
  return {
    targets,
    credentials: createDynamoCredentialStore(table),
    vault: createSecretsManagerVault({
      client: new SecretsManagerClient({}),
      kmsKeyId: requireEnv('CREDENTIALS_KMS_KEY_ID'),
      readerRoleArns: requireEnv('CREDENTIAL_READER_ROLE_ARNS').split(','),
    }),
    tester: runnerConnectionTester,
    scanner: runnerNetworkScanner,
    inspectKey: inspectPrivateKey,
    targetsUsingCredential: (projectId: string, credentialId: string) => targetsUsingCredential({ targets }, projectId, credentialId),
  };
};
