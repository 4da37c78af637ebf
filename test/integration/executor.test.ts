/**
 * The job executor (runner/executor) against a real OpenSSH sshd on 127.0.0.1, logging in with a
 * key as the unprivileged `opsc-test` user (test/support/sshd.ts; as root sshd runs with privilege
 * separation, as in production). The test sshd's config has `AcceptEnv OPSC_*`.
 *
 * What happened on the host is checked on the host, over a separate connection made with the
 * runner's plain SSH client: surviving processes with `pgrep` for a marker no other process has and
 * `ps` for the step's process group, output checksums with `sha256sum`, concurrency with marker
 * files the steps themselves write.
 */
import { createHash, randomInt } from 'node:crypto';
import { systemClock } from '../../core/clock';
import { runBatch, type BatchHost } from '../../runner/executor/batch';
import { runHost } from '../../runner/executor/host-run';
import { InMemoryOutputSink } from '../../runner/executor/output';
import { REDACTION } from '../../runner/executor/redactor';
import { sshConnector } from '../../runner/executor/ssh-connector';
import type { HostConnector, HostRunInput, StepSpec } from '../../runner/executor/types';
import { connectSsh, type SshConnection } from '../../runner/ssh/client';
import { freePort, startTestSshd, type TestSshd } from '../support/sshd';

const TIMEOUT_MS = 5_000;

let sshd: TestSshd;
/** The independent observer: the runner's plain SSH client, as the same user. */
let observer: SshConnection;
/** A fresh folder on the host, owned by the test user. */
let hostDir: string;

beforeAll(async () => {
  sshd = await startTestSshd();
  observer = await connectSsh({ ...target(), timeoutMs: TIMEOUT_MS });
  hostDir = (await observe('mktemp -d')).trim();
});
afterAll(async () => {
  await observe(`rm -rf '${hostDir}'`);
  await observer.close();
  await sshd.stop();
});

function target() {
  return { host: sshd.host, port: sshd.port, username: sshd.username, auth: { kind: 'key' as const, privateKey: sshd.clientKey.privateKey }, hostKey: { expectedFingerprint: sshd.hostKeyFingerprint } };
}

const connector = () => sshConnector({ ...target(), timeoutMs: TIMEOUT_MS });

async function observe(command: string): Promise<string> {
  const result = await observer.exec(command, { timeoutMs: TIMEOUT_MS, maxOutputBytes: 1024 * 1024 });
  if (result.exitCode !== 0) throw new Error(`\`${command}\` failed (${String(result.exitCode)}): ${result.stderr}`);
  return result.stdout;
}

/** A command line no other process on the machine has: `sleep 29.123456`. */
const uniqueSleep = (whole: number) => `sleep ${whole}.${String(randomInt(100_000, 999_999))}`;
const pgrepSurvivors = async (marker: string) => (await observe(`pgrep -f -u ${sshd.username} '^${marker.replaceAll('.', '\\.')}$' || true`)).trim();
/** Processes of a group that are not zombies (a zombie is dead already; it waits for init to collect it). */
const liveInGroup = async (pgid: string) => (await observe(`ps -A -o pgid= -o stat= -o args= | awk '$1 == ${pgid} && $2 !~ /^Z/' || true`)).trim();

const step = (id: string, content: string, over: Partial<StepSpec> = {}): StepSpec => ({
  id,
  kind: 'command',
  content,
  timeoutSeconds: 20,
  retries: { count: 0, backoffSeconds: 0 },
  continueOnError: false,
  ...over,
});

const runOn = (sink: InMemoryOutputSink, over: Partial<HostRunInput>) =>
  runHost(
    { output: sink, clock: systemClock },
    { connection: connector(), steps: [], parameters: {}, secureValues: [], signal: new AbortController().signal, options: { killGraceSeconds: 1 }, ...over },
  );

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('runHost against OpenSSH', () => {
  it('runs commands and scripts under sh, bash and python3 as the login user, with their exit codes', async () => {
    const sink = new InMemoryOutputSink();
    const result = await runOn(sink, {
      steps: [
        step('who', 'id -un'),
        step('bash', 'echo "bash ${BASH_VERSINFO[0]}" | grep -c "^bash [0-9]"', { kind: 'script', interpreter: 'bash' }),
        step('py', 'import sys\nprint("py", sys.version_info[0])\nsys.exit(3)', { kind: 'script', interpreter: 'python3', continueOnError: true }),
        step('sh', 'echo "to stderr" >&2; exit 0', { kind: 'script' }),
      ],
    });

    expect(result).toMatchObject({
      status: 'succeeded',
      steps: [
        { id: 'who', status: 'succeeded', exitCode: 0, attempts: 1 },
        { id: 'bash', status: 'succeeded', exitCode: 0 },
        { id: 'py', status: 'failed', exitCode: 3 },
        { id: 'sh', status: 'succeeded', exitCode: 0 },
      ],
    });
    expect(sink.text({ stepId: 'who' })).toBe(`${sshd.username}\n`);
    expect(sink.text({ stepId: 'bash' })).toBe('1\n');
    expect(sink.text({ stepId: 'py' })).toBe('py 3\n');
    expect(sink.text({ stepId: 'sh', stream: 'stderr' })).toBe('to stderr\n');
  });

  it("runs an sh step in the login command's own shell, which leads the session (no setsid, no process of its own)", async () => {
    const sink = new InMemoryOutputSink();
    // The shell running the step: its pid, group and session, its command line, and its parent's.
    const result = await runOn(sink, { steps: [step('where', `ps -o pid= -o pgid= -o sid= -p $$; tr '\\0' ' ' </proc/$$/cmdline; echo; tr '\\0' ' ' </proc/$PPID/cmdline`)] });

    expect(result).toMatchObject({ status: 'succeeded' });
    const [ids, cmdline, parent] = sink.text({ stepId: 'where' }).split('\n');
    const [pid, pgid, sid] = (ids ?? '').trim().split(/\s+/);
    expect([pgid, sid]).toEqual([pid, pid]);
    expect(cmdline).toMatch(/^sh -c read -r s /);
    expect(parent).toMatch(/^sshd/);
  });

  it('stops the host at a failing step unless it is continue-on-error', async () => {
    const sink = new InMemoryOutputSink();
    const result = await runOn(sink, { steps: [step('fails', 'echo trying; exit 7'), step('never', 'echo never ran')] });
    expect(result).toMatchObject({ status: 'failed', steps: [{ id: 'fails', status: 'failed', exitCode: 7 }, { id: 'never', status: 'skipped', attempts: 0 }] });
    expect(sink.text()).toBe('trying\n');
  });

  it('retries a failing step after its backoff until it succeeds', async () => {
    const sink = new InMemoryOutputSink();
    const counter = `${hostDir}/retries`;
    const started = Date.now();
    const result = await runOn(sink, {
      steps: [step('flaky', `n=$(($(cat ${counter} 2>/dev/null || echo 0) + 1)); echo $n > ${counter}; echo "attempt $n"; [ $n -ge 3 ]`, { retries: { count: 3, backoffSeconds: 0.2 } })],
    });
    expect(result).toMatchObject({ status: 'succeeded', steps: [{ status: 'succeeded', attempts: 3, exitCode: 0 }] });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200 + 400);
    expect(sink.text()).toBe('attempt 1\nattempt 2\nattempt 3\n');
    expect(sink.chunks.map((c) => c.attempt)).toEqual([1, 2, 3]);
  });

  it.each(['env', 'preamble', 'auto'] as const)('passes parameters as OPSC_PARAM_* environment (%s), intact and never executed', async (parameterTransport) => {
    const canary = `${hostDir}/pwned-${parameterTransport}`;
    const parameters = {
      quoted: `it's "double" and 'single' \\ \` back`,
      code: `$(touch ${canary}) \`touch ${canary}\` \${HOME}; touch ${canary}`,
      breakout: `'; touch ${canary}; echo '`,
      lines: 'one\ntwo\n\nthree\n',
      unicode: 'café ✓ 日本',
      empty: '',
    };
    const sink = new InMemoryOutputSink();
    const print = Object.keys(parameters)
      .map((name) => `printf '%s\\0' "$OPSC_PARAM_${name}"`)
      .join('; ');
    const result = await runOn(sink, {
      parameters,
      options: { killGraceSeconds: 1, parameterTransport },
      // The second step lists every command line on the host while the parameters are in its environment.
      steps: [step('print', print), step('ps', 'ps -A -o args=')],
    });

    expect(result).toMatchObject({ status: 'succeeded', parameterTransport: parameterTransport === 'preamble' ? 'preamble' : 'env' });
    expect(sink.text({ stepId: 'print' }).split('\0').slice(0, -1)).toEqual(Object.values(parameters));
    expect(await observe(`ls ${hostDir}`)).not.toContain('pwned');
    // Never on a command line, where the login shell would parse it and `ps` would show it.
    // The listing holds the step's own shell (the bootstrap's constant command line): the listing is real.
    const commandLines = sink.text({ stepId: 'ps' });
    expect(commandLines).toContain('sh -c read -r s ');
    expect(commandLines).not.toContain('pwned');
  });

  it('stops a step at its timeout: TERM, then KILL for what ignores it, and nothing of the step is left on the host', async () => {
    const ignoresTerm = uniqueSleep(29);
    const detached = uniqueSleep(28);
    const foreground = uniqueSleep(27);
    const sink = new InMemoryOutputSink();
    const script = [
      'echo "pgid $(ps -o pgid= -p $$ | tr -d " ")"',
      // Ignores TERM (and so does the sleep it runs).
      `sh -c 'trap "" TERM; ${ignoresTerm}' &`,
      // In the background with its output elsewhere: would outlive a plain channel close.
      `${detached} >/dev/null 2>&1 &`,
      foreground,
    ].join('\n');
    const started = Date.now();
    const result = await runOn(sink, { steps: [step('slow', script, { timeoutSeconds: 1 }), step('after', 'echo after')] });
    const elapsed = Date.now() - started;

    expect(result).toMatchObject({ status: 'timed_out', steps: [{ id: 'slow', status: 'timed_out', termination: 'killed', attempts: 1 }, { id: 'after', status: 'skipped' }] });
    // 1 s timeout + 1 s grace, and not much more.
    expect(elapsed).toBeGreaterThanOrEqual(2_000);
    expect(elapsed).toBeLessThan(6_000);
    const pgid = /^pgid (\d+)$/m.exec(sink.text())?.[1];
    expect(pgid).toBeDefined();
    // Checked at once: the step counts as finished only after the reaper confirmed the group is gone.
    expect(await liveInGroup(pgid ?? '')).toBe('');
    for (const marker of [ignoresTerm, detached, foreground]) expect(await pgrepSurvivors(marker)).toBe('');
  });

  it('stops a cancelled step: TERM is enough for a well-behaved one, and nothing is left', async () => {
    const marker = uniqueSleep(26);
    const sink = new InMemoryOutputSink();
    const cancel = new AbortController();
    const running = runOn(sink, {
      signal: cancel.signal,
      options: { killGraceSeconds: 5 },
      steps: [step('long', `echo started; sh -c '${marker}' & ${marker} & wait`), step('later', 'echo later')],
    });
    await waitFor(() => sink.text().includes('started'), 'the step to start');
    expect(await pgrepSurvivors(marker)).not.toBe('');
    const cancelledAt = Date.now();
    cancel.abort();
    const result = await running;

    expect(Date.now() - cancelledAt).toBeLessThan(3_000);
    expect(result).toMatchObject({ status: 'cancelled', steps: [{ id: 'long', status: 'cancelled', termination: 'graceful' }, { id: 'later', status: 'cancelled', attempts: 0 }] });
    expect(await pgrepSurvivors(marker)).toBe('');
  });

  it('delivers 10 MiB of binary output byte-exact and in order', async () => {
    const sink = new InMemoryOutputSink();
    const file = `${hostDir}/random.bin`;
    const result = await runOn(sink, {
      steps: [step('big', `head -c 10485760 /dev/urandom > ${file}; sha256sum ${file} | cut -d' ' -f1 >&2; cat ${file}; rm -f ${file}`)],
    });

    expect(result.status).toBe('succeeded');
    const stdout = sink.bytes({ stream: 'stdout' });
    expect(stdout.length).toBe(10 * 1024 * 1024);
    expect(createHash('sha256').update(stdout).digest('hex')).toBe(sink.text({ stream: 'stderr' }).trim());
    expect(sink.chunks.map((c) => c.seq)).toEqual(sink.chunks.map((_, i) => i + 1));
    expect(Math.max(...sink.chunks.map((c) => c.data.length))).toBeLessThanOrEqual(64 * 1024);
    // Batches of about 64 KiB, not one write per SSH packet.
    expect(sink.batches.length).toBeLessThan(sink.chunks.length);
  });

  it('redacts secure values, also one split across two packets and two flushes', async () => {
    const secret = 'Sup3r$ecret-42';
    const sink = new InMemoryOutputSink();
    const result = await runOn(sink, {
      parameters: { token: secret },
      secureValues: [secret],
      // The first half goes out, then nothing for longer than a flush interval, then the second half.
      steps: [step('leaky', `printf 'token=Sup3r$'; sleep 0.6; printf 'ecret-42 done\\n'; echo "again: $OPSC_PARAM_token" >&2`)],
    });

    expect(result.status).toBe('succeeded');
    const stdoutChunks = sink.chunks.filter((c) => c.stream === 'stdout');
    // Flushed in between: the bytes before the secret's beginning were not held back.
    expect(stdoutChunks.length).toBeGreaterThanOrEqual(2);
    expect(sink.text({ stream: 'stdout' })).toBe(`token=${REDACTION} done\n`);
    expect(sink.text({ stream: 'stderr' })).toBe(`again: ${REDACTION}\n`);
    for (const chunk of sink.chunks) expect(chunk.data.toString()).not.toMatch(/Sup3r|ecret-42/);
  });
});

describe('runBatch against OpenSSH', () => {
  const hostsOn = (ids: readonly string[], connect: (id: string) => HostConnector = () => connector()): BatchHost[] => ids.map((targetId) => ({ targetId, connect: connect(targetId) }));

  it('reports an unreachable host while the others finish', async () => {
    const closedPort = await freePort();
    const sinks = new Map<string, InMemoryOutputSink>();
    const results = await runBatch(
      {
        output: (id) => {
          const sink = new InMemoryOutputSink();
          sinks.set(id, sink);
          return sink;
        },
        clock: systemClock,
      },
      {
        hosts: hostsOn(['web-1', 'gone', 'web-2'], (id) => (id === 'gone' ? sshConnector({ ...target(), port: closedPort, timeoutMs: TIMEOUT_MS }) : connector())),
        concurrency: 3,
        maxErrors: 5,
        steps: [step('hello', 'echo hello from $(hostname)')],
        parameters: {},
        secureValues: [],
        signal: new AbortController().signal,
      },
    );
    expect(results.map((r) => [r.targetId, r.status])).toEqual([
      ['web-1', 'succeeded'],
      ['gone', 'unreachable'],
      ['web-2', 'succeeded'],
    ]);
    expect(results[1]).toMatchObject({ started: true, errorCategory: 'REFUSED', steps: [{ status: 'skipped', attempts: 0 }] });
    expect(sinks.get('web-2')?.text()).toMatch(/^hello from /);
  });

  it('stops starting hosts once more than maxErrors failed', async () => {
    const closedPort = await freePort();
    const bad = new Set(['b1', 'b2']);
    const results = await runBatch(
      { output: () => new InMemoryOutputSink(), clock: systemClock },
      {
        hosts: hostsOn(['ok1', 'b1', 'b2', 'ok2', 'ok3'], (id) => (bad.has(id) ? sshConnector({ ...target(), port: closedPort, timeoutMs: TIMEOUT_MS }) : connector())),
        concurrency: 1,
        maxErrors: 1,
        steps: [step('s', 'true')],
        parameters: {},
        secureValues: [],
        signal: new AbortController().signal,
      },
    );
    expect(results.map((r) => [r.targetId, r.status, r.started])).toEqual([
      ['ok1', 'succeeded', true],
      ['b1', 'unreachable', true],
      ['b2', 'unreachable', true],
      ['ok2', 'skipped', false],
      ['ok3', 'skipped', false],
    ]);
  });

  it('never has more hosts running than the concurrency, counted on the host', async () => {
    const dir = `${hostDir}/concurrency`;
    await observe(`mkdir -p ${dir}`);
    // Each step marks itself active, records how many are active, stays a while, and unmarks itself.
    const content = [`touch ${dir}/active.$$`, `ls ${dir} | grep -c '^active\\.' >> ${dir}/samples`, 'sleep 0.4', `rm -f ${dir}/active.$$`].join('\n');
    let sessions = 0;
    let maxSessions = 0;
    const counted: HostConnector = async (signal) => {
      const session = await connector()(signal);
      sessions += 1;
      maxSessions = Math.max(maxSessions, sessions);
      return {
        spawn: (command, opts) => session.spawn(command, opts),
        close: () => {
          sessions -= 1;
          return session.close();
        },
      };
    };
    const results = await runBatch(
      { output: () => new InMemoryOutputSink(), clock: systemClock },
      {
        hosts: hostsOn(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'], () => counted),
        concurrency: 2,
        maxErrors: 0,
        steps: [step('count', content)],
        parameters: {},
        secureValues: [],
        signal: new AbortController().signal,
      },
    );
    expect(results.every((r) => r.status === 'succeeded')).toBe(true);
    const samples = (await observe(`cat ${dir}/samples`)).trim().split('\n').map(Number);
    expect(samples).toHaveLength(6);
    expect(Math.max(...samples)).toBe(2);
    expect(maxSessions).toBe(2);
  });

  it('cancels: running hosts have their steps killed on the host, the rest never start', async () => {
    const marker = uniqueSleep(25);
    const cancel = new AbortController();
    const sinks = new Map<string, InMemoryOutputSink>();
    const connects: string[] = [];
    const running = runBatch(
      {
        output: (id) => {
          const sink = new InMemoryOutputSink();
          sinks.set(id, sink);
          return sink;
        },
        clock: systemClock,
      },
      {
        hosts: hostsOn(['c1', 'c2', 'c3'], (id) => (signal) => {
          connects.push(id);
          return connector()(signal);
        }),
        concurrency: 2,
        maxErrors: 0,
        steps: [step('wait', `echo up; ${marker}`)],
        parameters: {},
        secureValues: [],
        signal: cancel.signal,
        options: { killGraceSeconds: 2 },
      },
    );
    await waitFor(() => ['c1', 'c2'].every((id) => sinks.get(id)?.text() === 'up\n'), 'both hosts to start');
    expect((await pgrepSurvivors(marker)).split('\n')).toHaveLength(2);
    const cancelledAt = Date.now();
    cancel.abort();
    const results = await running;

    expect(Date.now() - cancelledAt).toBeLessThan(3_000);
    expect(results.map((r) => [r.targetId, r.status, r.started])).toEqual([
      ['c1', 'cancelled', true],
      ['c2', 'cancelled', true],
      ['c3', 'cancelled', false],
    ]);
    expect(connects).toEqual(['c1', 'c2']);
    expect(await pgrepSurvivors(marker)).toBe('');
  });
});
