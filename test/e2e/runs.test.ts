import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { request, type HttpResponse } from '../support/http';
import { inviteAndSignIn, startInProcessStack } from '../support/in-process-stack';
import { freePort, startTestSshd, type TestSshd } from '../support/sshd';
import { startWinRmServer, type TestWinRmServer } from '../support/winrm-server';

/**
 * Runs end to end: the API, the job-run ASL on the local engine, the runner process over SSH to a
 * real OpenSSH sshd on loopback (and WinRM to the local WinRM test server), output and results in
 * the store.
 */
jest.setTimeout(120_000);

let stack: Awaited<ReturnType<typeof startInProcessStack>>;
let sshd: TestSshd;
let projectId: string;
let credentialId: string;
const responses: HttpResponse[] = [];

const exec = promisify(execFile);
/** Processes on the host (the sshd is this machine) whose command line contains `marker`. */
const processesMatching = async (marker: string): Promise<string[]> => {
  try {
    const { stdout } = await exec('pgrep', ['-a', '-f', marker]);
    return stdout.split('\n').filter((l) => l.includes(marker) && !l.includes('pgrep'));
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
};
/** A `sleep` nobody else runs, so pgrep finds exactly the step's. */
const uniqueSleep = (whole: number) => `${whole}.${String(randomInt(100_000, 999_999))}`;
const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000) => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const api = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
  const res = await request(stack.url, method, path, { token: stack.adminToken, ...(body === undefined ? {} : { body }), ...(headers ? { headers } : {}) });
  responses.push(res);
  return res;
};
const p = (path: string) => `/v1/projects/${projectId}${path}`;

const target = async (name: string, tags: Record<string, string>, port = sshd.port) =>
  String((await api('POST', p('/targets'), { name, address: '127.0.0.1', port, protocol: 'ssh', credentialId, tags, hostKeyFingerprint: sshd.hostKeyFingerprint })).json().id);

const job = async (body: Record<string, unknown>) => {
  const res = await api('POST', p('/jobs'), body);
  if (res.status !== 201) throw new Error(`job: ${res.status} ${res.text}`);
  return String(res.json().id);
};

type RunBody = Record<string, unknown> & { id: string; status: string; counts: Record<string, number> };

const waitForRun = async (runId: string, timeoutMs = 60_000): Promise<RunBody> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const run = (await api('GET', p(`/runs/${runId}`))).json() as RunBody;
    if (['succeeded', 'failed', 'cancelled', 'timed_out'].includes(run.status)) return run;
    if (Date.now() > until) throw new Error(`run ${runId} still ${run.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

const hostsOf = async (runId: string) => (await api('GET', p(`/runs/${runId}/hosts`))).json().items as (Record<string, unknown> & { targetId: string; status: string })[];

const outputOf = async (runId: string, targetId: string): Promise<Buffer> => {
  const parts: Buffer[] = [];
  let cursor = '0';
  for (;;) {
    const page = (await api('GET', p(`/runs/${runId}/output?targetId=${targetId}&cursor=${cursor}`))).json() as { items: { data: string }[]; nextCursor: string; complete: boolean };
    for (const item of page.items) parts.push(Buffer.from(item.data, 'base64'));
    cursor = page.nextCursor;
    if (page.complete) return Buffer.concat(parts);
    if (page.items.length === 0) await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  sshd = await startTestSshd();
  stack = await startInProcessStack();
  projectId = String((await api('POST', '/v1/projects', { name: 'runs' })).json().id);
  credentialId = String((await api('POST', p('/credentials'), { name: 'key', kind: 'ssh-key', username: sshd.username, privateKey: sshd.clientKey.privateKey })).json().id);
}, 60_000);

afterAll(async () => {
  await stack.close();
  await sshd.stop();
});

describe('runs', () => {
  it('runs the steps on every host and keeps exit codes and output', async () => {
    const a = await target('ok-1', { group: 'basic' });
    const b = await target('ok-2', { group: 'basic' });
    const jobId = await job({
      name: 'basic',
      targets: { selector: 'group=basic' },
      parameters: [{ name: 'greeting', type: 'string', default: 'hello' }],
      steps: [{ kind: 'command', content: 'echo "$OPSC_PARAM_greeting from $(hostname)"; echo oops >&2' }, { kind: 'script', interpreter: 'sh', content: 'exit 0' }],
    });

    const started = await api('POST', p(`/jobs/${jobId}/runs`), { parameters: { greeting: 'hi' } });
    expect(started.status).toBe(201);
    const run = await waitForRun(String(started.json().id));

    expect(run).toMatchObject({ status: 'succeeded', counts: { total: 2, succeeded: 2, pending: 0, running: 0 } });
    const hosts = await hostsOf(run.id);
    expect(hosts.map((h) => [h.targetId, h.status, h.exitCode])).toEqual(expect.arrayContaining([[a, 'succeeded', 0], [b, 'succeeded', 0]]));
    const out = (await outputOf(run.id, a)).toString();
    expect(out).toContain('hi from ');
    expect(out).toContain('oops');
  });

  it('reads several hosts\' output in one request, the same bytes as one host at a time', async () => {
    const jobId = await job({ name: 'several', targets: { selector: 'group=basic' }, steps: [{ kind: 'command', content: 'echo "from $(hostname)"; seq 1 3' }] });
    const run = await waitForRun(String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id));
    const hosts = await hostsOf(run.id);

    const both = await api('GET', p(`/runs/${run.id}/outputs?cursors=${hosts.map((h) => `${h.targetId}:0`).join(',')}`));
    const unknown = await api('GET', p(`/runs/${run.id}/outputs?cursors=tgt_00000000000000000000000000:0`));
    const malformed = await api('GET', p(`/runs/${run.id}/outputs?cursors=nonsense`));

    expect(both.status).toBe(200);
    const items = both.json().items as { targetId: string; complete: boolean; items: { data: string }[] }[];
    expect(items.map((i) => i.targetId)).toEqual(hosts.map((h) => h.targetId));
    for (const item of items) {
      expect(item.complete).toBe(true);
      const bytes = Buffer.concat(item.items.map((c) => Buffer.from(c.data, 'base64')));
      expect(bytes.equals(await outputOf(run.id, item.targetId))).toBe(true);
    }
    expect(unknown.status).toBe(404);
    expect(malformed.status).toBe(400);
    expect(malformed.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED', details: [{ location: 'query', path: 'cursors' }] } });
  });

  it('records each host\'s exit code, and an unreachable host does not hold up the others', async () => {
    const good = await target('mixed-good', { group: 'mixed' });
    const closed = await target('mixed-closed', { group: 'mixed' }, await freePort());
    const jobId = await job({ name: 'mixed', targets: { selector: 'group=mixed' }, maxErrors: '100%', steps: [{ kind: 'command', content: 'echo ran; exit 3' }] });

    const run = await waitForRun(String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id));

    expect(run).toMatchObject({ status: 'failed', error: { code: 'HOSTS_FAILED' }, counts: { total: 2, failed: 1, unreachable: 1 } });
    const hosts = await hostsOf(run.id);
    expect(hosts.find((h) => h.targetId === good)).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(hosts.find((h) => h.targetId === closed)).toMatchObject({ status: 'unreachable', errorCategory: 'REFUSED' });
  });

  it('stops starting hosts once more than max errors have failed', async () => {
    for (const n of [1, 2, 3, 4]) await target(`strict-${String(n)}`, { group: 'strict' });
    const jobId = await job({ name: 'strict', targets: { selector: 'group=strict' }, concurrency: 1, maxErrors: 1, steps: [{ kind: 'command', content: 'exit 1' }] });

    const run = await waitForRun(String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id));

    expect(run).toMatchObject({ status: 'failed', counts: { total: 4, failed: 2, skipped: 2 } });
  });

  it('never runs more hosts at once than the concurrency, counted on the host', async () => {
    const dir = `/tmp/opsc-concurrency-${String(randomInt(1e9))}`;
    for (const n of [1, 2, 3, 4, 5, 6]) await target(`pool-${String(n)}`, { group: 'pool' });
    const jobId = await job({
      name: 'pool',
      targets: { selector: 'group=pool' },
      concurrency: 2,
      // The last host to finish removes the folder.
      steps: [{ kind: 'script', content: `mkdir -p ${dir}; touch ${dir}/$$; ls ${dir} | wc -l | tr -d ' '; sleep 0.4; rm ${dir}/$$; rmdir ${dir} 2>/dev/null || true` }],
    });

    const run = await waitForRun(String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id));

    expect(run.status).toBe('succeeded');
    const seen = await Promise.all((await hostsOf(run.id)).map(async (h) => Number((await outputOf(run.id, h.targetId)).toString().trim())));
    expect(Math.max(...seen)).toBeLessThanOrEqual(2);
    expect(Math.max(...seen)).toBe(2);
  });

  it('keeps 10 MB of output byte-exact and in order', async () => {
    const big = await target('big', { group: 'big' });
    const jobId = await job({ name: 'big', targets: { selector: 'group=big' }, steps: [{ kind: 'command', content: 'seq 1 1200000' }] });

    const run = await waitForRun(String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id));

    const expected = Buffer.from(`${Array.from({ length: 1_200_000 }, (_, i) => String(i + 1)).join('\n')}\n`);
    expect(expected.length).toBeGreaterThan(8_000_000);
    const got = await outputOf(run.id, big);
    expect(got.length).toBe(expected.length);
    expect(got.equals(expected)).toBe(true);
  });

  it('answers the same run for the same Idempotency-Key, and refuses the key for another request', async () => {
    await target('idem', { group: 'idem' });
    const jobId = await job({ name: 'idem', targets: { selector: 'group=idem' }, parameters: [{ name: 'n', type: 'number', default: 1 }], steps: [{ kind: 'command', content: 'true' }] });
    const key = { 'Idempotency-Key': `deploy-${String(randomInt(1e9))}` };

    const [first, second] = await Promise.all([api('POST', p(`/jobs/${jobId}/runs`), {}, key), api('POST', p(`/jobs/${jobId}/runs`), {}, key)]);
    const other = await api('POST', p(`/jobs/${jobId}/runs`), { parameters: { n: 2 } }, key);

    expect([first.status, second.status].sort()).toEqual([200, 201]);
    expect(first.json().id).toBe(second.json().id);
    expect(other.status).toBe(409);
    expect(other.json()).toMatchObject({ error: { code: 'IDEMPOTENCY_CONFLICT' } });
    await waitForRun(String(first.json().id));
    const runs = (await api('GET', p(`/runs?jobId=${jobId}`))).json().items as unknown[];
    expect(runs).toHaveLength(1);
  });

  it('names each bad parameter', async () => {
    const jobId = await job({
      name: 'typed',
      targets: { selector: 'group=none' },
      parameters: [{ name: 'count', type: 'number', required: true }, { name: 'env', type: 'choice', allowed: ['dev', 'prod'] }],
      steps: [{ kind: 'command', content: 'true' }],
    });

    const bad = await api('POST', p(`/jobs/${jobId}/runs`), { parameters: { env: 'staging', extra: 1 } });

    expect(bad.status).toBe(400);
    const paths = (bad.json().error as { details: { path: string }[] }).details.map((d) => d.path).sort();
    expect(paths).toEqual(['parameters.count', 'parameters.env', 'parameters.extra']);
  });

  it('cancels a run and leaves nothing of it running on the host', async () => {
    const seconds = uniqueSleep(41);
    const host = await target('cancel-1', { group: 'cancel' });
    await target('cancel-2', { group: 'cancel' });
    const jobId = await job({ name: 'cancel', targets: { selector: 'group=cancel' }, steps: [{ kind: 'command', content: `echo started; sleep ${seconds} & sleep ${seconds}; echo never` }] });
    const runId = String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id);
    await waitFor('both sleeps on each host', async () => (await processesMatching(`sleep ${seconds}`)).length >= 4);

    const cancelled = await api('POST', p(`/runs/${runId}/cancel`));
    const run = await waitForRun(runId);

    expect(cancelled.status).toBe(202);
    expect(run).toMatchObject({ status: 'cancelled', counts: { cancelled: 2 }, cancelRequested: { by: expect.any(String) as unknown } });
    expect(await processesMatching(`sleep ${seconds}`)).toEqual([]);
    expect((await outputOf(runId, host)).toString()).not.toContain('never');
    expect((await api('POST', p(`/runs/${runId}/cancel`))).status).toBe(409);
  });

  it('ends a step at its timeout and kills what it started', async () => {
    const seconds = uniqueSleep(42);
    await target('slow', { group: 'slow' });
    const jobId = await job({ name: 'slow', targets: { selector: 'group=slow' }, steps: [{ kind: 'command', timeoutSeconds: 1, content: `trap '' TERM; sleep ${seconds}` }] });

    const run = await waitForRun(String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id));

    expect(run).toMatchObject({ status: 'failed', counts: { timed_out: 1 } });
    const [host] = await hostsOf(run.id);
    expect(host).toMatchObject({ status: 'timed_out', steps: [{ status: 'timed_out', termination: expect.stringMatching(/graceful|killed/) as unknown }] });
    expect(await processesMatching(`sleep ${seconds}`)).toEqual([]);
  });

  it('retries the hosts that did not succeed, as a new run', async () => {
    const flag = `/tmp/opsc-retry-${String(randomInt(1e9))}`;
    await target('retry-1', { group: 'retry' });
    const jobId = await job({ name: 'retry', targets: { selector: 'group=retry' }, steps: [{ kind: 'command', content: `if [ -e ${flag} ]; then rm -f ${flag}; echo second; else touch ${flag}; exit 1; fi` }] });
    const first = await waitForRun(String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id));

    const retried = await api('POST', p(`/runs/${first.id}/retry`), {});
    const second = await waitForRun(String(retried.json().id));

    expect(first.status).toBe('failed');
    expect(retried.status).toBe(201);
    expect(second).toMatchObject({ status: 'succeeded', retryOf: first.id, targets: { targetIds: [expect.any(String)] } });
    expect((await api('POST', p(`/runs/${second.id}/retry`), {})).status).toBe(409);
  });

  it('needs an admin to confirm a job with dangerous commands, and records who did', async () => {
    await target('danger', { group: 'danger' });
    const jobId = await job({ name: 'danger', targets: { selector: 'group=danger' }, steps: [{ kind: 'command', content: 'exit 0\nmkfs.ext4 /dev/sdz' }] });
    const operator = await inviteAndSignIn(stack.url, stack.adminToken, 'olga');
    await api('PUT', p('/members/olga'), { role: 'operator' });

    const unconfirmed = await api('POST', p(`/jobs/${jobId}/runs`), {});
    const byOperator = await request(stack.url, 'POST', p(`/jobs/${jobId}/runs`), { token: operator.token, body: { confirmDangerous: true } });
    const confirmed = await api('POST', p(`/jobs/${jobId}/runs`), { confirmDangerous: true });

    expect(unconfirmed.status).toBe(422);
    expect(unconfirmed.json()).toMatchObject({ error: { code: 'CONFIRMATION_REQUIRED' } });
    expect(byOperator.status).toBe(403);
    expect(confirmed.status).toBe(201);
    expect(confirmed.json()).toMatchObject({ dangerousConfirmed: { by: 'admin', ruleIds: [expect.stringMatching(/mkfs/) as unknown] } });
    expect((await waitForRun(String(confirmed.json().id))).status).toBe('succeeded');
  });

  it('ends the run with its hosts lost when the runner dies', async () => {
    const seconds = uniqueSleep(43);
    await target('lost-1', { group: 'lost' });
    await target('lost-2', { group: 'lost' });
    const jobId = await job({ name: 'lost', targets: { selector: 'group=lost' }, steps: [{ kind: 'command', content: `sleep ${seconds}` }] });
    const runId = String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id);
    await waitFor('both hosts running', async () => (await processesMatching(`sleep ${seconds}`)).length >= 2);

    process.kill(stack.runnerPid() ?? 0, 'SIGKILL');
    const run = await waitForRun(runId);

    expect(run).toMatchObject({ status: 'failed', counts: { lost: 2 } });
    expect((await hostsOf(runId)).map((h) => h.errorCategory)).toEqual(['RUNNER_LOST', 'RUNNER_LOST']);
    // A dead runner cannot stop its steps (docs/runs.md); clean up what it left.
    await exec('pkill', ['-f', `sleep ${seconds}`]).catch(() => undefined);
  });

  it('keeps working after the runner died: the next run gets a new runner', async () => {
    await target('after-1', { group: 'after' });
    const jobId = await job({ name: 'after', targets: { selector: 'group=after' }, steps: [{ kind: 'command', content: 'echo fine' }] });

    const run = await waitForRun(String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id));

    expect(run.status).toBe('succeeded');
  });

  it('answers 404 for runs of other projects and bad ids', async () => {
    const other = String((await api('POST', '/v1/projects', { name: 'other' })).json().id);
    const someRun = ((await api('GET', p('/runs?limit=1'))).json().items as { id: string }[])[0]?.id ?? '';

    expect((await api('GET', `/v1/projects/${other}/runs/${someRun}`)).status).toBe(404);
    expect((await api('GET', p('/runs/run_nope'))).status).toBe(400);
  });
});

/**
 * SSH and WinRM hosts in one run: the local WinRM test server (test/support/winrm-server.ts, over
 * HTTPS with its own CA) next to the real sshd. The server runs command lines with /bin/sh, so a
 * step like `echo hello` means the same on both.
 */
describe('runs on SSH and WinRM targets together', () => {
  let winrm: TestWinRmServer;
  let winrmCredentialId: string;

  beforeAll(async () => {
    winrm = await startWinRmServer({ scheme: 'https' });
    winrmCredentialId = String((await api('POST', p('/credentials'), { name: 'windows', kind: 'winrm-password', username: winrm.username, password: winrm.password })).json().id);
  });
  afterAll(async () => {
    await winrm.stop();
  });

  const windowsTarget = async (name: string, tags: Record<string, string>) => {
    const res = await api('POST', p('/targets'), {
      name,
      address: winrm.host,
      port: winrm.port,
      protocol: 'winrm',
      winrm: { transport: 'https', auth: 'basic', verifyTls: true, caBundle: winrm.ca },
      credentialId: winrmCredentialId,
      tags,
    });
    if (res.status !== 201) throw new Error(`target: ${res.status} ${res.text}`);
    return String(res.json().id);
  };

  it('runs one job on SSH and WinRM hosts in the same run, with live output and a result per host', async () => {
    const linux = [await target('mixed-linux-1', { fleet: 'both' }), await target('mixed-linux-2', { fleet: 'both' })];
    const windows = [await windowsTarget('mixed-windows-1', { fleet: 'both' }), await windowsTarget('mixed-windows-2', { fleet: 'both' })];
    const jobId = await job({ name: 'everywhere', targets: { selector: 'fleet=both' }, steps: [{ kind: 'command', content: 'echo hello && sleep 2' }] });

    const runId = String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id);
    // Live: every host's output is readable while the run is still going.
    const cursors = [...linux, ...windows].map((t) => `${t}:0`).join(',');
    let live: { targetId: string; items: { data: string }[] }[] = [];
    await waitFor('output from every host', async () => {
      const res = await api('GET', p(`/runs/${runId}/outputs?cursors=${cursors}`));
      // 404 until Plan has written the hosts.
      if (res.status !== 200) return false;
      live = res.json().items as typeof live;
      return live.length === 4 && live.every((h) => h.items.length > 0);
    });
    const during = (await api('GET', p(`/runs/${runId}`))).json() as RunBody;
    const run = await waitForRun(runId);

    expect(during.status).toBe('running');
    expect(run).toMatchObject({ status: 'succeeded', counts: { total: 4, succeeded: 4 } });
    const hosts = await hostsOf(runId);
    expect(hosts.map((h) => [h.targetId, h.status, h.exitCode]).sort()).toEqual([...linux, ...windows].map((t) => [t, 'succeeded', 0]).sort());
    for (const t of [...linux, ...windows]) expect((await outputOf(runId, t)).toString()).toBe('hello\n');
    // The WinRM hosts really went through the WinRM server.
    expect(winrm.requests.filter((r) => r.includes('echo hello')).length).toBeGreaterThanOrEqual(2);
  });

  it('runs on each host of a mixed fleet the steps for its kind: PowerShell on WinRM hosts, scripts on SSH hosts, commands on both', async () => {
    const linux = await target('kinds-linux', { fleet: 'kinds' });
    const windows = await windowsTarget('kinds-windows', { fleet: 'kinds' });
    const jobId = await job({
      name: 'per kind',
      targets: { selector: 'fleet=kinds' },
      steps: [
        { id: 'windows', kind: 'powershell', content: 'echo "powershell $OPSC_PARAM_who"' },
        { id: 'linux', kind: 'script', interpreter: 'sh', content: 'echo "script $OPSC_PARAM_who"' },
        { id: 'both', kind: 'command', content: 'echo both' },
      ],
      parameters: [{ name: 'who', type: 'string', default: 'ops' }],
    });

    const run = await waitForRun(String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id));

    expect(run).toMatchObject({ status: 'succeeded', counts: { total: 2, succeeded: 2 } });
    const hosts = await hostsOf(run.id);
    const stepsOf = (targetId: string) => (hosts.find((h) => h.targetId === targetId)?.steps as { id: string; status: string }[]).map((st) => [st.id, st.status]);
    expect(stepsOf(windows)).toEqual([['windows', 'succeeded'], ['both', 'succeeded']]);
    expect(stepsOf(linux)).toEqual([['linux', 'succeeded'], ['both', 'succeeded']]);
    expect((await outputOf(run.id, windows)).toString()).toBe('powershell ops\nboth\n');
    expect((await outputOf(run.id, linux)).toString()).toBe('script ops\nboth\n');
  });

  it('fails the hosts whose protocol cannot run a step, and runs the others', async () => {
    const linux = await target('ps-linux', { fleet: 'ps' });
    const windows = await windowsTarget('ps-windows', { fleet: 'ps' });
    const jobId = await job({ name: 'powershell', targets: { selector: 'fleet=ps' }, maxErrors: '100%', steps: [{ kind: 'powershell', content: 'echo "from powershell $OPSC_PARAM_what"' }], parameters: [{ name: 'what', type: 'string', default: 'param' }] });

    const run = await waitForRun(String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id));

    expect(run).toMatchObject({ status: 'failed', counts: { total: 2, succeeded: 1, failed: 1 } });
    const hosts = await hostsOf(run.id);
    expect(hosts.find((h) => h.targetId === linux)).toMatchObject({ status: 'failed', errorCategory: 'PROTOCOL', errorMessage: expect.stringContaining('needs a WinRM target') as unknown });
    expect(hosts.find((h) => h.targetId === windows)).toMatchObject({ status: 'succeeded', exitCode: 0 });
    expect((await outputOf(run.id, windows)).toString()).toBe('from powershell param\n');
  });

  it('cancels a long step on a WinRM host and leaves no process of it', async () => {
    const seconds = uniqueSleep(44);
    const windows = await windowsTarget('cancel-windows', { fleet: 'cancel-win' });
    await target('cancel-linux', { fleet: 'cancel-win' });
    const jobId = await job({ name: 'cancel-both', targets: { selector: 'fleet=cancel-win' }, steps: [{ kind: 'command', content: `echo started && sleep ${seconds}` }] });
    const runId = String((await api('POST', p(`/jobs/${jobId}/runs`), {})).json().id);
    await waitFor('the step on both hosts', async () => (await processesMatching(`sleep ${seconds}`)).length >= 2);

    expect((await api('POST', p(`/runs/${runId}/cancel`))).status).toBe(202);
    const run = await waitForRun(runId);

    expect(run).toMatchObject({ status: 'cancelled', counts: { cancelled: 2 } });
    const host = (await hostsOf(runId)).find((h) => h.targetId === windows);
    expect(host).toMatchObject({ status: 'cancelled', steps: [{ status: 'cancelled', termination: 'killed' }] });
    expect(await processesMatching(`sleep ${seconds}`)).toEqual([]);
    expect((await outputOf(runId, windows)).toString()).toBe('started\n');
  });
});
