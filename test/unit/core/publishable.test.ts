import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { createEventBridgeBus } from '../../../adapters/aws/eventbridge-bus';
import { ProjectCreated, eventCatalog } from '../../../core/events/catalog';
import { InvalidEventError, checkPublishable } from '../../../core/events/publishable';
import { eventOf, type DomainEvent } from '../../../core/ports/event-bus';

const detail = {
  projectId: 'prj_01JD0000000000000000000000',
  actor: { type: 'user' as const, id: 'sub-1', name: 'ada' },
  project: { id: 'prj_01JD0000000000000000000000', name: 'web', description: '', version: 1 },
};

const invalid: [string, DomainEvent][] = [
  ['a detail-type not in the catalog', { source: 'opsconductor.identity', detailType: 'Project Exploded', detail }],
  ['a known detail-type from another source', { source: 'opsconductor.audit', detailType: 'Project Created', detail }],
  ['a detail missing a member', { source: 'opsconductor.identity', detailType: 'Project Created', detail: { ...detail, actor: undefined } }],
  ['a detail with a wrong type', { source: 'opsconductor.identity', detailType: 'Project Created', detail: { ...detail, project: { ...detail.project, version: 'one' } } }],
];

describe('publish validation', () => {
  it('has unique source + detail-type pairs in the catalog', () => {
    const keys = eventCatalog.map((d) => `${d.source} ${d.detailType}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('accepts a catalog event and strips what its schema does not know', () => {
    const checked = checkPublishable({ source: 'opsconductor.identity', detailType: 'Project Created', detail: { ...detail, secret: 'CANARY' } });
    expect(checked.detail).toEqual(detail);
    expect(checkPublishable(eventOf(ProjectCreated, detail))).toEqual(eventOf(ProjectCreated, detail));
  });

  it.each(invalid)('refuses %s', (_why, event) => {
    expect(() => checkPublishable(event)).toThrow(InvalidEventError);
  });

  it.each(invalid)('the EventBridge bus puts nothing for %s', async (_why, event) => {
    const send = jest.fn();
    const bus = createEventBridgeBus({ client: { send } as unknown as EventBridgeClient, busName: 'b' });

    await expect(bus.publish([eventOf(ProjectCreated, detail), event])).rejects.toThrow(InvalidEventError);
    expect(send).not.toHaveBeenCalled();
  });
});
