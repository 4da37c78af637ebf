import { createLocalEventBus } from '../../adapters/local/event-bus';
import { fixedClock } from '../../core/clock';
import { ProjectCreated, ProjectDeleted } from '../../core/events/catalog';
import { eventOf, type EventEnvelope } from '../../core/ports/event-bus';
import { testIds } from '../support/fakes';

const detail = (name: string) => ({
  projectId: 'prj_01JD0000000000000000000000',
  actor: { type: 'user' as const, id: 'sub-1', name: 'ada' },
  project: { id: 'prj_01JD0000000000000000000000', name, description: '', version: 1 },
});

const setup = () => {
  const clock = fixedClock('2026-11-25T10:00:00.123Z');
  const failures: { rule: string; error: unknown }[] = [];
  const bus = createLocalEventBus({
    clock,
    ids: testIds(clock),
    retry: { baseDelayMs: 0 },
    onDeliveryError: (rule, _e, error) => failures.push({ rule, error }),
  });
  return { bus, failures };
};

describe('local event bus', () => {
  it('delivers an EventBridge envelope to the rules whose pattern matches', async () => {
    const { bus } = setup();
    const created: EventEnvelope[] = [];
    const prodOnly: EventEnvelope[] = [];
    bus.addRule({ name: 'created', pattern: { 'detail-type': [ProjectCreated.detailType] }, target: (e) => Promise.resolve(void created.push(e)) });
    bus.addRule({
      name: 'prod-projects',
      pattern: { source: ['opsconductor.identity'], detail: { project: { name: [{ prefix: 'prod-' }] } } },
      target: (e) => Promise.resolve(void prodOnly.push(e)),
    });

    await bus.publish([eventOf(ProjectCreated, detail('prod-web')), eventOf(ProjectCreated, detail('dev-web')), eventOf(ProjectDeleted, detail('prod-db'))]);
    await bus.drain();

    expect(created.map((e) => (e.detail as ReturnType<typeof detail>).project.name)).toEqual(['prod-web', 'dev-web']);
    expect(prodOnly.map((e) => e['detail-type'])).toEqual(['Project Created', 'Project Deleted']);
    expect(created[0]).toEqual({
      version: '0',
      id: expect.stringMatching(/^evt_/) as unknown,
      'detail-type': 'Project Created',
      source: 'opsconductor.identity',
      account: '000000000000',
      time: '2026-11-25T10:00:00Z',
      region: 'local',
      resources: [],
      detail: detail('prod-web'),
    });
  });

  it('delivers after publish returns, as EventBridge does', async () => {
    const { bus } = setup();
    const seen: string[] = [];
    bus.addRule({ name: 'all', pattern: { source: [{ prefix: 'opsconductor.' }] }, target: () => Promise.resolve(void seen.push('delivered')) });

    await bus.publish([eventOf(ProjectCreated, detail('x'))]);
    seen.push('published');
    await bus.drain();

    expect(seen).toEqual(['published', 'delivered']);
  });

  it('reports a failing target without stopping delivery to the others', async () => {
    const { bus, failures } = setup();
    const ok: string[] = [];
    bus.addRule({ name: 'broken', pattern: { source: ['opsconductor.identity'] }, target: () => Promise.reject(new Error('boom')) });
    bus.addRule({ name: 'fine', pattern: { source: ['opsconductor.identity'] }, target: (e) => Promise.resolve(void ok.push(e.id)) });

    await bus.publish([eventOf(ProjectCreated, detail('x'))]);
    await bus.drain();

    expect(ok).toHaveLength(1);
    expect(failures).toEqual([{ rule: 'broken', error: new Error('boom') }]);
  });

  it('refuses an event not in the catalog or off its schema, publishing nothing of the batch', async () => {
    const { bus } = setup();
    const seen: string[] = [];
    bus.addRule({ name: 'all', pattern: { source: [{ prefix: 'opsconductor.' }] }, target: (e) => Promise.resolve(void seen.push(e.id)) });

    await expect(bus.publish([eventOf(ProjectCreated, detail('x')), { source: 'opsconductor.identity', detailType: 'Project Exploded', detail: {} }])).rejects.toThrow(
      /not in the event catalog/,
    );
    await expect(bus.publish([{ source: 'opsconductor.identity', detailType: 'Project Created', detail: { projectId: 'prj_x' } }])).rejects.toThrow(/does not fit its schema/);
    await bus.drain();

    expect(seen).toEqual([]);
  });

  it('retries a failing target before reporting it', async () => {
    const { bus, failures } = setup();
    let calls = 0;
    bus.addRule({ name: 'flaky', pattern: { source: ['opsconductor.identity'] }, target: () => (++calls < 3 ? Promise.reject(new Error('not yet')) : Promise.resolve()) });

    await bus.publish([eventOf(ProjectCreated, detail('x'))]);
    await bus.drain();

    expect(calls).toBe(3);
    expect(failures).toEqual([]);
  });

  it('refuses a rule with an invalid pattern', () => {
    const { bus } = setup();

    expect(() => {
      bus.addRule({ name: 'bad', pattern: { source: 'not-an-array' }, target: () => Promise.resolve() });
    }).toThrow();
  });

  it('gives each target its own copy of the detail', async () => {
    const { bus } = setup();
    const received: EventEnvelope[] = [];
    bus.addRule({ name: 'mutator', pattern: { source: ['opsconductor.identity'] }, target: (e) => {
      (e.detail as { projectId: string }).projectId = 'changed';
      return Promise.resolve();
    } });
    bus.addRule({ name: 'reader', pattern: { source: ['opsconductor.identity'] }, target: (e) => Promise.resolve(void received.push(e)) });

    await bus.publish([eventOf(ProjectCreated, detail('x'))]);
    await bus.drain();

    expect((received[0]?.detail as { projectId: string }).projectId).toBe('prj_01JD0000000000000000000000');
  });
});
