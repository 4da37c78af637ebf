import { request, type HttpResponse } from '../support/http';
import { startInProcessStack } from '../support/in-process-stack';
import { freePort, startTestSshd, type TestSshd } from '../support/sshd';

/**
 * Inventory over HTTP against a real OpenSSH sshd on loopback: credentials whose material never
 * comes back, targets selected by tags, connection tests with trust on first use and host key
 * changes, import, and discovery.
 */
let stack: Awaited<ReturnType<typeof startInProcessStack>>;
let sshd: TestSshd;
let projectId: string;
const responses: HttpResponse[] = [];

beforeAll(async () => {
  sshd = await startTestSshd();
  stack = await startInProcessStack();
  projectId = String((await api('POST', '/v1/projects', { name: 'inventory' })).json().id);
}, 60_000);

afterAll(async () => {
  await stack.close();
  await sshd.stop();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await request(stack.url, method, path, { token: stack.adminToken, ...(body === undefined ? {} : { body }) });
  responses.push(res);
  return res;
}
const p = (path: string) => `/v1/projects/${projectId}${path}`;

let keyCredential: string;
let webTarget: string;

describe('inventory', () => {
  it('keeps key material write-only and shows its public fingerprint', async () => {
    const created = await api('POST', p('/credentials'), { name: 'deploy key', kind: 'ssh-key', username: sshd.username, privateKey: sshd.clientKey.privateKey });

    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ kind: 'ssh-key', username: sshd.username, publicKeyFingerprint: sshd.clientKey.fingerprint });
    expect(created.text).not.toContain('PRIVATE KEY');
    keyCredential = String(created.json().id);
    const read = await api('GET', p(`/credentials/${keyCredential}`));
    expect(read.text).not.toContain('PRIVATE KEY');
  });

  it('refuses a key that cannot be used when it is saved', async () => {
    const bad = await api('POST', p('/credentials'), {
      name: 'broken',
      kind: 'ssh-key',
      username: 'x',
      privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nnot-a-key\n-----END OPENSSH PRIVATE KEY-----',
    });

    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ path: 'privateKey' }] } });
  });

  it('tests a connection, trusting the host key on first use', async () => {
    webTarget = String(
      (await api('POST', p('/targets'), { name: 'web-1', address: '127.0.0.1', port: sshd.port, protocol: 'ssh', credentialId: keyCredential, tags: { env: 'prod', role: 'web' } })).json().id,
    );

    const tested = await api('POST', p(`/targets/${webTarget}/test`));

    expect(tested.status).toBe(200);
    expect(tested.json()).toMatchObject({
      result: { ok: true, hostKeyFingerprint: sshd.hostKeyFingerprint, os: expect.stringMatching(/^Linux /) as unknown },
      target: { hostKey: { fingerprint: sshd.hostKeyFingerprint, acceptedBy: 'trust-on-first-use' }, lastTest: { ok: true } },
    });
  });

  it('fails on a changed host key until an admin accepts the new one', async () => {
    const other = await sshd.keygen('other-host');
    const pinned = await api('PATCH', p(`/targets/${webTarget}`), { hostKeyFingerprint: other.fingerprint });
    expect(pinned.status).toBe(200);

    const mismatch = await api('POST', p(`/targets/${webTarget}/test`));
    expect(mismatch.json()).toMatchObject({
      result: { ok: false, category: 'HOST_KEY_MISMATCH' },
      target: { lastTest: { ok: false, category: 'HOST_KEY_MISMATCH', presentedFingerprint: sshd.hostKeyFingerprint } },
    });

    const accepted = await api('POST', p(`/targets/${webTarget}/accept-host-key`), { fingerprint: sshd.hostKeyFingerprint });
    expect(accepted.json()).toMatchObject({ hostKey: { fingerprint: sshd.hostKeyFingerprint, acceptedBy: 'admin' } });
    expect(accepted.json().hostKeyFingerprint).toBeUndefined();
    expect((await api('POST', p(`/targets/${webTarget}/test`))).json()).toMatchObject({ result: { ok: true } });
  });

  it('names the failure: wrong credential, closed port', async () => {
    const wrong = String((await api('POST', p('/credentials'), { name: 'wrong', kind: 'ssh-password', username: sshd.username, password: 'CANARY-wrong-pw' })).json().id);
    const badLogin = String((await api('POST', p('/targets'), { name: 'bad-login', address: '127.0.0.1', port: sshd.port, protocol: 'ssh', credentialId: wrong })).json().id);
    const closed = String((await api('POST', p('/targets'), { name: 'closed', address: '127.0.0.1', port: await freePort(), protocol: 'ssh', credentialId: keyCredential })).json().id);

    expect((await api('POST', p(`/targets/${badLogin}/test`))).json()).toMatchObject({ result: { ok: false, category: 'AUTH_FAILED' } });
    expect((await api('POST', p(`/targets/${closed}/test`))).json()).toMatchObject({ result: { ok: false, category: 'REFUSED' } });
  });

  it('tests every target a selector matches, a few at a time', async () => {
    const bulk = await api('POST', p('/targets/test'), { selector: 'env=prod' });

    expect(bulk.json()).toEqual({ results: [expect.objectContaining({ name: 'web-1', ok: true })] });
  });

  it('selects targets by tags, name prefix and protocol, and points at a bad selector', async () => {
    await api('POST', p('/targets'), { name: 'db-1', address: 'db1.example.internal', protocol: 'ssh', tags: { env: 'prod', role: 'db' } });
    await api('POST', p('/targets'), { name: 'win-1', address: '10.0.0.9', protocol: 'winrm', winrm: { transport: 'https', auth: 'ntlm' }, tags: { env: 'dev' } });
    const names = async (query: string) => ((await api('GET', p(`/targets?${query}`))).json().items as { name: string }[]).map((t) => t.name).sort();

    expect(await names(`selector=${encodeURIComponent('env=prod,role in (web,db)')}`)).toEqual(['db-1', 'web-1']);
    expect(await names(`selector=${encodeURIComponent('!role')}`)).toEqual(['bad-login', 'closed', 'win-1']);
    expect(await names('namePrefix=WEB')).toEqual(['web-1']);
    expect(await names('protocol=winrm')).toEqual(['win-1']);
    const bad = await api('GET', p(`/targets?selector=${encodeURIComponent('env in (prod')}`));
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/position \d+/);
  });

  it('pages through a filtered list', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = (await api('GET', p(`/targets?limit=2${cursor === undefined ? '' : `&cursor=${cursor}`}`))).json() as { items: { name: string }[]; nextCursor?: string };
      seen.push(...page.items.map((t) => t.name));
      cursor = page.nextCursor;
    } while (cursor !== undefined);

    expect(seen.sort()).toEqual(['bad-login', 'closed', 'db-1', 'web-1', 'win-1']);
  });

  it('keeps target names unique in the project and refuses a credential of the wrong kind', async () => {
    expect((await api('POST', p('/targets'), { name: 'WEB-1', address: '127.0.0.1', protocol: 'ssh' })).status).toBe(409);
    const winCred = String((await api('POST', p('/credentials'), { name: 'win', kind: 'winrm-password', username: 'Administrator', password: 'CANARY-win-pw' })).json().id);
    const wrongKind = await api('POST', p('/targets'), { name: 'ssh-with-winrm-cred', address: '127.0.0.1', protocol: 'ssh', credentialId: winCred });
    expect(wrongKind.status).toBe(400);
  });

  it('imports CSV, JSON and Ansible INI, with a dry run first, idempotent by name', async () => {
    const ini = ['[web]', 'web[1:2].example.com ansible_user=deploy', '', '[db]', 'db-9 ansible_host=10.1.0.9 ansible_port=2222', '', '[prod:children]', 'web', 'db', '', '[prod:vars]', 'env=prod'].join('\n');

    const dry = await api('POST', p('/targets/import'), { format: 'ansible-ini', content: ini, dryRun: true });
    expect(dry.json()).toMatchObject({ dryRun: true, created: 3, updated: 0, failed: 0 });
    expect(((await api('GET', p('/targets?namePrefix=web1'))).json().items as unknown[]).length).toBe(0);

    const real = await api('POST', p('/targets/import'), { format: 'ansible-ini', content: ini });
    const again = await api('POST', p('/targets/import'), { format: 'ansible-ini', content: ini });
    const csv = await api('POST', p('/targets/import'), {
      format: 'csv',
      content: 'name,address,port,protocol,username,credentialId,tags,description\ncsv-1,10.2.0.1,22,ssh,,,env=qa,"first, with comma"\ncsv-2,bad address,22,ssh,,,,\n',
    });
    const json = await api('POST', p('/targets/import'), { format: 'json', content: JSON.stringify({ targets: [{ name: 'json-1', address: '10.3.0.1', protocol: 'ssh' }] }) });

    expect(real.json()).toMatchObject({ created: 3, failed: 0 });
    expect(again.json()).toMatchObject({ created: 0, updated: 0, unchanged: 3, failed: 0 });
    expect(csv.json()).toMatchObject({ created: 1, failed: 1, rows: expect.arrayContaining([expect.objectContaining({ line: 3, action: 'error' })]) as unknown });
    expect(json.json()).toMatchObject({ created: 1 });
    const db9 = ((await api('GET', p('/targets?namePrefix=db-9'))).json().items as { address: string; port: number; tags: Record<string, string> }[])[0];
    expect(db9).toMatchObject({ address: '10.1.0.9', port: 2222, tags: expect.objectContaining({ env: 'prod' }) as unknown });
  });

  it('refuses to delete a credential that targets use, naming them', async () => {
    const res = await api('DELETE', p(`/credentials/${keyCredential}`));

    expect(res.status).toBe(409);
    expect(res.json()).toMatchObject({ error: { details: { targets: expect.arrayContaining([expect.objectContaining({ name: 'web-1' })]) as unknown } } });
  });

  it('discovers the SSH server on 127.0.0.0/29 and says it is already in the inventory', async () => {
    const res = await api('POST', p('/discovery'), { cidr: '127.0.0.0/29', ports: [sshd.port] });

    expect(res.status).toBe(200);
    const candidates = res.json().candidates as { address: string; kind: string; existingTargets: { name: string }[] }[];
    expect(candidates).toEqual([expect.objectContaining({ address: '127.0.0.1', port: sshd.port, kind: 'ssh', banner: expect.stringMatching(/^SSH-2\.0-OpenSSH/) as unknown })]);
    expect(candidates[0]?.existingTargets.map((t) => t.name).sort()).toEqual(['bad-login', 'web-1']);
    expect((await api('POST', p('/discovery'), { cidr: '10.0.0.0/16', ports: [22] })).status).toBe(400);
  });

  it('never answers credential material', () => {
    for (const r of responses) {
      expect(r.text).not.toContain('PRIVATE KEY');
      expect(r.text).not.toContain('CANARY-');
    }
  });
});
