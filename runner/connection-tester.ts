import type { ConnectionTester } from '../core/ports/connection-tester';
import type { NetworkScanner } from '../core/ports/network-scanner';
import { sshAuthOf } from './ssh/connect-rules';
import { scanNetwork } from './discovery/scan';
import { testConnection } from './ssh/probe';

/**
 * The runner's protocol clients behind core's ports. WinRM targets answer PROTOCOL until the
 * WinRM client exists; the console shows that as the test's outcome.
 */
const TEST_TIMEOUT_MS = 10_000;

export const runnerConnectionTester: ConnectionTester = {
  test: async ({ target, username, material, trustedFingerprint }) => {
    if (target.protocol !== 'ssh') {
      return { ok: false, category: 'PROTOCOL', message: 'Connection tests over WinRM are not available yet: the WinRM client is still being built.' };
    }
    const result = await testConnection({ host: target.address, port: target.port, hostKeyFingerprint: trustedFingerprint }, { username, auth: sshAuthOf(material) }, { timeoutMs: TEST_TIMEOUT_MS });
    if (!result.ok) return result;
    return { ok: true, latencyMs: result.latencyMs, os: `${result.os.kernel} ${result.os.release} ${result.os.machine}`, hostKeyFingerprint: result.hostKeyFingerprint };
  },
};

export const runnerNetworkScanner: NetworkScanner = {
  scan: ({ cidr, ports }) => scanNetwork({ cidr, ports }),
};
