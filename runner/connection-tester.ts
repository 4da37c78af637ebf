import type { ConnectionTester } from '../core/ports/connection-tester';
import type { NetworkScanner } from '../core/ports/network-scanner';
import { sshAuthOf } from './ssh/connect-rules';
import { scanNetwork } from './discovery/scan';
import { testConnection } from './ssh/probe';
import { testWinRmConnection } from './winrm/probe';
import { winrmClientOptionsOf } from './winrm/step-host';

/** The runner's protocol clients behind core's ports. */
const TEST_TIMEOUT_MS = 10_000;

export const runnerConnectionTester: ConnectionTester = {
  test: async ({ target, username, domain, material, trustedFingerprint }) => {
    if (target.protocol === 'winrm') {
      if (material.kind !== 'winrm-password') {
        return { ok: false, category: 'AUTH_FAILED', message: 'A WinRM target needs a winrm-password credential.' };
      }
      // Targets always carry their WinRM options (the schema requires them); the default is the secure listener.
      const winrm = target.winrm ?? { transport: 'https', auth: 'ntlm', verifyTls: true };
      // The same options a run connects with: CA bundle, domain and all.
      return testWinRmConnection(winrmClientOptionsOf({ address: target.address, port: target.port, winrm, username, domain, password: material.password }, TEST_TIMEOUT_MS), {
        timeoutMs: TEST_TIMEOUT_MS,
      });
    }
    const result = await testConnection({ host: target.address, port: target.port, hostKeyFingerprint: trustedFingerprint }, { username, auth: sshAuthOf(material) }, { timeoutMs: TEST_TIMEOUT_MS });
    if (!result.ok) return result;
    return { ok: true, latencyMs: result.latencyMs, os: `${result.os.kernel} ${result.os.release} ${result.os.machine}`, hostKeyFingerprint: result.hostKeyFingerprint };
  },
};

export const runnerNetworkScanner: NetworkScanner = {
  scan: ({ cidr, ports }) => scanNetwork({ cidr, ports }),
};
