import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';

/**
 * The demo "Windows" target of `OPSC_DEMO_WINRM=1 npm start`: the WinRM test server of the test
 * suite (test/support/winrm-server.ts) on 127.0.0.1, so WinRM targets, PowerShell steps and mixed
 * runs can be tried without a Windows machine. It is NOT Windows: every command sent to it runs
 * with /bin/sh on this machine (as the unprivileged `opsc-test` user when started as root, else as
 * the user running npm start). Off unless asked for.
 *
 * It listens on plain HTTP with NTLM (every message sealed, as Windows' default listener), so the
 * target needs no certificate. The login is made once and kept in `<data>/demo-winrm/login.json`
 * (0600), so a credential made for it keeps working across restarts, and the port is fixed
 * (OPSC_DEMO_WINRM_PORT, default 5985), so the target's address does too.
 */
export interface DemoWinRm {
  /** What to tell the person who started it. Never the password. */
  lines: string[];
  close(): Promise<void>;
}

const DEFAULT_PORT = 5985;

export const demoWinRmWanted = (env: NodeJS.ProcessEnv): boolean => env.OPSC_DEMO_WINRM === '1';

const loginOf = (file: string): { username: string; password: string } => {
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { username: string; password: string };
  const login = { username: 'demo', password: randomBytes(18).toString('base64url') };
  writeFileSync(file, `${JSON.stringify(login)}\n`, { mode: 0o600 });
  return login;
};

export const startDemoWinRm = async (dataDir: string, env: NodeJS.ProcessEnv): Promise<DemoWinRm> => {
  const port = Number.parseInt(env.OPSC_DEMO_WINRM_PORT ?? String(DEFAULT_PORT), 10);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`OPSC_DEMO_WINRM_PORT must be a port number, not '${env.OPSC_DEMO_WINRM_PORT ?? ''}'`);
  const dir = path.join(dataDir, 'demo-winrm');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const loginFile = path.join(dir, 'login.json');
  const login = loginOf(loginFile);
  // Test support, loaded only when asked for: the product itself never needs it.
  const { startWinRmServer } = await import('../test/support/winrm-server');
  const server = await startWinRmServer({ scheme: 'http', port, ...login });
  const runsAs = process.getuid?.() === 0 ? 'opsc-test' : userInfo().username;
  return {
    lines: [
      '',
      `DEMO WinRM target (OPSC_DEMO_WINRM=1). It is NOT Windows:`,
      `every command sent to it runs with /bin/sh on THIS machine as '${runsAs}'.`,
      `  target:     address ${server.host}, port ${String(server.port)}, protocol winrm, transport http, auth ntlm`,
      `  credential: kind winrm-password, username '${login.username}', password in ${loginFile}`,
    ],
    close: () => server.stop(),
  };
};
