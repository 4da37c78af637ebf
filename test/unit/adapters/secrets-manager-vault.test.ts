import {
  CreateSecretCommand,
  type GetSecretValueCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { createSecretsManagerVault } from '../../../adapters/aws/secrets-manager-vault';

const ref = { projectId: 'prj_1', credentialId: 'crd_1' };
const reader = 'arn:aws:iam::123456789012:role/runner';

describe('Secrets Manager vault', () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('creates one KMS-encrypted secret per credential and locks reading to the runner roles', async () => {
    const sent: unknown[] = [];
    jest.spyOn(SecretsManagerClient.prototype, 'send').mockImplementation(((cmd: unknown) => {
      sent.push(cmd);
      return Promise.resolve(cmd instanceof CreateSecretCommand ? { VersionId: 'v1' } : {});
    }) as never);
    const vault = createSecretsManagerVault({ client: new SecretsManagerClient({ region: 'eu-west-1' }), kmsKeyId: 'key-1', readerRoleArns: [reader] });

    const version = await vault.put(ref, { kind: 'ssh-password', password: 'pw' });

    expect(version).toBe('v1');
    const create = sent[0] as CreateSecretCommand;
    expect(create.input).toMatchObject({ Name: 'opsconductor/credentials/prj_1/crd_1', KmsKeyId: 'key-1', SecretString: '{"kind":"ssh-password","password":"pw"}' });
    const policy = sent[1] as PutResourcePolicyCommand;
    expect(policy).toBeInstanceOf(PutResourcePolicyCommand);
    expect(JSON.parse(policy.input.ResourcePolicy ?? '')).toMatchObject({
      Statement: [{ Effect: 'Deny', Action: ['secretsmanager:GetSecretValue'], Condition: { StringNotEquals: { 'aws:PrincipalArn': [reader] } } }],
    });
  });

  it('rotates an existing secret with PutSecretValue', async () => {
    const sent: unknown[] = [];
    jest.spyOn(SecretsManagerClient.prototype, 'send').mockImplementation(((cmd: unknown) => {
      sent.push(cmd);
      if (cmd instanceof CreateSecretCommand) return Promise.reject(new ResourceExistsException({ message: 'exists', $metadata: {} }));
      return Promise.resolve({ VersionId: 'v2' });
    }) as never);
    const vault = createSecretsManagerVault({ client: new SecretsManagerClient({ region: 'eu-west-1' }), kmsKeyId: 'k', readerRoleArns: [reader] });

    expect(await vault.put(ref, { kind: 'ssh-password', password: 'new' })).toBe('v2');
    expect(sent[1]).toBeInstanceOf(PutSecretValueCommand);
    expect(sent[2]).toBeInstanceOf(PutResourcePolicyCommand);
  });

  it('reads a version and maps a missing secret to NOT_FOUND', async () => {
    const spy = jest.spyOn(SecretsManagerClient.prototype, 'send').mockImplementation(((cmd: unknown) => {
      const input = (cmd as GetSecretValueCommand).input;
      if (input.SecretId?.endsWith('crd_missing')) return Promise.reject(new ResourceNotFoundException({ message: 'nope', $metadata: {} }));
      return Promise.resolve({ SecretString: '{"kind":"winrm-password","password":"pw"}' });
    }) as never);
    const vault = createSecretsManagerVault({ client: new SecretsManagerClient({ region: 'eu-west-1' }), kmsKeyId: 'k', readerRoleArns: [] });

    expect(await vault.get(ref, 'v7')).toEqual({ kind: 'winrm-password', password: 'pw' });
    expect((spy.mock.calls[0]?.[0] as GetSecretValueCommand).input).toEqual({ SecretId: 'opsconductor/credentials/prj_1/crd_1', VersionId: 'v7' });
    await expect(vault.get({ projectId: 'prj_1', credentialId: 'crd_missing' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
