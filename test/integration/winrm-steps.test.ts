/**
 * Steps on WinRM hosts (runner/winrm/step-host.ts) through the executor's runHost, against the local
 * WinRM test server (test/support/winrm-server.ts) over HTTPS with its own CA and Basic. The server
 * runs command lines with /bin/sh (as `opsc-test` when run as root), so step contents here are sh;
 * PowerShell's stderr comes back as CLIXML as from Windows. What the server received is read from
 * its request log; whether a stopped command is gone is checked with pgrep.
 */
import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { systemClock } from '../../core/clock';
import { runHost } from '../../runner/executor/host-run';
import { InMemoryOutputSink } from '../../runner/executor/output';
import { REDACTION } from '../../runner/executor/redactor';
import { parameterEnv } from '../../runner/executor/remote-script';
import type { HostRunInput, OutputChunk, OutputSink, StepSpec } from '../../runner/executor/types';
import { connectWinRmStepHost, winrmClientOptionsOf, type WinRmTarget } from '../../runner/winrm/step-host';
import { freePort } from '../support/sshd';
import { startWinRmServer, type TestWinRmServer } from '../support/winrm-server';

jest.setTimeout(30_000);
const run = promisify(execFile);

let server: TestWinRmServer;
beforeAll(async () => {
  server = await startWinRmServer({ scheme: 'https' });
});
afterAll(async () => {
  await server.stop();
});

const targetOf = (over: Partial<WinRmTarget> = {}): WinRmTarget => ({
  address: server.host,
  port: server.port,
  winrm: { transport: 'https', auth: 'basic', verifyTls: true, caBundle: server.ca },
  username: server.username,
  password: server.password,
  ...over,
});

const step = (id: string, content: string, over: Partial<StepSpec> = {}): StepSpec => ({
  id,
  kind: 'command',
  content,
  timeoutSeconds: 20,
  retries: { count: 0, backoffSeconds: 0 },
  continueOnError: false,
  ...over,
});

const runOn = (sink: OutputSink, over: Partial<HostRunInput> & { target?: WinRmTarget; requestTimeoutMs?: number } = {}) => {
  const { target, requestTimeoutMs, ...input } = over;
  const parameters = input.parameters ?? {};
  return runHost(
    { output: sink, clock: systemClock },
    {
      connection: (signal) => connectWinRmStepHost(winrmClientOptionsOf(target ?? targetOf(), requestTimeoutMs ?? 5_000), parameterEnv(parameters), signal),
      steps: [],
      parameters,
      secureValues: [],
      signal: new AbortController().signal,
      ...input,
    },
  );
};

/** A command line no other process on the machine has. */
const uniqueSleep = (whole: number) => `sleep ${String(whole)}.${String(randomInt(100_000, 999_999))}`;
const running = async (marker: string): Promise<boolean> => {
  try {
    await run('pgrep', ['-f', marker]);
    return true;
  } catch {
    return false; // pgrep exits 1 when nothing matches
  }
};
const waitFor = async (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 10_000) => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const requestsSince = (n: number) => server.requests.slice(n);
const isAction = (name: string) => (body: string) => body.includes(`/windows/shell/${name}<`) || body.includes(`/transfer/${name}<`);

describe('steps on a WinRM host', () => {
  it('runs a command through cmd and keeps its output and exit code', async () => {
    const sink = new InMemoryOutputSink();
    const result = await runOn(sink, { steps: [step('hello', 'echo hello'), step('fails', 'echo oops >&2 && exit 3')] });

    expect(result).toMatchObject({ status: 'failed', steps: [{ id: 'hello', status: 'succeeded', exitCode: 0 }, { id: 'fails', status: 'failed', exitCode: 3 }] });
    expect(sink.text({ stepId: 'hello', stream: 'stdout' })).toBe('hello\n');
    expect(sink.text({ stepId: 'fails', stream: 'stderr' })).toBe('oops\n');
  });

  it('shows a PowerShell error as readable stderr, decoded from CLIXML as it streams', async () => {
    const sink = new InMemoryOutputSink();
    const result = await runOn(sink, {
      steps: [step('ps', 'echo before; echo "Get-Item : Cannot find path C:/nope & <elsewhere>" >&2; sleep 0.2; echo "second error" >&2; exit 1', { kind: 'powershell' })],
    });

    expect(result.steps[0]).toMatchObject({ status: 'failed', exitCode: 1 });
    expect(sink.text({ stream: 'stdout' })).toBe('before\n');
    expect(sink.text({ stream: 'stderr' })).toBe('Get-Item : Cannot find path C:/nope & <elsewhere>\nsecond error\n');
  });

  it('hands parameters over as the shell environment, never on a command line', async () => {
    const value = `canary-${String(randomInt(1e9))} "quoted" & | %PATH%`;
    const before = server.requests.length;
    const sink = new InMemoryOutputSink();

    const result = await runOn(sink, {
      parameters: { greeting: value },
      steps: [step('cmd', 'echo "$OPSC_PARAM_greeting"'), step('ps', 'echo "$OPSC_PARAM_greeting"', { kind: 'powershell' })],
    });

    expect(result).toMatchObject({ status: 'succeeded', parameterTransport: 'env' });
    expect(sink.text({ stepId: 'cmd', stream: 'stdout' })).toBe(`${value}\n`);
    expect(sink.text({ stepId: 'ps', stream: 'stdout' })).toBe(`${value}\n`);
    const seen = requestsSince(before);
    const carrying = seen.filter((r) => r.includes('canary-'));
    expect(carrying).toHaveLength(1);
    expect(isAction('Create')(carrying[0] ?? '')).toBe(true);
    expect(carrying[0]).toContain('<rsp:Variable Name="OPSC_PARAM_greeting">');
    expect(seen.filter(isAction('Command'))).toHaveLength(2);
  });

  it('redacts secure values from stdout and from decoded PowerShell stderr', async () => {
    const secret = `S3cr&t<${String(randomInt(1e9))}>`;
    const sink = new InMemoryOutputSink();

    await runOn(sink, {
      parameters: { token: secret },
      secureValues: [secret],
      steps: [step('cmd', 'echo "token=$OPSC_PARAM_token"'), step('ps', 'echo "bad token $OPSC_PARAM_token" >&2; exit 1', { kind: 'powershell' })],
    });

    const all = sink.text();
    expect(all).toContain(`token=${REDACTION}`);
    expect(sink.text({ stepId: 'ps', stream: 'stderr' })).toBe(`bad token ${REDACTION}\n`);
    expect(all).not.toContain(secret);
    expect(all).not.toContain('S3cr&amp;t');
  });

  it('ends a step at its timeout: terminate and delete the shell, nothing left, and the next step gets a new shell with the parameters', async () => {
    const marker = uniqueSleep(37);
    const before = server.requests.length;
    const sink = new InMemoryOutputSink();

    const result = await runOn(sink, {
      parameters: { who: 'still-here' },
      steps: [step('slow', `${marker} & ${marker}`, { timeoutSeconds: 1, continueOnError: true }), step('after', 'echo "$OPSC_PARAM_who"')],
    });

    expect(result.steps[0]).toMatchObject({ status: 'timed_out', termination: 'killed' });
    // The command was really sent, so its absence means something.
    expect(server.requests.some((r) => r.includes(marker))).toBe(true);
    expect(await running(marker)).toBe(false);
    const seen = requestsSince(before);
    expect(seen.filter(isAction('Signal')).length).toBeGreaterThanOrEqual(1);
    expect(seen.filter(isAction('Delete')).length).toBeGreaterThanOrEqual(1);
    expect(seen.filter(isAction('Create'))).toHaveLength(2);
    expect(result.steps[1]).toMatchObject({ status: 'succeeded' });
    expect(sink.text({ stepId: 'after' })).toBe('still-here\n');
  });

  it('cancels a running step and leaves no process behind', async () => {
    const marker = uniqueSleep(38);
    const cancel = new AbortController();
    const sink = new InMemoryOutputSink();

    const pending = runOn(sink, { signal: cancel.signal, steps: [step('long', `echo started && ${marker}`), step('never', 'echo never')] });
    await waitFor('the step to run on the host', () => running(marker));
    cancel.abort();
    const result = await pending;

    expect(result).toMatchObject({ status: 'cancelled', steps: [{ status: 'cancelled', termination: 'killed' }, { status: 'cancelled', attempts: 0 }] });
    expect(await running(marker)).toBe(false);
    expect(sink.text()).toBe('started\n');
  });

  it('says a stop is incomplete when the host does not acknowledge deleting the shell', async () => {
    const marker = uniqueSleep(39);
    const cancel = new AbortController();
    server.injectFault({ action: 'Delete', response: { status: 503, body: '' } });
    const pending = runOn(new InMemoryOutputSink(), { signal: cancel.signal, steps: [step('long', marker)] });
    await waitFor('the step to run on the host', () => running(marker));
    cancel.abort();
    const result = await pending;

    expect(result.steps[0]).toMatchObject({ status: 'cancelled', termination: 'incomplete' });
    // Signal terminate still reached it; a real Windows host may keep children until the shell's idle timeout.
    await waitFor('the command to end', async () => !(await running(marker)));
  });

  it('runs a long PowerShell script, sent through stdin', async () => {
    const lines = Array.from({ length: 4000 }, (_, i) => `echo "line ${String(i).padStart(4, '0')} ${'x'.repeat(12)}"`);
    const script = lines.join('\n');
    expect(script.length).toBeGreaterThan(100 * 1024);
    const sink = new InMemoryOutputSink();

    const result = await runOn(sink, { steps: [step('long', script, { kind: 'powershell' })] });

    expect(result.status).toBe('succeeded');
    const got = sink.text({ stream: 'stdout' }).split('\n');
    expect(got).toHaveLength(4001);
    expect(got[3999]).toBe(`line 3999 ${'x'.repeat(12)}`);
  });

  it('holds back Receive while the output sink is behind, and goes on once it catches up', async () => {
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const written: OutputChunk[] = [];
    const slowSink: OutputSink = {
      write: async (chunks) => {
        await gate;
        written.push(...chunks);
      },
    };
    const before = server.requests.length;

    const pending = runOn(slowSink, { steps: [step('loud', 'for i in $(seq 1 30); do head -c 100000 /dev/zero | tr "\\0" a; sleep 0.1; done')], options: { highWaterBytes: 64 * 1024, flushIntervalMs: 10 } });
    await waitFor('the first output', () => requestsSince(before).filter(isAction('Receive')).length > 0);
    await new Promise((r) => setTimeout(r, 1_000));
    const receivesWhilePaused = requestsSince(before).filter(isAction('Receive')).length;
    await new Promise((r) => setTimeout(r, 1_000));
    expect(requestsSince(before).filter(isAction('Receive')).length).toBe(receivesWhilePaused);
    open();
    const result = await pending;

    expect(result.status).toBe('succeeded');
    expect(Buffer.concat(written.map((c) => c.data)).toString()).toBe('a'.repeat(3_000_000));
    // The command outlived the pause, so the Receives it would have needed were really held back.
    expect(requestsSince(before).filter(isAction('Receive')).length).toBeGreaterThan(receivesWhilePaused);
  });

  it('refuses a script step and a command of several lines, naming what to use instead', async () => {
    const sink = new InMemoryOutputSink();
    const script = await runOn(sink, { steps: [step('sh', 'echo hi', { kind: 'script', interpreter: 'bash' })] });
    const lines = await runOn(sink, { steps: [step('two', 'echo a\necho b')] });

    expect(script).toMatchObject({ status: 'failed', errorMessage: expect.stringContaining('needs an SSH target') as unknown });
    expect(lines).toMatchObject({ status: 'failed', errorMessage: expect.stringContaining('use a powershell step') as unknown });
    expect(sink.chunks).toEqual([]);
  });

  it('runs over plain HTTP with NTLM (the server refuses unsealed bodies), with the domain from the credential', async () => {
    const plain = await startWinRmServer({ scheme: 'http' });
    try {
      const sink = new InMemoryOutputSink();
      const before = plain.requests.length;
      const result = await runOn(sink, {
        target: { address: plain.host, port: plain.port, winrm: { transport: 'http', auth: 'ntlm', verifyTls: true }, username: plain.username, domain: 'WORKGROUP', password: plain.password },
        parameters: { where: 'sealed' },
        steps: [step('hi', 'echo "hello $OPSC_PARAM_where"')],
      });

      expect(result.status).toBe('succeeded');
      expect(sink.text()).toBe('hello sealed\n');
      expect(plain.requests.length).toBeGreaterThan(before);
    } finally {
      await plain.stop();
    }
  });

  it('reports connection problems as categories, like SSH hosts', async () => {
    const sink = new InMemoryOutputSink();
    const steps = [step('x', 'echo x')];
    const wrongPassword = await runOn(sink, { steps, target: targetOf({ password: 'wrong-CANARY-password' }) });
    const refused = await runOn(sink, { steps, target: targetOf({ port: await freePort() }) });
    const untrusted = await runOn(sink, { steps, target: targetOf({ winrm: { transport: 'https', auth: 'basic', verifyTls: true } }) });

    expect(wrongPassword).toMatchObject({ status: 'unreachable', errorCategory: 'AUTH_FAILED' });
    expect(wrongPassword.errorMessage).not.toContain('CANARY');
    expect(refused).toMatchObject({ status: 'unreachable', errorCategory: 'REFUSED' });
    expect(untrusted).toMatchObject({ status: 'unreachable', errorCategory: 'TLS' });
  });

  it('reports a host that does not answer in time as TIMEOUT', async () => {
    server.delay('Create', 3_000);
    try {
      const result = await runOn(new InMemoryOutputSink(), { steps: [step('x', 'echo x')], requestTimeoutMs: 500 });

      expect(result).toMatchObject({ status: 'unreachable', errorCategory: 'TIMEOUT' });
    } finally {
      server.delay('Create', 0);
    }
  });
});
