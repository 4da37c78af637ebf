import { systemClock } from '../../../core/clock';
import { runBatch, type BatchHost, type BatchInput } from '../../../runner/executor/batch';
import { InMemoryOutputSink } from '../../../runner/executor/output';
import { ExecutorInputError, type StepSpec } from '../../../runner/executor/types';
import { ConnectionError } from '../../../runner/connection-error';
import { LocalSession } from './local-session';

/** The pool's rules with LocalSession hosts; counted on the connector side. */

const step = (content: string, over: Partial<StepSpec> = {}): StepSpec => ({
  id: 'main',
  kind: 'command',
  content,
  timeoutSeconds: 10,
  retries: { count: 0, backoffSeconds: 0 },
  continueOnError: false,
  ...over,
});

const pool = () => {
  let open = 0;
  let maxOpen = 0;
  const order: string[] = [];
  const host = (targetId: string, behaviour: 'ok' | 'refused' = 'ok'): BatchHost => ({
    targetId,
    connect: () => {
      order.push(targetId);
      if (behaviour === 'refused') return Promise.reject(new ConnectionError('REFUSED', `${targetId} refused the connection.`));
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      const session = new LocalSession();
      const close = session.close.bind(session);
      session.close = () => {
        open -= 1;
        return close();
      };
      return Promise.resolve(session);
    },
  });
  return { host, order, maxOpen: () => maxOpen, open: () => open };
};

const sinks = new Map<string, InMemoryOutputSink>();
const deps = {
  output: (targetId: string) => {
    const sink = new InMemoryOutputSink();
    sinks.set(targetId, sink);
    return sink;
  },
  clock: systemClock,
};
const batch = (over: Partial<BatchInput>) =>
  runBatch(deps, { hosts: [], concurrency: 1, maxErrors: 0, steps: [step('true')], parameters: {}, secureValues: [], signal: new AbortController().signal, ...over });

describe('runBatch (local sh)', () => {
  it('never runs more hosts at once than the concurrency, and uses it', async () => {
    const p = pool();
    const hosts = Array.from({ length: 7 }, (_, i) => p.host(`t${i}`));
    const results = await batch({ hosts, concurrency: 3, steps: [step('sleep 0.15; echo done')] });
    expect(p.maxOpen()).toBe(3);
    expect(p.open()).toBe(0);
    expect(results.map((r) => [r.targetId, r.status, r.started])).toEqual(hosts.map((h) => [h.targetId, 'succeeded', true]));
    for (const h of hosts) expect(sinks.get(h.targetId)?.text()).toBe('done\n');
  });

  it("runs a host's own steps when it has them, and the batch's otherwise", async () => {
    const p = pool();
    const own: BatchHost = { ...p.host('own'), steps: [step('echo mine', { id: 'mine' })] };
    const results = await batch({ hosts: [own, p.host('shared')], steps: [step('echo shared', { id: 'shared' })] });
    expect(results.map((r) => [r.targetId, r.steps.map((s) => [s.id, s.status])])).toEqual([
      ['own', [['mine', 'succeeded']]],
      ['shared', [['shared', 'succeeded']]],
    ]);
    expect(sinks.get('own')?.text()).toBe('mine\n');
    expect(sinks.get('shared')?.text()).toBe('shared\n');
  });

  it('stops starting hosts once more than maxErrors have failed; running ones finish', async () => {
    const p = pool();
    const hosts = [p.host('ok1'), p.host('bad1', 'refused'), p.host('bad2', 'refused'), p.host('ok2'), p.host('ok3')];
    const results = await batch({ hosts, concurrency: 1, maxErrors: 1 });
    expect(results.map((r) => [r.targetId, r.status])).toEqual([
      ['ok1', 'succeeded'],
      ['bad1', 'unreachable'],
      ['bad2', 'unreachable'],
      ['ok2', 'skipped'],
      ['ok3', 'skipped'],
    ]);
    expect(p.order).toEqual(['ok1', 'bad1', 'bad2']);
    expect(results[3]).toMatchObject({ started: false, steps: [{ id: 'main', status: 'skipped', attempts: 0 }] });
  });

  it('counts failed and timed-out hosts as errors too, and with maxErrors 0 the first one stops new hosts', async () => {
    const p = pool();
    const results = await batch({ hosts: [p.host('a'), p.host('b')], concurrency: 1, maxErrors: 0, steps: [step('exit 4')] });
    expect(results.map((r) => r.status)).toEqual(['failed', 'skipped']);
    const q = pool();
    const timedOut = await batch({ hosts: [q.host('a'), q.host('b')], concurrency: 1, maxErrors: 0, steps: [step('sleep 5', { timeoutSeconds: 0.2 })], options: { killGraceSeconds: 0.5 } });
    expect(timedOut.map((r) => r.status)).toEqual(['timed_out', 'skipped']);
  });

  it('cancels: running hosts are stopped, hosts not started become cancelled', async () => {
    const p = pool();
    const cancel = new AbortController();
    const hosts = ['a', 'b', 'c', 'd'].map((id) => p.host(id));
    setTimeout(() => {
      cancel.abort();
    }, 300);
    const started = Date.now();
    const results = await batch({ hosts, concurrency: 2, signal: cancel.signal, steps: [step('sleep 20')], options: { killGraceSeconds: 0.5 } });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(results.map((r) => [r.targetId, r.status, r.started])).toEqual([
      ['a', 'cancelled', true],
      ['b', 'cancelled', true],
      ['c', 'cancelled', false],
      ['d', 'cancelled', false],
    ]);
    expect(results[0]).toMatchObject({ steps: [{ status: 'cancelled', termination: 'graceful' }] });
    expect(p.order).toEqual(['a', 'b']);
  });

  it('refuses a bad pool or duplicate targets before starting anything', async () => {
    const p = pool();
    await expect(batch({ hosts: [p.host('a')], concurrency: 0 })).rejects.toThrow(ExecutorInputError);
    await expect(batch({ hosts: [p.host('a')], maxErrors: -1 })).rejects.toThrow(ExecutorInputError);
    await expect(batch({ hosts: [p.host('a'), p.host('a')] })).rejects.toThrow(/twice/);
    expect(p.order).toEqual([]);
    expect(await batch({ hosts: [] })).toEqual([]);
  });
});
