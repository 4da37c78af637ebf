/**
 * The runner's WinRM client against the local WinRM test server (test/support/winrm-server.ts) on
 * 127.0.0.1: real HTTP and HTTPS (certificates made by openssl for each run), real processes for
 * each command (as the unprivileged `opsc-test` user when run as root), real process groups that
 * cancel and timeout must kill.
 */
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import http from 'node:http';
import { rootCertificates } from 'node:tls';
import { promisify } from 'node:util';
import { ConnectionError } from '../../runner/connection-error';
import { WinRmClient, type WinRmClientOptions } from '../../runner/winrm/client';
import { NtlmClient } from '../../runner/winrm/ntlm';
import { ClixmlStderrDecoder, powershellInvocation } from '../../runner/winrm/powershell';
import { WinRmFault } from '../../runner/winrm/responses';
import { readWinrmVectorText } from '../support/winrm-vectors';
import { startWinRmServer, type TestWinRmServer } from '../support/winrm-server';

const run = promisify(execFile);
// Canary: must never show up in an error.
const WRONG_PASSWORD = 'wrong-Passw0rd-canary';

let plain: TestWinRmServer;
let tls: TestWinRmServer;
const clients: WinRmClient[] = [];

beforeAll(async () => {
  [plain, tls] = await Promise.all([startWinRmServer({ scheme: 'http' }), startWinRmServer({ scheme: 'https' })]);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(async () => {
  await Promise.all([plain.stop(), tls.stop()]);
});

const connect = (server: TestWinRmServer, over: Partial<WinRmClientOptions> = {}): WinRmClient => {
  const client = new WinRmClient({
    host: server.host,
    port: server.port,
    scheme: server.scheme,
    auth: { kind: 'basic', username: server.username, password: server.password },
    ...(server.scheme === 'http' ? { allowUnencrypted: true } : { tls: { ca: server.ca } }),
    ...over,
  });
  clients.push(client);
  return client;
};

const collect = () => {
  const events: { stream: 'stdout' | 'stderr'; text: string }[] = [];
  return {
    events,
    onStdout: (b: Buffer) => events.push({ stream: 'stdout', text: b.toString('utf8') }),
    onStderr: (b: Buffer) => events.push({ stream: 'stderr', text: b.toString('utf8') }),
    text: (stream: 'stdout' | 'stderr') =>
      events
        .filter((e) => e.stream === stream)
        .map((e) => e.text)
        .join(''),
  };
};

const running = async (pattern: string): Promise<boolean> => {
  try {
    await run('pgrep', ['-f', pattern]);
    return true;
  } catch {
    return false;
  }
};

const eventually = async (check: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
};

const errorOf = async (p: Promise<unknown>): Promise<unknown> => {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
};

describe('WinRM client against the local WinRM server', () => {
  it('streams stdout and stderr interleaved as the command writes them, and answers the exit code', async () => {
    const client = connect(plain);
    const out = collect();
    const exit = await client.runCommand('echo one; sleep 0.3; echo two >&2; sleep 0.3; echo three; sleep 0.3; echo four >&2', [], out);
    expect(exit).toBe(0);
    expect(out.events).toEqual([
      { stream: 'stdout', text: 'one\n' },
      { stream: 'stderr', text: 'two\n' },
      { stream: 'stdout', text: 'three\n' },
      { stream: 'stderr', text: 'four\n' },
    ]);
  });

  it('answers a non-zero exit code and reuses the shell for the next command', async () => {
    const client = connect(plain);
    expect(await client.runCommand('cmd', ['/c', 'exit 3'])).toBe(3);
    const shell = client.shellId;
    const out = collect();
    expect(await client.runCommand('echo', ['still', 'here'], out)).toBe(0);
    expect(out.text('stdout')).toBe('still here\n');
    expect(client.shellId).toBe(shell);
  });

  it('feeds stdin and closes it', async () => {
    const out = collect();
    expect(await connect(plain).runCommand('tr', ['a-z', 'A-Z'], { ...out, stdin: 'hello winrm\n' })).toBe(0);
    expect(out.text('stdout')).toBe('HELLO WINRM\n');
  });

  it('shows a PowerShell error as readable text, decoded from CLIXML', async () => {
    const out = collect();
    const ps = powershellInvocation('echo "Write-Error : the disk is full" >&2; exit 1');
    const exit = await connect(plain).runCommand(ps.command, ps.args, out);
    expect(exit).toBe(1);
    expect(out.text('stderr')).toMatch(/^#< CLIXML\r\n<Objs /);
    const decoder = new ClixmlStderrDecoder();
    const readable = out.events.filter((e) => e.stream === 'stderr').map((e) => decoder.push(e.text)).join('') + decoder.end();
    expect(readable).toBe('Write-Error : the disk is full\n');
  });

  it('runs a 100 KB PowerShell script, sent through stdin because it cannot fit a command line', async () => {
    const lines = Array.from({ length: 4000 }, (_, i) => `echo "line ${String(i).padStart(4, '0')} ${'x'.repeat(12)}"`);
    const script = lines.join('\n');
    expect(script.length).toBeGreaterThan(100 * 1024);
    const ps = powershellInvocation(script);
    expect(ps.stdin).toBeDefined();
    const out = collect();
    expect(await connect(plain).runCommand(ps.command, ps.args, { ...out, stdin: ps.stdin })).toBe(0);
    const got = out.text('stdout').split('\n');
    expect(got.length).toBe(4001);
    expect(got[0]).toBe(`line 0000 ${'x'.repeat(12)}`);
    expect(got[3999]).toBe(`line 3999 ${'x'.repeat(12)}`);
    // More than one Send: the script does not fit one envelope.
    expect(plain.requests.filter((r) => r.includes('/windows/shell/Send<')).length).toBeGreaterThan(1);
  });

  it('keeps receiving through OperationTimeout faults while a command is quiet', async () => {
    const before = plain.requests.length;
    const out = collect();
    const exit = await connect(plain, { operationTimeoutSeconds: 0.5 }).runCommand('sleep 1.6; echo done', [], out);
    expect(exit).toBe(0);
    expect(out.text('stdout')).toBe('done\n');
    const receives = plain.requests.slice(before).filter((r) => r.includes('/windows/shell/Receive<'));
    expect(receives.length).toBeGreaterThanOrEqual(3);
  });

  it('terminates a command that runs past its timeout, and deletes the shell', async () => {
    const marker = `sleep ${String(300 + randomInt(1000))}.${String(randomInt(1000))}`;
    const client = connect(plain, { operationTimeoutSeconds: 1 });
    const started = Date.now();
    const pending = errorOf(client.runCommand(`${marker}; echo never`, [], { timeoutMs: 1_500 }));
    expect(await eventually(() => running(marker), 1_000)).toBe(true);
    const err = await pending;
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).category).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(await eventually(async () => !(await running(marker)))).toBe(true);
    expect(client.shellId).toBeUndefined();
  });

  it('cancels a running command: terminate, delete the shell, reject with the abort reason', async () => {
    const marker = `sleep ${String(300 + randomInt(1000))}.${String(randomInt(1000))}`;
    const client = connect(plain);
    const ac = new AbortController();
    const out = collect();
    const pending = client.runCommand(`echo started; ${marker}`, [], {
      signal: ac.signal,
      onStdout: (b) => {
        out.onStdout(b);
        ac.abort(new Error('cancelled by operator'));
      },
    });
    const err = await errorOf(pending);
    expect((err as Error).message).toBe('cancelled by operator');
    expect(out.text('stdout')).toBe('started\n');
    expect(await eventually(async () => !(await running(marker)))).toBe(true);
    expect(client.shellId).toBeUndefined();
    // The process was really there, so its absence means something.
    expect(plain.requests.some((r) => r.includes(marker))).toBe(true);
  });

  it('really started the command that cancel stopped', async () => {
    const marker = `sleep ${String(300 + randomInt(1000))}.${String(randomInt(1000))}`;
    const client = connect(plain);
    const ac = new AbortController();
    const pending = client.runCommand(marker, [], { signal: ac.signal });
    expect(await eventually(() => running(marker))).toBe(true);
    ac.abort();
    await errorOf(pending);
    expect(await eventually(async () => !(await running(marker)))).toBe(true);
  });

  it('deletes the shell when cancelled before the Command was answered', async () => {
    const marker = `sleep ${String(300 + randomInt(1000))}.${String(randomInt(1000))}`;
    const client = connect(plain);
    await client.createShell();
    plain.delay('Command', 1_000);
    try {
      const ac = new AbortController();
      const pending = client.runCommand(marker, [], { signal: ac.signal });
      setTimeout(() => {
        ac.abort();
      }, 200);
      await errorOf(pending);
      expect(client.shellId).toBeUndefined();
      // Whatever the server started for the cut-off request died with the shell.
      expect(await eventually(async () => !(await running(marker)))).toBe(true);
    } finally {
      plain.delay('Command', 0);
    }
  });

  it('answers a wrong password with AUTH_FAILED and never repeats the password', async () => {
    const err = await errorOf(connect(plain, { auth: { kind: 'basic', username: plain.username, password: WRONG_PASSWORD } }).runCommand('true', []));
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).category).toBe('AUTH_FAILED');
    expect(JSON.stringify({ message: (err as Error).message, stack: (err as Error).stack })).not.toContain(WRONG_PASSWORD);
  });

  it('refuses Basic over plain HTTP unless told explicitly', () => {
    expect(() => connect(plain, { allowUnencrypted: false })).toThrow(ConnectionError);
  });

  it('turns a fault on Command into a WinRmFault with its numbers', async () => {
    plain.injectFault({
      action: 'Command',
      response: { fault: { code: 'Receiver', subcode: 'InternalError', wsmanCode: 2147942402, message: 'The system cannot find the file specified.', provider: true } },
    });
    const err = await errorOf(connect(plain).runCommand('true', []));
    expect(err).toBeInstanceOf(WinRmFault);
    const f = err as WinRmFault;
    expect([f.code, f.subcode?.local, f.wsmanCode, f.providerFault?.message]).toEqual(['Receiver', 'InternalError', 2147942402, 'The system cannot find the file specified.']);
    expect(f.message).toContain('0x80070002');
  });

  it('gives up on a server that does not answer within the request timeout', async () => {
    plain.delay('Create', 2_000);
    try {
      const err = await errorOf(connect(plain, { requestTimeoutMs: 300 }).runCommand('true', []));
      expect((err as ConnectionError).category).toBe('TIMEOUT');
    } finally {
      plain.delay('Create', 0);
    }
  });
});

describe('WinRM over HTTPS', () => {
  it('works with the CA bundle of the target', async () => {
    const out = collect();
    expect(await connect(tls).runCommand('echo', ['over tls'], out)).toBe(0);
    expect(out.text('stdout')).toBe('over tls\n');
  });

  it('refuses a certificate it cannot verify, with the TLS category', async () => {
    const err = await errorOf(connect(tls, { tls: {} }).runCommand('true', []));
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).category).toBe('TLS');
  });

  it('accepts any certificate when the target opts out of verification', async () => {
    expect(await connect(tls, { tls: { verify: false } }).runCommand('true', [])).toBe(0);
  });

  // A CA that did not sign the server's certificate: any of the system's will do.
  it('refuses the certificate when the CA bundle is not the one that signed it', async () => {
    const err = await errorOf(connect(tls, { tls: { ca: rootCertificates[0] ?? '' } }).runCommand('true', []));
    expect((err as ConnectionError).category).toBe('TLS');
  });
});

describe('WinRM with NTLM', () => {
  const ntlm = (server: TestWinRmServer, password = server.password, username = server.username): Partial<WinRmClientOptions> => ({
    auth: { kind: 'ntlm', username, password },
    allowUnencrypted: false,
  });

  it('runs commands over plain HTTP with every body sealed', async () => {
    const before = plain.requests.length;
    const out = collect();
    const client = connect(plain, ntlm(plain));
    expect(await client.runCommand('echo', ['sealed'], out)).toBe(0);
    expect(await client.runCommand('printf', ['%s', 'again'], out)).toBe(0);
    expect(out.text('stdout')).toBe('sealed\nagain');
    // Create, then Command and Receive twice: the server reads only sealed bodies over HTTP (next test).
    expect(plain.requests.length - before).toBeGreaterThanOrEqual(5);
  });

  it('is refused by the server when a body after the handshake is not sealed', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const client = new NtlmClient({ username: plain.username, password: plain.password });
    const post = (body: string, headers: Record<string, string>) =>
      new Promise<{ status: number; auth: string | undefined }>((resolve, reject) => {
        const req = http.request(plain.url, { method: 'POST', agent, headers: { 'Content-Type': 'application/soap+xml;charset=UTF-8', ...headers } }, (res) => {
          res.resume();
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, auth: res.headers['www-authenticate'] });
          });
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const challenge = await post('', { Authorization: `Negotiate ${client.negotiate().toString('base64')}` });
      expect(challenge.status).toBe(401);
      const token = Buffer.from((challenge.auth ?? '').replace(/^Negotiate /, ''), 'base64');
      expect((await post('', { Authorization: `Negotiate ${client.authenticate(token).toString('base64')}` })).status).toBe(200);
      const create = readWinrmVectorText('pypsrp-winrs/standard/01-create-shell.request.xml');
      expect((await post(create, {})).status).toBe(400);
    } finally {
      agent.destroy();
    }
  });

  it('works over HTTPS, bound to the server certificate', async () => {
    const out = collect();
    expect(await connect(tls, ntlm(tls)).runCommand('echo', ['bound'], out)).toBe(0);
    expect(out.text('stdout')).toBe('bound\n');
  });

  it('accepts DOMAIN\\user names', async () => {
    expect(await connect(plain, ntlm(plain, plain.password, `WORKGROUP\\${plain.username}`)).runCommand('true', [])).toBe(0);
  });

  it('answers a wrong password with AUTH_FAILED and never repeats the password', async () => {
    const err = await errorOf(connect(plain, ntlm(plain, WRONG_PASSWORD)).runCommand('true', []));
    expect((err as ConnectionError).category).toBe('AUTH_FAILED');
    expect(JSON.stringify({ message: (err as Error).message, stack: (err as Error).stack })).not.toContain(WRONG_PASSWORD);
  });

  it('authenticates a new connection after a cancel dropped the old one, and still terminates the command', async () => {
    const marker = `sleep ${String(300 + randomInt(1000))}.${String(randomInt(1000))}`;
    const client = connect(plain, ntlm(plain));
    const ac = new AbortController();
    const pending = client.runCommand(marker, [], { signal: ac.signal });
    expect(await eventually(() => running(marker))).toBe(true);
    ac.abort();
    await errorOf(pending);
    expect(await eventually(async () => !(await running(marker)))).toBe(true);
    expect(client.shellId).toBeUndefined();
    const out = collect();
    expect(await client.runCommand('echo', ['after'], out)).toBe(0);
    expect(out.text('stdout')).toBe('after\n');
  });
});
