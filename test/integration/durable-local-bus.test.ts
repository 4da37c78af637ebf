import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLocalEventBus, type LocalBusDeps } from '../../adapters/local/event-bus';
import { fixedClock } from '../../core/clock';
import { JobCreated, ProjectCreated } from '../../core/events/catalog';
import { eventOf, type EventEnvelope } from '../../core/ports/event-bus';
import { parseReplayCommand, queueReplayRequest } from '../../local/events-replay';
import { testIds } from '../support/fakes';

const projectId = 'prj_01JD0000000000000000000000';
const actor = { type: 'user' as const, id: 'sub-1', name: 'ada' };
const created = (name: string) => eventOf(ProjectCreated, { projectId, actor, project: { id: projectId, name, description: '', version: 1 } });
const job = () => eventOf(JobCreated, { projectId, actor, job: { id: 'job_1', name: 'j', version: 1, dangerous: false } });
const identity = { source: ['opsconductor.identity'] };

let dataDir: string;
const clock = fixedClock('2026-11-25T10:00:00.123Z');
const ids = testIds(clock);
const failures: { rule: string; id: string; error: unknown }[] = [];
const sleeps: number[] = [];

const newBus = (overrides: Partial<LocalBusDeps> = {}) =>
  createLocalEventBus({
    clock,
    ids,
    dataDir,
    onDeliveryError: (rule, e, error) => failures.push({ rule, id: e.id, error }),
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    ...overrides,
  });

const collector = () => {
  const seen: EventEnvelope[] = [];
  return { seen, target: (e: EventEnvelope) => Promise.resolve(void seen.push(e)) };
};

const logLines = (day = '2026-11-25') =>
  readFileSync(path.join(dataDir, 'events', `${day}.jsonl`), 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as EventEnvelope);

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'opsc-bus-'));
  clock.set('2026-11-25T10:00:00.123Z');
  failures.length = 0;
  sleeps.length = 0;
});
afterEach(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe('durable local event bus', () => {
  it('logs each envelope, one line each, before delivering it', async () => {
    const bus = newBus();
    const logged: number[] = [];
    bus.addRule({ name: 'r', pattern: identity, target: () => Promise.resolve(void logged.push(logLines().length)) });

    await bus.publish([created('a'), created('b')]);
    await bus.drain();

    expect(logLines().map((e) => (e.detail as { project: { name: string } }).project.name)).toEqual(['a', 'b']);
    expect(logged).toEqual([2, 2]);
    expect(readFileSync(path.join(dataDir, 'events', 'delivered', 'r.log'), 'utf8').split('\n').slice(1, 3)).toEqual(logLines().map((e) => e.id));
  });

  it('retries a failing consumer with exponential backoff, then dead-letters the event', async () => {
    const bus = newBus();
    let calls = 0;
    const fine = collector();
    bus.addRule({
      name: 'broken',
      pattern: identity,
      target: () => {
        calls++;
        return Promise.reject(new Error(`boom ${calls}`));
      },
    });
    bus.addRule({ name: 'fine', pattern: identity, target: fine.target });

    await bus.publish([created('a')]);
    await bus.drain();

    const [event] = logLines();
    expect(calls).toBe(5);
    expect(sleeps).toEqual([200, 400, 800, 1600]);
    expect(fine.seen).toHaveLength(1);
    expect(failures).toEqual([{ rule: 'broken', id: event?.id, error: new Error('boom 5') }]);
    const dead = JSON.parse(readFileSync(path.join(dataDir, 'events', 'dead-letter', 'broken', `${event?.id ?? ''}.json`), 'utf8')) as Record<string, unknown>;
    expect(dead).toMatchObject({ rule: 'broken', attempts: 5, error: 'boom 5', event });

    // Dead-lettered counts as handled: a restart does not try it again.
    const restarted = newBus();
    restarted.addRule({ name: 'broken', pattern: identity, target: () => Promise.reject(new Error('again')) });
    expect(await restarted.recover()).toBe(0);
  });

  it('loses nothing when it crashes between persisting and delivering: the next bus delivers once', async () => {
    const crashed = newBus();
    // The process dies while the target runs: the delivery is never acknowledged.
    crashed.addRule({ name: 'consumer', pattern: identity, target: () => new Promise<void>(() => undefined) });
    await crashed.publish([created('a')]);
    await new Promise((resolve) => setImmediate(resolve));

    const after = collector();
    const restarted = newBus();
    restarted.addRule({ name: 'consumer', pattern: identity, target: after.target });
    expect(await restarted.recover()).toBe(1);
    expect(await restarted.recover()).toBe(0);
    await restarted.drain();

    expect(after.seen.map((e) => e.id)).toEqual(logLines().map((e) => e.id));

    const again = collector();
    const third = newBus();
    third.addRule({ name: 'consumer', pattern: identity, target: again.target });
    expect(await third.recover()).toBe(0);
  });

  it('does not hand a new rule the events logged before it existed', async () => {
    const first = newBus();
    await first.publish([created('old')]);
    clock.advance(2000);

    const late = collector();
    const second = newBus();
    second.addRule({ name: 'late', pattern: identity, target: late.target });
    expect(await second.recover()).toBe(0);
  });

  it('never delivers an event id a rule acknowledged again, except by replay', async () => {
    const bus = newBus();
    const c = collector();
    bus.addRule({ name: 'once', pattern: identity, target: c.target });
    await bus.publish([created('a')]);
    await bus.drain();
    expect(await bus.recover()).toBe(0);

    const restarted = newBus();
    const c2 = collector();
    restarted.addRule({ name: 'once', pattern: identity, target: c2.target });
    expect(await restarted.recover()).toBe(0);
    expect(c.seen).toHaveLength(1);
    expect(c2.seen).toHaveLength(0);
  });

  it('replays logged events in a time range to the rules they match, with replay-name and their ids', async () => {
    const bus = newBus();
    const c = collector();
    const jobs = collector();
    bus.addRule({ name: 'identity', pattern: identity, target: c.target });
    bus.addRule({ name: 'jobs', pattern: { source: ['opsconductor.automation'] }, target: jobs.target });
    await bus.publish([created('early')]);
    clock.set('2026-11-25T11:00:00Z');
    await bus.publish([created('in-range'), job()]);
    clock.set('2026-11-26T09:00:00Z');
    await bus.publish([created('next-day')]);
    await bus.drain();
    c.seen.length = 0;
    jobs.seen.length = 0;

    const result = await bus.replay({ name: 'fix-1', from: '2026-11-25T10:30:00Z', to: '2026-11-26T10:00:00Z', pattern: { 'detail-type': ['Project Created'] } });

    expect(result).toEqual({ name: 'fix-1', events: 2, deliveries: 2 });
    expect(c.seen.map((e) => [(e.detail as { project: { name: string } }).project.name, e['replay-name']])).toEqual([
      ['in-range', 'fix-1'],
      ['next-day', 'fix-1'],
    ]);
    expect(c.seen[0]?.id).toBe(logLines()[1]?.id);
    expect(jobs.seen).toEqual([]);
    // Replays are not logged again.
    expect(logLines()).toHaveLength(3);
  });

  it('runs a replay request queued by the CLI, once, recording its outcome', async () => {
    const bus = newBus();
    const c = collector();
    bus.addRule({ name: 'identity', pattern: identity, target: c.target });
    await bus.publish([created('a')]);
    await bus.drain();

    const command = parseReplayCommand(['replay', '--from', '2026-11-25T00:00:00Z', '--pattern', '{"source":["opsconductor.identity"]}', '--data', dataDir], {
      dataDir: '/nowhere',
      now: new Date('2026-11-25T12:00:00Z'),
    });
    expect(command.request).toEqual({ name: 'replay-2026-11-25T12-00-00-000Z', from: '2026-11-25T00:00:00Z', pattern: { source: ['opsconductor.identity'] } });
    const { requestFile, doneFile } = queueReplayRequest(command.dataDir, command.request);
    expect(() => queueReplayRequest(command.dataDir, command.request)).toThrow(/exists already/);

    expect(await bus.runReplayRequests()).toEqual([{ name: command.request.name, events: 1, deliveries: 1 }]);
    expect(await bus.runReplayRequests()).toEqual([]);
    expect(c.seen.map((e) => e['replay-name'])).toEqual([undefined, command.request.name]);
    expect(existsSync(requestFile)).toBe(false);
    expect(JSON.parse(readFileSync(doneFile, 'utf8'))).toMatchObject({ result: { events: 1, deliveries: 1 } });
  });

  it('refuses invalid events without logging them', async () => {
    const bus = newBus();
    await expect(bus.publish([{ source: 'opsconductor.identity', detailType: 'Not An Event', detail: {} }])).rejects.toThrow(/not in the event catalog/);
    expect(readdirSync(path.join(dataDir, 'events')).filter((f) => f.endsWith('.jsonl'))).toEqual([]);
  });

  it.each([
    [['replay'], /--from needs an ISO time/],
    [['replay', '--from', 'yesterday'], /--from needs an ISO time/],
    [['replay', '--from', '2026-11-25T10:00:00Z', '--to', '2026-11-25T09:00:00Z'], /--to must be after --from/],
    [['replay', '--from', '2026-11-25T10:00:00Z', '--pattern', '{"source":"x"}'], /not a valid event pattern/],
    [['replay', '--from', '2026-11-25T10:00:00Z', '--name', '../x'], /--name/],
    [['rewind'], /Usage/],
  ])('the CLI refuses %j', (argv, message) => {
    expect(() => parseReplayCommand(argv, { dataDir, now: new Date() })).toThrow(message);
  });
});
