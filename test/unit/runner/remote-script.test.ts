import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BOOTSTRAP_COMMAND,
  buildEnvelope,
  checkStep,
  MISSING_ENV_EXIT_CODE,
  parameterEnv,
  parseReaperVerdict,
  PgidMarker,
  PLAIN_SH_COMMAND,
  reaperScript,
  shellQuote,
  shellStatus,
} from '../../../runner/executor/remote-script';
import { ExecutorInputError, type StepSpec } from '../../../runner/executor/types';
import { liveInGroup, LocalSession, runLocally } from './local-session';

const step = (over: Partial<StepSpec> = {}): StepSpec => ({
  id: 's',
  kind: 'command',
  content: 'true',
  timeoutSeconds: 10,
  retries: { count: 0, backoffSeconds: 0 },
  continueOnError: false,
  ...over,
});

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'opsc-envelope-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Values that would do something if a shell ever parsed them as code. */
const tricky = () => ({
  quotes: `it's "quoted" and 'single' \\ back\\slash`,
  substitution: `$(touch ${dir}/pwned-subst) \`touch ${dir}/pwned-backtick\` \${HOME} $HOME`,
  lines: 'first line\nsecond line\n\nlast, then a newline\n',
  terminator: `'; touch ${dir}/pwned-quote; echo '`,
  unicode: 'café ✓ 日本語 \u00a0 \t tab',
  empty: '',
});

/** Runs a step's envelope through the real bootstrap command on this machine; the exit as the executor reads it. */
const runEnvelope = async (session: LocalSession, s: StepSpec, env: Record<string, string>, transport: 'env' | 'preamble') => {
  const ran = await runLocally(session, BOOTSTRAP_COMMAND, { env: transport === 'env' ? env : undefined, stdin: buildEnvelope({ nonce: 'n0nce', step: s, env, transport }) });
  return { ...ran, ...shellStatus(ran) };
};

const withoutMarker = (stdout: string) => stdout.replace(/^OPSC-PGID n0nce \d+\n/, '');

describe('shell quoting and parameter names', () => {
  it('single-quotes any value so that sh reads it back unchanged', async () => {
    const session = new LocalSession();
    for (const value of Object.values(tricky())) {
      const { stdout } = await runLocally(session, `printf '%s' ${shellQuote(value)}`);
      expect(stdout).toBe(value);
    }
    expect(existsSync(path.join(dir, 'pwned-subst'))).toBe(false);
  });

  it('names parameters OPSC_PARAM_<name> with the name as it is, and refuses what cannot be an environment variable', () => {
    expect(parameterEnv({ db_host: 'a', Region: 'b', _x1: 'c' })).toEqual({ OPSC_PARAM_db_host: 'a', OPSC_PARAM_Region: 'b', OPSC_PARAM__x1: 'c' });
    expect(() => parameterEnv({ 'db-host': 'a' })).toThrow(ExecutorInputError);
    expect(() => parameterEnv({ '1st': 'a' })).toThrow(ExecutorInputError);
    expect(() => parameterEnv({ ok: 'nul\0inside' })).toThrow(/NUL/);
  });

  it('refuses steps that cannot be sent', () => {
    expect(() => { checkStep(step({ content: 'a\0b' })); }).toThrow(/NUL/);
    expect(() => { checkStep(step({ interpreter: 'bash' })); }).toThrow(/only scripts have an interpreter/);
    expect(() => { checkStep(step({ timeoutSeconds: 0 })); }).toThrow(/timeout/);
    expect(() => { checkStep(step({ retries: { count: -1, backoffSeconds: 0 } })); }).toThrow(/retries/);
  });
});

describe('the envelope', () => {
  /** The group the envelope announced, and the step's own process group and session. */
  const groupsOf = async (session: LocalSession) => {
    const { stdout, exitCode } = await runEnvelope(session, step({ content: 'ps -o pgid= -o sid= -p $$' }), {}, 'preamble');
    expect(exitCode).toBe(0);
    const [marker, ids] = stdout.split('\n');
    const [pgid, sid] = (ids ?? '').trim().split(/\s+/).map(Number);
    return { announced: Number(/^OPSC-PGID n0nce (\d+)$/.exec(marker ?? '')?.[1]), pgid, sid };
  };

  /** Runs `act` with a `setsid` first in PATH that notes each time it runs, then runs the real one. */
  const watchingSetsid = async (act: () => Promise<void>): Promise<boolean> => {
    const bin = mkdtempSync(path.join(dir, 'bin-'));
    const mark = path.join(bin, 'ran');
    writeFileSync(path.join(bin, 'setsid'), `#!/bin/sh\ntouch ${shellQuote(mark)}\nexec ${shellQuote(realSetsid)} "$@"\n`, { mode: 0o755 });
    const before = process.env.PATH;
    process.env.PATH = `${bin}:${before ?? ''}`;
    try {
      await act();
    } finally {
      process.env.PATH = before;
    }
    return existsSync(mark);
  };
  const realSetsid = ['/usr/bin/setsid', '/bin/setsid'].find((p) => existsSync(p)) ?? 'setsid';

  it('announces its process group first, in a session of its own started with setsid when the shell does not lead its group', async () => {
    const session = new LocalSession();
    let groups: Awaited<ReturnType<typeof groupsOf>> | undefined;
    expect(await watchingSetsid(async () => void (groups = await groupsOf(session)))).toBe(true);
    expect(groups?.announced).toBeGreaterThan(1);
    expect([groups?.pgid, groups?.sid]).toEqual([groups?.announced, groups?.announced]);
  });

  it('runs directly in the session of a shell that leads its group already, as under sshd', async () => {
    const session = new LocalSession({ sessionLeader: true });
    let groups: Awaited<ReturnType<typeof groupsOf>> | undefined;
    expect(await watchingSetsid(async () => void (groups = await groupsOf(session)))).toBe(false);
    // The login shell's own pid, kept through the bootstrap's execs.
    expect(groups?.announced).toBe(session.pids[0]);
    expect([groups?.pgid, groups?.sid]).toEqual([groups?.announced, groups?.announced]);
  });

  it.each(['preamble', 'env'] as const)('delivers parameter values intact as environment variables (%s), never executing them', async (transport) => {
    const session = new LocalSession();
    const values = tricky();
    const env = parameterEnv(values);
    const script = Object.keys(values)
      .map((name) => `printf '%s\\0' "$OPSC_PARAM_${name}"`)
      .join('\n');
    const { stdout, exitCode } = await runEnvelope(session, step({ content: script }), env, transport);
    expect(exitCode).toBe(0);
    expect(withoutMarker(stdout).split('\0').slice(0, -1)).toEqual(Object.values(values));
    for (const file of ['pwned-subst', 'pwned-backtick', 'pwned-quote']) expect(existsSync(path.join(dir, file))).toBe(false);
  });

  it('fails with 125 and says why when the host dropped a parameter sent as SSH environment', async () => {
    const session = new LocalSession({ acceptEnv: (name) => name === 'OPSC_PARAM_kept' });
    const env = parameterEnv({ kept: '1', dropped: '2' });
    const { exitCode, stderr, stdout } = await runEnvelope(session, step({ content: 'echo ran' }), env, 'env');
    expect(exitCode).toBe(MISSING_ENV_EXIT_CODE);
    expect(stderr).toContain('parameter OPSC_PARAM_dropped did not reach the host');
    expect(stderr).toContain('AcceptEnv OPSC_PARAM_*');
    expect(withoutMarker(stdout)).toBe('');
  });

  it('runs scripts verbatim under their interpreter, with stdin at end of input', async () => {
    const session = new LocalSession();
    const tail = 'OPSC_EOF_0123\nEOF\n$(date) `id` ${HOME}';
    const cases: [StepSpec, string][] = [
      [step({ kind: 'script', interpreter: 'python3', content: `import sys\nprint(${JSON.stringify(tail)})\nprint(repr(sys.stdin.read()))` }), `${tail}\n''\n`],
      [step({ kind: 'script', interpreter: 'bash', content: `cat <<'X'\n${tail}\nX\necho "[$BASH_VERSION]" | grep -c '^\\[[0-9]'\ncat; echo "stdin:$?"` }), `${tail}\n1\nstdin:0\n`],
      [step({ kind: 'script', content: 'printf "no trailing newline"' }), 'no trailing newline'],
      [step({ kind: 'command', content: 'echo "$#"' }), '0\n'],
      // Larger than a pipe's buffer, which sh writes a here-document through from a process of its own.
      [step({ kind: 'command', content: `${': filler line\n'.repeat(20_000)}echo end` }), 'end\n'],
      [step({ kind: 'script', interpreter: 'bash', content: `${': filler line\n'.repeat(20_000)}echo end` }), 'end\n'],
    ];
    for (const [s, expected] of cases) {
      const { stdout, exitCode, stderr } = await runEnvelope(session, s, {}, 'preamble');
      expect({ out: withoutMarker(stdout), exitCode, stderr }).toEqual({ out: expected, exitCode: 0, stderr: '' });
    }
  });

  it('passes the exit status through, and 128+n for a signal', async () => {
    const session = new LocalSession();
    expect((await runEnvelope(session, step({ content: 'exit 42' }), {}, 'preamble')).exitCode).toBe(42);
    expect((await runEnvelope(session, step({ content: 'false' }), {}, 'preamble')).exitCode).toBe(1);
    expect(await runEnvelope(session, step({ content: 'kill -s TERM $$' }), {}, 'preamble')).toMatchObject({ exitCode: 143, signal: 'SIGTERM' });
    expect((await runEnvelope(session, step({ kind: 'script', interpreter: 'python3', content: 'raise SystemExit(7)' }), {}, 'preamble')).exitCode).toBe(7);
    expect(await runEnvelope(session, step({ kind: 'script', interpreter: 'python3', content: 'import os\nos.kill(os.getpid(), 9)' }), {}, 'preamble')).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
    expect(shellStatus({ exitCode: null, signal: 'SIGNOTONE' })).toEqual({ exitCode: null, signal: 'SIGNOTONE' });
  });

  it("starts no process of its own for the step: sh steps run in the session's shell, other interpreters replace it", async () => {
    const cases = [
      step({ content: 'echo $$' }),
      step({ kind: 'script', content: 'echo $$' }),
      step({ kind: 'script', interpreter: 'bash', content: 'echo $$' }),
      step({ kind: 'script', interpreter: 'python3', content: 'import os\nprint(os.getpid())' }),
    ];
    for (const s of cases) {
      const session = new LocalSession({ sessionLeader: true });
      const { stdout, exitCode } = await runEnvelope(session, s, {}, 'preamble');
      expect({ pid: Number(withoutMarker(stdout).trim()), exitCode }).toEqual({ pid: session.pids[0], exitCode: 0 });
    }
  });
});

describe('PgidMarker', () => {
  const line = 'OPSC-PGID abc 4321\n';

  it('takes the marker out wherever the stream is cut, and keeps what comes before and after', () => {
    const input = Buffer.from(`rc noise\n${line}out ✓\n`);
    for (let i = 0; i <= input.length; i += 1) {
      const marker = new PgidMarker('abc');
      const a = marker.push(input.subarray(0, i));
      const b = marker.push(input.subarray(i));
      expect(Buffer.concat([a.output, b.output, marker.end()]).toString()).toBe('rc noise\nout ✓\n');
      expect(a.pgid ?? b.pgid).toBe(4321);
    }
  });

  it('passes everything through when no marker comes', () => {
    const marker = new PgidMarker('abc');
    const parts = [marker.push(Buffer.from('no marker OPSC-PGI')).output, marker.end()];
    expect(Buffer.concat(parts).toString()).toBe('no marker OPSC-PGI');
    const other = new PgidMarker('abc');
    const seen = other.push(Buffer.from('OPSC-PGID xyz 1\nhello'));
    expect(seen.pgid).toBeUndefined();
    expect(Buffer.concat([seen.output, other.end()]).toString()).toBe('OPSC-PGID xyz 1\nhello');
  });
});

describe('the reaper', () => {
  /** Starts a process group on this machine and returns its id (its leader prints it) and the leader's end. */
  const startGroupWithExit = async (session: LocalSession, script: string) => {
    let announced: (pgid: number) => void = () => undefined;
    const pgid = new Promise<number>((resolve) => (announced = resolve));
    const leader = await session.spawn(`exec setsid sh -c ${shellQuote(`echo $$; ${script}`)}`, {
      onStdout: (chunk) => {
        announced(Number(chunk.toString().trim()));
      },
      onStderr: () => undefined,
    });
    return { pgid: await pgid, exit: leader.exit };
  };
  const startGroup = async (session: LocalSession, script: string): Promise<number> => (await startGroupWithExit(session, script)).pgid;
  const reap = async (session: LocalSession, pgid: number, graceMs: number) =>
    parseReaperVerdict((await runLocally(session, PLAIN_SH_COMMAND, { stdin: reaperScript(pgid, graceMs) })).stdout);

  it('ends a group with TERM when that is enough', async () => {
    const session = new LocalSession();
    const pgid = await startGroup(session, 'sleep 30 & sleep 31 & wait');
    const started = Date.now();
    expect(await reap(session, pgid, 5_000)).toBe('terminated');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await liveInGroup(pgid)).toEqual([]);
  });

  it('KILLs what ignores TERM once the grace period is over', async () => {
    const session = new LocalSession();
    const pgid = await startGroup(session, `trap '' TERM; sleep 30 & sh -c 'sleep 31' & wait`);
    const started = Date.now();
    expect(await reap(session, pgid, 400)).toBe('killed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(await liveInGroup(pgid)).toEqual([]);
  });

  it('says gone for a group that no longer exists, and refuses to signal nonsense', async () => {
    const session = new LocalSession();
    const { pgid, exit } = await startGroupWithExit(session, 'exit 0');
    await exit;
    expect(await reap(session, pgid, 1_000)).toBe('gone');
    expect(() => reaperScript(1, 100)).toThrow();
    expect(() => reaperScript(Number.NaN, 100)).toThrow();
    expect(parseReaperVerdict('garbage')).toBeUndefined();
  });
});
