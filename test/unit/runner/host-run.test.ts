import { randomInt } from 'node:crypto';
import { systemClock } from '../../../core/clock';
import { runHost } from '../../../runner/executor/host-run';
import { InMemoryOutputSink } from '../../../runner/executor/output';
import { ExecutorInputError, type HostRunInput, type OutputChunk, type OutputSink, type StepSpec } from '../../../runner/executor/types';
import { ConnectionError } from '../../../runner/connection-error';
import { LocalSession, runLocally } from './local-session';

/**
 * runHost against LocalSession: the real bootstrap, envelope and reaper, run by sh on this machine.
 * The same against OpenSSH is in test/integration/executor.test.ts.
 */

const step = (id: string, content: string, over: Partial<StepSpec> = {}): StepSpec => ({
  id,
  kind: 'command',
  content,
  timeoutSeconds: 10,
  retries: { count: 0, backoffSeconds: 0 },
  continueOnError: false,
  ...over,
});

const run = (over: Partial<HostRunInput> & { sink?: OutputSink } = {}) => {
  const { sink = new InMemoryOutputSink(), ...input } = over;
  return runHost(
    { output: sink, clock: systemClock },
    { connection: new LocalSession(), steps: [], parameters: {}, secureValues: [], signal: new AbortController().signal, options: { killGraceSeconds: 0.5 }, ...input },
  );
};

/** Polls until `ok` holds, or fails after 5 s. */
const waitFor = async (ok: () => boolean) => {
  for (const until = Date.now() + 5000; !ok(); ) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

const survivors = async (marker: string) => (await runLocally(new LocalSession(), `pgrep -f '^${marker.replaceAll('.', '\\.')}$' || true`)).stdout.trim();

describe('runHost (local sh)', () => {
  it('runs the steps in order over one session and reports each exit', async () => {
    const sink = new InMemoryOutputSink();
    const session = new LocalSession();
    const connect = jest.fn(() => Promise.resolve(session));
    const result = await run({
      sink,
      connection: connect,
      steps: [step('one', 'echo one'), step('two', 'echo two >&2; exit 3', { continueOnError: true }), step('three', 'echo three')],
    });

    expect(connect).toHaveBeenCalledTimes(1);
    expect(session.closed).toBe(true);
    expect(result).toMatchObject({
      status: 'succeeded',
      steps: [
        { id: 'one', status: 'succeeded', exitCode: 0, attempts: 1 },
        { id: 'two', status: 'failed', exitCode: 3, attempts: 1 },
        { id: 'three', status: 'succeeded', exitCode: 0, attempts: 1 },
      ],
    });
    expect(result).not.toHaveProperty('errorCategory');
    expect(sink.chunks.map((c) => [c.seq, c.stepId, c.stream, c.data.toString()])).toEqual([
      [1, 'one', 'stdout', 'one\n'],
      [2, 'two', 'stderr', 'two\n'],
      [3, 'three', 'stdout', 'three\n'],
    ]);
    for (const s of result.steps) expect(Date.parse(s.finishedAt ?? '') >= Date.parse(s.startedAt ?? '')).toBe(true);
  });

  it('stops at a failing step; later steps are skipped', async () => {
    const sink = new InMemoryOutputSink();
    const result = await run({ sink, steps: [step('bad', 'exit 2'), step('never', 'echo never')] });
    expect(result).toMatchObject({ status: 'failed', steps: [{ id: 'bad', status: 'failed', exitCode: 2 }, { id: 'never', status: 'skipped', attempts: 0 }] });
    expect(result.steps[1]).not.toHaveProperty('startedAt');
    expect(sink.text()).toBe('');
  });

  it('retries a failing step with growing waits, and each attempt has its own output', async () => {
    const sink = new InMemoryOutputSink();
    const session = new LocalSession();
    const { stdout: dir } = await runLocally(session, 'mktemp -d');
    const counter = `${dir.trim()}/n`;
    const started = Date.now();
    const result = await run({
      sink,
      connection: session,
      steps: [step('flaky', `n=$(($(cat ${counter} 2>/dev/null || echo 0) + 1)); echo $n > ${counter}; echo "try $n"; [ $n -ge 3 ]`, { retries: { count: 4, backoffSeconds: 0.1 } })],
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(100 + 200);
    expect(result).toMatchObject({ status: 'succeeded', steps: [{ status: 'succeeded', attempts: 3, exitCode: 0 }] });
    expect([1, 2, 3].map((attempt) => sink.text({ attempt }))).toEqual(['try 1\n', 'try 2\n', 'try 3\n']);
    expect(session.closed).toBe(false);
    await runLocally(session, `rm -rf ${dir.trim()}`);
  });

  it('gives up after the last retry', async () => {
    const result = await run({ steps: [step('always', 'exit 9', { retries: { count: 2, backoffSeconds: 0 } })] });
    expect(result).toMatchObject({ status: 'failed', steps: [{ status: 'failed', attempts: 3, exitCode: 9 }] });
  });

  it('stops a step at its timeout, the whole process group, and retries timeouts too', async () => {
    const marker = `sleep 39.${String(randomInt(100_000, 999_999))}`;
    const result = await run({ steps: [step('slow', `${marker} & ${marker}; wait`, { timeoutSeconds: 0.3, retries: { count: 1, backoffSeconds: 0 } })] });
    expect(result).toMatchObject({ status: 'timed_out', steps: [{ status: 'timed_out', attempts: 2, termination: 'graceful' }] });
    expect(result.steps[0]).not.toHaveProperty('exitCode');
    expect(await survivors(marker)).toBe('');
  });

  it('a timed-out continue-on-error step does not stop the host', async () => {
    const result = await run({ steps: [step('slow', 'sleep 5', { timeoutSeconds: 0.2, continueOnError: true }), step('next', 'true')] });
    expect(result).toMatchObject({ status: 'succeeded', steps: [{ status: 'timed_out' }, { status: 'succeeded' }] });
  });

  it('is cancelled during a retry wait without waiting it out', async () => {
    const cancel = new AbortController();
    const started = Date.now();
    setTimeout(() => {
      cancel.abort();
    }, 150);
    const result = await run({ signal: cancel.signal, steps: [step('a', 'exit 1', { retries: { count: 1, backoffSeconds: 30 } }), step('b', 'true')] });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(result).toMatchObject({ status: 'cancelled', steps: [{ status: 'cancelled', attempts: 1 }, { status: 'cancelled', attempts: 0 }] });
  });

  it('does not connect when cancelled before it starts', async () => {
    const cancel = new AbortController();
    cancel.abort();
    const connect = jest.fn(() => Promise.resolve(new LocalSession()));
    const result = await run({ connection: connect, signal: cancel.signal, steps: [step('a', 'true')] });
    expect(connect).not.toHaveBeenCalled();
    expect(result).toMatchObject({ status: 'cancelled', steps: [{ status: 'cancelled', attempts: 0 }] });
  });

  it('reports a host it cannot reach as unreachable with the connection error category', async () => {
    const refused = await run({ connection: () => Promise.reject(new ConnectionError('REFUSED', '10.0.0.9:22 refused the connection.')), steps: [step('a', 'true')] });
    expect(refused).toMatchObject({ status: 'unreachable', errorCategory: 'REFUSED', errorMessage: '10.0.0.9:22 refused the connection.', steps: [{ status: 'skipped' }] });
    const broken = await run({ connection: () => Promise.reject(new Error('vault unavailable')), steps: [step('a', 'true')] });
    expect(broken).toMatchObject({ status: 'failed', errorCategory: 'INTERNAL', errorMessage: 'Could not open a session: vault unavailable' });
    const leaky = await run({ connection: () => Promise.reject(new Error('bad token tok-123')), secureValues: ['tok-123'], steps: [step('a', 'true')] });
    expect(leaky.errorMessage).toBe('Could not open a session: bad token ******');
  });

  it('fails the host with the category when the connection is lost during a step', async () => {
    const session = new LocalSession();
    setTimeout(() => {
      session.drop();
    }, 200);
    const result = await run({ connection: session, steps: [step('a', 'sleep 0.6'), step('b', 'true')] });
    expect(result).toMatchObject({ status: 'failed', errorCategory: 'PROTOCOL', steps: [{ status: 'failed', attempts: 1 }, { status: 'skipped' }] });
  });

  it('stops the step and fails the host when output cannot be stored', async () => {
    const marker = `sleep 38.${String(randomInt(100_000, 999_999))}`;
    const sink: OutputSink = { write: () => Promise.reject(new Error('throttled')) };
    const result = await run({ sink, options: { killGraceSeconds: 0.5, flushIntervalMs: 20 }, steps: [step('a', `echo hello; ${marker}`), step('b', 'true')] });
    expect(result).toMatchObject({
      status: 'failed',
      errorCategory: 'OUTPUT_SINK',
      errorMessage: 'Output could not be stored: throttled',
      steps: [{ status: 'failed', termination: 'graceful' }, { status: 'skipped' }],
    });
    expect(await survivors(marker)).toBe('');
  });

  it('closes the connection once the steps are done, while their last output is still being stored', async () => {
    const session = new LocalSession();
    const stored: OutputChunk[] = [];
    const closedAtWrite: boolean[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The last write waits until the test lets it go.
    const sink: OutputSink = {
      write: async (chunks) => {
        await held;
        closedAtWrite.push(session.closed);
        stored.push(...chunks);
      },
    };
    const result = run({ sink, connection: () => Promise.resolve(session), steps: [step('a', 'echo last')] });
    await waitFor(() => session.closed);
    expect(stored).toEqual([]);

    release();
    expect(await result).toMatchObject({ status: 'succeeded' });
    expect(closedAtWrite).toEqual([true]);
    expect(stored.map((c) => c.data.toString())).toEqual(['last\n']);
  });

  it('pauses the host while the sink is behind, and loses nothing', async () => {
    const session = new LocalSession();
    const written: OutputChunk[] = [];
    const slowSink: OutputSink = {
      write: async (chunks) => {
        await new Promise((r) => setTimeout(r, 5));
        written.push(...chunks);
      },
    };
    const result = await run({
      sink: slowSink,
      connection: session,
      options: { highWaterBytes: 128 * 1024 },
      steps: [step('flood', 'seq 1 300000')],
    });
    expect(result.status).toBe('succeeded');
    expect(session.pauses).toBeGreaterThan(0);
    const expected = Array.from({ length: 300_000 }, (_, i) => `${i + 1}\n`).join('');
    expect(Buffer.concat(written.map((c) => c.data)).toString()).toBe(expected);
    expect(written.map((c) => c.seq)).toEqual(written.map((_, i) => i + 1));
  });

  it('redacts secure values on stdout and stderr', async () => {
    const sink = new InMemoryOutputSink();
    const secret = 'pa$$ w0rd';
    const result = await run({ sink, parameters: { pw: secret }, secureValues: [secret, ''], steps: [step('a', `printf '%s|' "$OPSC_PARAM_pw"; printf 'x%sx' "$OPSC_PARAM_pw" >&2`)] });
    expect(result.status).toBe('succeeded');
    expect(sink.text({ stream: 'stdout' })).toBe('******|');
    expect(sink.text({ stream: 'stderr' })).toBe('x******x');
  });

  const acceptsOpsc = (name: string) => name.startsWith('OPSC_');
  const acceptsNothing = () => false;
  it.each([
    ['auto', 'accepts OPSC_*', acceptsOpsc, 'env'],
    ['auto', 'drops all env', acceptsNothing, 'preamble'],
    ['preamble', 'accepts OPSC_*', acceptsOpsc, 'preamble'],
  ] as const)('parameter transport %s on a host that %s → %s', async (wanted, _label, acceptEnv, used) => {
    const sink = new InMemoryOutputSink();
    const result = await run({
      sink,
      connection: new LocalSession({ acceptEnv }),
      parameters: { msg: "it's $(here)" },
      options: { parameterTransport: wanted },
      steps: [step('a', 'printf %s "$OPSC_PARAM_msg"')],
    });
    expect(result).toMatchObject({ status: 'succeeded', parameterTransport: used });
    expect(sink.text()).toBe("it's $(here)");
  });

  it('falls back to the preamble when the env probe itself does not work out', async () => {
    const session = new LocalSession();
    const spawn = session.spawn.bind(session);
    session.spawn = (command, opts) => (opts.env !== undefined && !('OPSC_PARAM_p' in opts.env) ? Promise.reject(new Error('probe refused')) : spawn(command, opts));
    const sink = new InMemoryOutputSink();
    const result = await run({ sink, connection: session, parameters: { p: 'v' }, steps: [step('a', 'printf %s "$OPSC_PARAM_p"')] });
    expect(result).toMatchObject({ status: 'succeeded', parameterTransport: 'preamble' });
    expect(sink.text()).toBe('v');
  });

  it('with the env transport, a host that drops the variables fails the step with an explanation', async () => {
    const sink = new InMemoryOutputSink();
    const result = await run({ sink, connection: new LocalSession({ acceptEnv: () => false }), parameters: { x: '1' }, options: { parameterTransport: 'env' }, steps: [step('a', 'true')] });
    expect(result).toMatchObject({ status: 'failed', parameterTransport: 'env', steps: [{ exitCode: 125 }] });
    expect(sink.text({ stream: 'stderr' })).toMatch(/OPSC_PARAM_x did not reach the host/);
  });

  it('leaves a session it was given open, and says nothing about transport without parameters', async () => {
    const session = new LocalSession();
    const result = await run({ connection: session, steps: [step('a', 'true')] });
    expect(session.closed).toBe(false);
    expect(result).not.toHaveProperty('parameterTransport');
    expect(session.commands).toHaveLength(1);
  });

  it('refuses input the schemas should have refused, before running anything', async () => {
    const session = new LocalSession();
    await expect(run({ connection: session, steps: [step('a', 'true')], parameters: { 'not-a-name': 'x' } })).rejects.toThrow(ExecutorInputError);
    await expect(run({ connection: session, steps: [step('a', 'true', { interpreter: 'python3' })] })).rejects.toThrow(ExecutorInputError);
    expect(session.commands).toHaveLength(0);
  });
});
