import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFileVault } from '../../adapters/local/file-vault';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nCANARY-KEY-b3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n';
const PASSWORD = 'CANARY-vault-Pw-1!';
const ref = { projectId: 'prj_1', credentialId: 'crd_1' };

describe('local file vault', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'opsc-vault-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores material encrypted in owner-only files and reads it back', async () => {
    const vault = await createFileVault(dir);

    const version = await vault.put(ref, { kind: 'ssh-key', privateKey: KEY, passphrase: PASSWORD });

    expect(await vault.get(ref)).toEqual({ kind: 'ssh-key', privateKey: KEY, passphrase: PASSWORD });
    expect(await vault.get(ref, version)).toEqual({ kind: 'ssh-key', privateKey: KEY, passphrase: PASSWORD });
    const file = path.join(dir, 'vault', 'credentials.json');
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain('CANARY');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'vault', 'vault.key')).mode & 0o777).toBe(0o600);
    expect(statSync(path.join(dir, 'vault')).mode & 0o777).toBe(0o700);
  });

  it('keeps the previous version for runs in flight and drops older ones', async () => {
    const vault = await createFileVault(dir);
    const v1 = await vault.put(ref, { kind: 'ssh-password', password: 'one' });
    const v2 = await vault.put(ref, { kind: 'ssh-password', password: 'two' });
    const v3 = await vault.put(ref, { kind: 'ssh-password', password: 'three' });

    expect(await vault.get(ref)).toEqual({ kind: 'ssh-password', password: 'three' });
    expect(await vault.get(ref, v2)).toEqual({ kind: 'ssh-password', password: 'two' });
    await expect(vault.get(ref, v1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(v3).not.toBe(v2);
  });

  it('survives a restart with the same key, and forgets deleted credentials', async () => {
    await (await createFileVault(dir)).put(ref, { kind: 'winrm-password', password: PASSWORD });

    const reopened = await createFileVault(dir);
    expect(await reopened.get(ref)).toEqual({ kind: 'winrm-password', password: PASSWORD });
    await reopened.delete(ref);
    await expect(reopened.get(ref)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  });

  it('refuses a sealed value moved to another credential', async () => {
    const vault = await createFileVault(dir);
    await vault.put(ref, { kind: 'ssh-password', password: PASSWORD });
    const file = path.join(dir, 'vault', 'credentials.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { credentials: Record<string, unknown> };
    data.credentials['prj_1/crd_2'] = data.credentials['prj_1/crd_1'];
    writeFileSync(file, JSON.stringify(data));

    await expect(vault.get({ projectId: 'prj_1', credentialId: 'crd_2' })).rejects.toThrow();
  });

  it('loses no write when many land at once', async () => {
    const vault = await createFileVault(dir);

    await Promise.all(Array.from({ length: 20 }, (_, i) => vault.put({ projectId: 'p', credentialId: `c${i}` }, { kind: 'ssh-password', password: `pw${i}` })));

    for (let i = 0; i < 20; i++) expect(await vault.get({ projectId: 'p', credentialId: `c${i}` })).toEqual({ kind: 'ssh-password', password: `pw${i}` });
  });
});
