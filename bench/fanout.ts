import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ssh2 from 'ssh2';
import { startStack } from '../local/stack';
import { quietLogger } from '../test/support/fakes';
import { request, signIn } from '../test/support/http';
import { startTestSshd, type TestSshd } from '../test/support/sshd';

/**
 * `npm run bench`: fan-out of `uname -n` to N loopback "hosts" (one sshd on 16 ports, many targets
 * per port, a dedicated user) through the whole local product — API, the job-run state machine, the
 * runner process, output in the store — and, in the same run and at the same parallelism, plain
 * ssh2, parallel-ssh and Ansible. Prints wall time, hosts per second, client CPU per host and each
 * line's ratio to plain ssh2, plus the product's time from POST to the first output byte stored.
 * Results are recorded in docs/performance.md.
 */
const SIZES = (process.env.BENCH_SIZES ?? '50,200,500').split(',').map(Number);
const PEERS = new Set((process.env.BENCH_PEERS ?? 'ssh2,product,pssh,ansible').split(','));
const PARALLELISM = Number(process.env.BENCH_PARALLELISM ?? 50);
/** Each size this many times (the machine's noise is large: compare rounds, not single runs). */
const REPEAT = Math.max(1, Number(process.env.BENCH_REPEAT ?? 1));
const exec = promisify(execFile);
const TICKS_PER_SECOND = 100;

interface Line {
  peer: string;
  hosts: number;
  /** Which repetition of this size (BENCH_REPEAT): ratios compare lines of the same one. */
  round: number;
  wallMs: number;
  cpuMs: number;
  ok: number;
  firstOutputMs?: number;
  /** The product's requests to its store per host: unlike time, the same in every round. */
  storeRequestsPerHost?: number;
  note?: string;
}
/** What one peer measured in one go. */
type Measured = Omit<Line, 'round'>;

/** Context switches of all a process's threads (voluntary: it waited; involuntary: it was preempted). */
const processSwitches = (pid: number | undefined): number => {
  if (pid === undefined) return 0;
  let n = 0;
  try {
    for (const task of readdirSync(`/proc/${String(pid)}/task`)) {
      const status = readFileSync(`/proc/${String(pid)}/task/${task}/status`, 'utf8');
      for (const m of status.matchAll(/ctxt_switches:\s+(\d+)/g)) n += Number(m[1]);
    }
  } catch {
    // gone meanwhile
  }
  return n;
};
/** CPU time (user + system) of a process, from /proc (clock ticks → ms). */
const processCpuMs = (pid: number | undefined): number => {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${String(pid)}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
};
/**
 * Every process's CPU (with the children it reaped) and the machine's ticks by kind, to see where a
 * line's CPU went (BENCH_DEBUG). The hosts' side is sshd's listener plus whoever reaps the session
 * processes that outlive their parent (here the VM's init, pid 1): sshd's own count alone misses them.
 */
const cpuSnapshot = () => {
  const procs = new Map<string, { comm: string; ticks: number }>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      procs.set(pid, { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ticks: Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]) });
    } catch {
      // gone meanwhile
    }
  }
  // The last pid handed out: how many processes a line started.
  const lastPid = Number(readFileSync('/proc/loadavg', 'utf8').trim().split(' ')[4]);
  const stat = readFileSync('/proc/stat', 'utf8').split('\n');
  // Context switches: each costs caches and, on a VM, a trip through the hypervisor.
  const switches = Number(stat.find((l) => l.startsWith('ctxt '))?.split(' ')[1] ?? 0);
  return { procs, lastPid, switches, machine: (stat[0] ?? '').split(/\s+/).slice(1, 9).map(Number) };
};
/** Pids handed out between two snapshots; they wrap around at pid_max. */
const pidsBetween = (from: number, to: number): number => {
  const max = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  return (to - from + max) % max;
};
/** How busy the cores were since `from`, by kind of work, and the processes that used the most CPU. */
const cpuSince = (from: ReturnType<typeof cpuSnapshot>): string => {
  const to = cpuSnapshot();
  const ticks = to.machine.map((t, i) => t - (from.machine[i] ?? 0));
  const total = ticks.reduce((a, b) => a + b, 0);
  const busy = total - (ticks[3] ?? 0) - (ticks[4] ?? 0);
  const seconds = (t: number) => (t / TICKS_PER_SECOND).toFixed(2);
  const kinds = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'].map((k, i) => `${k} ${seconds(ticks[i] ?? 0)}`);
  const top = [...to.procs]
    .map(([pid, p]) => ({ name: `${p.comm}[${pid}]`, ticks: p.ticks - (from.procs.get(pid)?.ticks ?? 0) }))
    .filter((p) => p.ticks > 2)
    .sort((a, b) => b.ticks - a.ticks)
    .slice(0, 8);
  return `${((100 * busy) / Math.max(1, total)).toFixed(0)}% of all cores, ${seconds(busy)} s of CPU (${kinds.join(', ')}), ${String(pidsBetween(from.lastPid, to.lastPid))} processes started, ${String(to.switches - from.switches)} context switches\n  most CPU: ${top.map((p) => `${p.name} ${seconds(p.ticks)} s`).join(', ')}`;
};
const selfCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** When the hosts finished, from a line's start (BENCH_DEBUG): where its wall time went. */
const timeline = (label: string, startsMs: readonly number[], endsMs: readonly number[], lineMs: number): string => {
  const ends = [...endsMs].sort((a, b) => a - b);
  const at = (share: number) => (ends[Math.min(ends.length - 1, Math.floor(share * ends.length))] ?? 0).toFixed(0);
  const first = startsMs.length > 0 ? Math.min(...startsMs).toFixed(0) : '?';
  const inFlight = (t: number) => startsMs.filter((s) => s <= t).length - ends.filter((e) => e <= t).length;
  const flights = [0.05, 0.25, 0.5, 0.75, 0.9, 0.95, 0.98].map((q) => String(inFlight(Number(at(q))))).join('/');
  return `${label}: first host started at ${first} ms; 10% of hosts done at ${at(0.1)} ms, 50% at ${at(0.5)}, 90% at ${at(0.9)}, all at ${at(1)}; line ended at ${lineMs.toFixed(0)} ms; in flight at 5/25/50/75/90/95/98%: ${flights}`;
};

const hostsOf = (sshd: TestSshd, n: number) => Array.from({ length: n }, (_, i) => ({ name: `h${String(i + 1).padStart(4, '0')}`, port: sshd.ports[i % sshd.ports.length] ?? sshd.port }));

// ---------------------------------------------------------------------------------------------
// Plain ssh2: one connection per host, exec, read, close; a pool of PARALLELISM.

const plainSsh2 = async (sshd: TestSshd, n: number): Promise<Measured> => {
  const hosts = hostsOf(sshd, n);
  let next = 0;
  let ok = 0;
  const starts: number[] = [];
  const ends: number[] = [];
  const one = (port: number) =>
    new Promise<void>((resolve) => {
      starts.push(performance.now() - t0);
      const client = new ssh2.Client();
      let out = '';
      client
        .on('ready', () => {
          client.exec('uname -n', (err, stream) => {
            if (err) {
              client.end();
              resolve();
              return;
            }
            stream.on('data', (d: Buffer) => (out += d.toString())).on('close', () => {
              ends.push(performance.now() - t0);
              if (out.length > 0) ok += 1;
              client.end();
              resolve();
            });
            stream.stderr.resume();
          });
        })
        .on('error', () => {
          resolve();
        })
        .connect({ host: '127.0.0.1', port, username: sshd.username, privateKey: sshd.clientKey.privateKey, readyTimeout: 30_000 });
    });
  const cpu0 = selfCpuMs();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(PARALLELISM, n) }, async () => {
      for (let i = next++; i < hosts.length; i = next++) await one(hosts[i]?.port ?? 0);
    }),
  );
  const wallMs = performance.now() - t0;
  if (process.env.BENCH_DEBUG) console.log(timeline(`plain ssh2 ${String(n)}`, starts, ends, wallMs));
  return { peer: 'plain ssh2', hosts: n, wallMs, cpuMs: selfCpuMs() - cpu0, ok };
};

// ---------------------------------------------------------------------------------------------
// External tools: CPU of the tool and its children, as the shell that waited for them sees it.

const runTool = async (command: string): Promise<{ wallMs: number; cpuMs: number; stdout: string }> => {
  const t0 = performance.now();
  // The shell waits for the tool, then reports its children's CPU (cutime + cstime).
  const { stdout } = await exec('sh', ['-c', `${command}; echo; echo OPSC-CPU $(cut -d' ' -f16,17 /proc/$$/stat)`], { maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - t0;
  const [, u, s] = /OPSC-CPU (\d+) (\d+)/.exec(stdout) ?? [];
  return { wallMs, cpuMs: ((Number(u) + Number(s)) * 1000) / TICKS_PER_SECOND, stdout };
};

const which = async (cmd: string) => exec('sh', ['-c', `command -v ${cmd}`]).then(() => true, () => false);

const ensureTool = async (cmd: string, pkg: string): Promise<boolean> => {
  if (await which(cmd)) return true;
  if (process.getuid?.() !== 0) return false;
  console.log(`installing ${pkg} from Debian for the comparison…`);
  await exec('apt-get', ['install', '-y', '--no-install-recommends', pkg], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).catch(() => undefined);
  return which(cmd);
};

const sshOptions = (key: string) => `-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes -i ${key}`;

const parallelSsh = async (sshd: TestSshd, n: number, work: string): Promise<Measured> => {
  const hostsFile = path.join(work, `pssh-${String(n)}.txt`);
  writeFileSync(hostsFile, hostsOf(sshd, n).map((h) => `127.0.0.1:${String(h.port)}`).join('\n'));
  const r = await runTool(`parallel-ssh -h ${hostsFile} -l ${sshd.username} -p ${String(PARALLELISM)} -t 60 -i -x "${sshOptions(sshd.clientKey.privateKeyPath)}" uname -n 2>/dev/null`);
  return { peer: 'parallel-ssh', hosts: n, wallMs: r.wallMs, cpuMs: r.cpuMs, ok: (r.stdout.match(/\[SUCCESS\]/g) ?? []).length };
};

const ansible = async (sshd: TestSshd, n: number, work: string): Promise<Measured> => {
  const inventory = path.join(work, `ansible-${String(n)}.ini`);
  writeFileSync(inventory, `[all]\n${hostsOf(sshd, n).map((h) => `${h.name} ansible_host=127.0.0.1 ansible_port=${String(h.port)}`).join('\n')}\n`);
  const env = `ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_SSH_ARGS='-o UserKnownHostsFile=/dev/null -o ControlMaster=no' ANSIBLE_PYTHON_INTERPRETER=auto_silent ANSIBLE_LOCAL_TEMP=${work}/ansible-tmp`;
  const r = await runTool(`${env} ansible all -i ${inventory} -u ${sshd.username} --private-key ${sshd.clientKey.privateKeyPath} -f ${String(PARALLELISM)} -m command -a 'uname -n' 2>/dev/null`);
  return { peer: 'ansible', hosts: n, wallMs: r.wallMs, cpuMs: r.cpuMs, ok: (r.stdout.match(/\| CHANGED \|/g) ?? []).length };
};

// ---------------------------------------------------------------------------------------------
// The product: targets and a job over the API, then POST a run and wait for it.

const startProduct = async (sshd: TestSshd, work: string) => {
  const dataDir = mkdtempSync(path.join(work, 'product-'));
  const admin = { email: 'bench@example.com', password: 'Bench!Passw0rd-long' };
  // Setup creates hundreds of targets in a burst; the measured part makes few requests.
  const stack = await startStack({ dataDir, port: 0, logger: quietLogger(), admin, fastPasswordHashing: true, rateLimit: { ratePerSecond: 10_000, burst: 10_000 } });
  const close = async () => {
    await stack.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const token = await signIn(stack.url, admin.email, admin.password);
    const api = async (method: string, route: string, body?: unknown) => {
      const res = await request(stack.url, method, route, { token, ...(body === undefined ? {} : { body }) });
      if (res.status >= 300) throw new Error(`${method} ${route}: ${String(res.status)} ${res.text}`);
      return res.json();
    };
    const projectId = String((await api('POST', '/v1/projects', { name: 'bench' })).id);
    const p = (route: string) => `/v1/projects/${projectId}${route}`;
    const credentialId = String((await api('POST', p('/credentials'), { name: 'bench key', kind: 'ssh-key', username: sshd.username, privateKey: sshd.clientKey.privateKey })).id);
    // Every target up front: writing hundreds of them just before a measured run would leave the
    // store compacting during it.
    for (const h of hostsOf(sshd, Math.max(...SIZES))) {
      await api('POST', p('/targets'), { name: h.name, address: '127.0.0.1', port: h.port, protocol: 'ssh', credentialId, hostKeyFingerprint: sshd.hostKeyFingerprint, tags: { bench: 'yes' } });
    }
    const run = async (n: number): Promise<Measured> => {
      const names = hostsOf(sshd, n).map((h) => h.name);
      const jobId = String((await api('POST', p('/jobs'), { name: `uname ${String(n)}`, targets: { selector: `bench=yes` }, concurrency: PARALLELISM, maxErrors: '100%', steps: [{ kind: 'command', content: 'uname -n' }] })).id);
      // The run names the first n targets explicitly.
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await api('GET', p(`/targets?selector=bench%3Dyes&limit=100${cursor ? `&cursor=${cursor}` : ''}`));
        for (const t of page.items as { id: string; name: string }[]) if (names.includes(t.name)) ids.push(t.id);
        cursor = page.nextCursor as string | undefined;
      } while (cursor !== undefined);
      const firstId = ids[0] ?? '';

      const runnerPid = stack.runnerPid();
      const runnerCpu0 = processCpuMs(runnerPid);
      const switches0 = { runner: processSwitches(runnerPid), rest: processSwitches(process.pid) };
      const requests0 = stack.storeRequests();
      const selfCpu0 = selfCpuMs();
      const cpu0 = selfCpu0 + runnerCpu0;
      const t0 = performance.now();
      const postedAt = Date.now();
      const run = await api('POST', p(`/jobs/${jobId}/runs`), { targets: { targetIds: ids } });
      const runId = String(run.id);
      let firstOutputMs: number | undefined;
      let status = String(run.status);
      let counts: Record<string, number> = {};
      let finishedAt: string | undefined;
      // The run polled every 250 ms (the console's run page reads it and its hosts every second), the
      // first output every 20 ms (the measurement's resolution; each poll is work the product does on
      // the machine being measured).
      for (let poll = 1; !['succeeded', 'failed', 'cancelled', 'timed_out'].includes(status); poll += 1) {
        if (firstOutputMs === undefined) {
          const out = await request(stack.url, 'GET', p(`/runs/${runId}/output?targetId=${firstId}`), { token });
          if (out.status === 200 && (out.json().items as unknown[]).length > 0) firstOutputMs = performance.now() - t0;
          else if (out.status !== 404 && out.status !== 200) throw new Error(out.text);
        }
        await new Promise((r) => setTimeout(r, firstOutputMs === undefined ? 20 : 250));
        // The run itself every 250 ms (a run may end without output).
        if (firstOutputMs === undefined && poll % 12 !== 0) continue;
        const now = await api('GET', p(`/runs/${runId}`));
        status = String(now.status);
        counts = now.counts as Record<string, number>;
        finishedAt = typeof now.finishedAt === 'string' ? now.finishedAt : undefined;
      }
      // To the run's end as Finalize recorded it: the poll that sees it comes up to 250 ms later,
      // a delay of the watching, not of the run (plain ssh2's line ends at its last close).
      const wallMs = finishedAt === undefined ? performance.now() - t0 : Date.parse(finishedAt) - postedAt;
      const cpuMs = selfCpuMs() + processCpuMs(stack.runnerPid()) - cpu0;
      if (process.env.BENCH_DEBUG) {
        const switches = `${String(processSwitches(stack.runnerPid()) - switches0.runner)} and ${String(processSwitches(process.pid) - switches0.rest)} context switches`;
        console.log(`product ${String(n)}: runner process ${String(processCpuMs(stack.runnerPid()) - runnerCpu0)} ms CPU, the rest ${(selfCpuMs() - selfCpu0).toFixed(0)} ms; ${switches}`);
      }
      const requests = Object.entries(stack.storeRequests()).map(([op, count]) => [op, count - (requests0[op] ?? 0)] as const).filter(([, count]) => count > 0);
      if (process.env.BENCH_DEBUG) console.log(`product ${String(n)}: store requests ${requests.map(([op, count]) => `${op} ${String(count)}`).join(', ')}`);
      if (process.env.BENCH_DEBUG) {
        const hosts: { startedAt?: string; finishedAt?: string; batch: number }[] = [];
        let hostCursor: string | undefined;
        do {
          const page = (await api('GET', p(`/runs/${runId}/hosts?limit=1000${hostCursor ? `&cursor=${hostCursor}` : ''}`))) as { items: typeof hosts; nextCursor?: string };
          hosts.push(...page.items);
          hostCursor = page.nextCursor;
        } while (hostCursor !== undefined);
        const since = (iso: string | undefined) => (iso === undefined ? [] : [Date.parse(iso) - postedAt]);
        const batches = [...new Set(hosts.map((h) => h.batch))].sort((a, b) => a - b);
        const lastOf = (b: number) => Math.max(...hosts.filter((h) => h.batch === b).flatMap((h) => since(h.finishedAt))).toFixed(0);
        console.log(`${timeline(`product ${String(n)}`, hosts.flatMap((h) => since(h.startedAt)), hosts.flatMap((h) => since(h.finishedAt)), wallMs)}; batches done at ${batches.map(lastOf).join(', ')} ms`);
      }
      const storeRequestsPerHost = requests.reduce((sum, [, count]) => sum + count, 0) / n;
      return { peer: 'OpsConductor', hosts: n, wallMs, cpuMs, ok: counts.succeeded ?? 0, storeRequestsPerHost, ...(firstOutputMs === undefined ? {} : { firstOutputMs }) };
    };
    return { run, close };
  } catch (e) {
    await close();
    throw e;
  }
};

// ---------------------------------------------------------------------------------------------

const markdown = (rows: readonly string[][]) => {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => `| ${r.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`).join('\n');
};

const table = (lines: readonly Line[]) => {
  const rows = [['peer', 'hosts', 'ok', 'wall s', 'hosts/s', 'client CPU ms/host', 'wall vs ssh2', 'first output', 'store requests/host']];
  for (const l of lines) {
    const base = lines.find((b) => b.peer === 'plain ssh2' && b.hosts === l.hosts && b.round === l.round);
    rows.push([
      l.peer,
      String(l.hosts),
      String(l.ok),
      (l.wallMs / 1000).toFixed(2),
      ((l.hosts * 1000) / l.wallMs).toFixed(1),
      (l.cpuMs / l.hosts).toFixed(1),
      base ? `${(l.wallMs / base.wallMs).toFixed(2)}×` : '',
      l.firstOutputMs === undefined ? (l.note ?? '') : `${l.firstOutputMs.toFixed(0)} ms`,
      l.storeRequestsPerHost === undefined ? '' : l.storeRequestsPerHost.toFixed(2),
    ]);
  }
  return markdown(rows);
};

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** Per size and peer, the median over the rounds of the wall-time ratio to plain ssh2 and of the first output. */
const medians = (lines: readonly Line[]) => {
  const rows = [['peer', 'hosts', 'rounds', 'median wall vs ssh2', 'median first output']];
  for (const n of SIZES.filter((s, i) => SIZES.indexOf(s) === i)) {
    for (const peer of [...new Set(lines.map((l) => l.peer))]) {
      const mine = lines.filter((l) => l.peer === peer && l.hosts === n);
      const ratios = mine.flatMap((l) => {
        const base = lines.find((b) => b.peer === 'plain ssh2' && b.hosts === n && b.round === l.round);
        return base ? [l.wallMs / base.wallMs] : [];
      });
      const firsts = mine.flatMap((l) => (l.firstOutputMs === undefined ? [] : [l.firstOutputMs]));
      rows.push([peer, String(n), String(mine.length), ratios.length > 0 ? `${median(ratios).toFixed(2)}×` : '', firsts.length > 0 ? `${median(firsts).toFixed(0)} ms` : '']);
    }
  }
  return markdown(rows);
};

const main = async () => {
  const work = mkdtempSync(path.join(tmpdir(), 'opsc-bench-'));
  const sshd = await startTestSshd({ ports: 16, quiet: true });
  try {
    const havePssh = await ensureTool('parallel-ssh', 'pssh');
    const haveAnsible = await ensureTool('ansible', 'ansible-core');
    console.log(`fan-out of 'uname -n', parallelism ${String(PARALLELISM)}, sizes ${SIZES.join(', ')}, on ${(await exec('nproc')).stdout.trim()} cores`);
    if (!havePssh) console.log('parallel-ssh is not installed (apt-get install pssh, as root): skipped');
    if (!haveAnsible) console.log('ansible is not installed (apt-get install ansible-core, as root): skipped');
    const lines: Line[] = [];
    // Warm-up, unmeasured, at the largest size: the first handshakes pay for key parsing and sshd's
    // first forks, and a process's first runs for compiling its code and growing its heap (the
    // product's first two runs of 500 hosts cost it half as much CPU again as later ones); the
    // product is a long-running service, so both peers warm up.
    const largest = Math.max(...SIZES);
    if (PEERS.has('ssh2')) await plainSsh2(sshd, largest);
    const product = await startProduct(sshd, work);
    try {
      if (PEERS.has('product')) for (const n of [Math.min(50, largest), largest]) await product.run(n);
      for (const n of SIZES) {
        for (let round = 1; round <= REPEAT; round += 1) {
          let c0 = cpuSnapshot();
          const clientSwitches = processSwitches(process.pid);
          if (PEERS.has('ssh2')) lines.push({ ...(await plainSsh2(sshd, n)), round });
          if (process.env.BENCH_DEBUG) console.log(`machine during plain ssh2: ${cpuSince(c0)}\n  the client: ${String(processSwitches(process.pid) - clientSwitches)} context switches`);
          c0 = cpuSnapshot();
          if (PEERS.has('product')) lines.push({ ...(await product.run(n)), round });
          if (process.env.BENCH_DEBUG) console.log(`machine during product: ${cpuSince(c0)}`);
          if (havePssh && PEERS.has('pssh')) lines.push({ ...(await parallelSsh(sshd, n, work)), round });
          if (haveAnsible && PEERS.has('ansible')) lines.push({ ...(await ansible(sshd, n, work)), round });
          console.log(table(lines.filter((l) => l.hosts === n && l.round === round)));
        }
      }
    } finally {
      await product.close();
    }
    console.log(`\n${table(lines)}`);
    if (REPEAT > 1) console.log(`\n${medians(lines)}`);
  } finally {
    await sshd.stop();
    rmSync(work, { recursive: true, force: true });
  }
};

await main();
