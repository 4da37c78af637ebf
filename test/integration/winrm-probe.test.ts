/**
 * The connection test for WinRM targets (runner/connection-tester.ts → runner/winrm/probe.ts)
 * against the local WinRM test server: Identify for the OS, a shell created and deleted for access.
 */
import type { Target } from '../../core/inventory/target-schema';
import { runnerConnectionTester } from '../../runner/connection-tester';
import { osOfIdentify } from '../../runner/winrm/probe';
import { freePort } from '../support/sshd';
import { startWinRmServer, type TestWinRmServer } from '../support/winrm-server';

const WRONG_PASSWORD = 'wrong-Passw0rd-canary';

let plain: TestWinRmServer;
let tls: TestWinRmServer;
beforeAll(async () => {
  [plain, tls] = await Promise.all([startWinRmServer({ scheme: 'http' }), startWinRmServer({ scheme: 'https' })]);
});
afterAll(async () => {
  await Promise.all([plain.stop(), tls.stop()]);
});

const target = (server: TestWinRmServer, winrm: Target['winrm'], port = server.port): Target => ({
  id: 'tgt_winrm1',
  projectId: 'prj_test1',
  name: 'windows-1',
  address: server.host,
  port,
  protocol: 'winrm',
  winrm,
  tags: {},
  enabled: true,
  description: '',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'test',
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: 'test',
  version: 1,
});

describe('connection tests of WinRM targets', () => {
  it('reports the OS from Identify after opening and deleting a shell, over NTLM on HTTP', async () => {
    const before = plain.requests.length;
    const result = await runnerConnectionTester.test({
      target: target(plain, { transport: 'http', auth: 'ntlm', verifyTls: true }),
      username: plain.username,
      material: { kind: 'winrm-password', password: plain.password },
    });
    expect(result).toEqual({ ok: true, latencyMs: expect.any(Number) as number, os: 'Windows 10.0.20348' });
    const actions = plain.requests.slice(before).map((r) => /<wsa:Action[^>]*>([^<]*)</.exec(r)?.[1] ?? (r.includes('Identify') ? 'Identify' : '?'));
    expect(actions).toEqual(['Identify', 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create', 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete']);
  });

  it('answers a wrong password with AUTH_FAILED, without the password', async () => {
    const result = await runnerConnectionTester.test({
      target: target(tls, { transport: 'https', auth: 'basic', verifyTls: false }),
      username: tls.username,
      material: { kind: 'winrm-password', password: WRONG_PASSWORD },
    });
    expect(result).toMatchObject({ ok: false, category: 'AUTH_FAILED' });
    expect(JSON.stringify(result)).not.toContain(WRONG_PASSWORD);
  });

  it('answers an untrusted certificate with TLS', async () => {
    const result = await runnerConnectionTester.test({
      target: target(tls, { transport: 'https', auth: 'ntlm', verifyTls: true }),
      username: tls.username,
      material: { kind: 'winrm-password', password: tls.password },
    });
    expect(result).toMatchObject({ ok: false, category: 'TLS' });
  });

  it("trusts the target's CA bundle, as runs on it do", async () => {
    const result = await runnerConnectionTester.test({
      target: target(tls, { transport: 'https', auth: 'ntlm', verifyTls: true, caBundle: tls.ca ?? '' }),
      username: tls.username,
      material: { kind: 'winrm-password', password: tls.password },
    });
    expect(result).toMatchObject({ ok: true, os: 'Windows 10.0.20348' });
  });

  it('answers a closed port with REFUSED', async () => {
    const result = await runnerConnectionTester.test({
      target: target(plain, { transport: 'http', auth: 'ntlm', verifyTls: true }, await freePort()),
      username: plain.username,
      material: { kind: 'winrm-password', password: plain.password },
    });
    expect(result).toMatchObject({ ok: false, category: 'REFUSED' });
  });

  it('refuses an SSH credential for a WinRM target', async () => {
    const result = await runnerConnectionTester.test({
      target: target(plain, { transport: 'http', auth: 'ntlm', verifyTls: true }),
      username: plain.username,
      material: { kind: 'ssh-password', password: plain.password },
    });
    expect(result).toMatchObject({ ok: false, category: 'AUTH_FAILED' });
  });

  it('names Windows versions and passes other vendors through', () => {
    expect(osOfIdentify('Microsoft Corporation', 'OS: 10.0.17763 SP: 0.0 Stack: 3.0')).toBe('Windows 10.0.17763');
    expect(osOfIdentify('Open Management Infrastructure', 'OMI 1.6.8')).toBe('Open Management Infrastructure OMI 1.6.8');
  });
});
