import { fixedClock } from '../../../core/clock';
import { ProjectCreated, ProjectDeleted, ProjectUpdated, catalogAsJsonSchema } from '../../../core/events/catalog';
import { CreateProjectInput, UpdateProjectInput } from '../../../core/projects/schema';
import { createProject, deleteProject, getProject, updateProject } from '../../../core/projects/service';
import { admin, memoryApiKeyStore, memoryMemberStore, memoryProjectStore, recordingBus, testIds } from '../../support/fakes';

const setup = () => {
  const clock = fixedClock('2026-11-25T10:00:00Z');
  return { projects: memoryProjectStore(), members: memoryMemberStore(), apiKeys: memoryApiKeyStore(), bus: recordingBus(), clock, ids: testIds(clock) };
};

describe('project schemas', () => {
  it.each([
    [{ name: 'web' }, true],
    [{ name: 'Payments – prod', description: 'the money' }, true],
    [{ name: 'x'.repeat(64) }, true],
    [{ name: '' }, false],
    [{ name: 'x'.repeat(65) }, false],
    [{ name: ' padded' }, false],
    [{ name: 'tab\there' }, false],
    [{ name: 42 }, false],
    [{ name: 'ok', extra: true }, false],
    [{ description: 'no name' }, false],
    [{ name: 'ok', description: 'd'.repeat(1025) }, false],
  ])('create input %j valid=%s', (input, valid) => {
    expect(CreateProjectInput.safeParse(input).success).toBe(valid);
  });

  it.each([
    [{ settings: { auditRetentionDays: 7 } }, true],
    [{ settings: { auditRetentionDays: 3650 } }, true],
    [{ settings: { auditRetentionDays: 6 } }, false],
    [{ settings: { auditRetentionDays: 3651 } }, false],
    [{ settings: { auditRetentionDays: 30.5 } }, false],
    [{ settings: { auditRetentionDays: '30' } }, false],
    [{ settings: { auditRetentionDays: 30, other: 1 } }, false],
    [{ settings: {} }, false],
  ])('update input %j valid=%s', (input, valid) => {
    expect(UpdateProjectInput.safeParse(input).success).toBe(valid);
  });

  it('requires something to change on update', () => {
    expect(UpdateProjectInput.safeParse({ version: 2 }).success).toBe(false);
    expect(UpdateProjectInput.safeParse({ description: '', version: 2 }).success).toBe(true);
  });
});

describe('project service', () => {
  it('creates a project at version 1 and announces it', async () => {
    const deps = setup();

    const p = await createProject(deps, admin, { name: 'web' });

    expect(p).toMatchObject({ name: 'web', description: '', version: 1, createdBy: 'admin', createdAt: '2026-11-25T10:00:00.000Z' });
    expect(deps.bus.events).toEqual([
      {
        source: ProjectCreated.source,
        detailType: 'Project Created',
        detail: { projectId: p.id, actor: { type: 'user', id: 'sub-admin', name: 'admin' }, project: { id: p.id, name: 'web', description: '', version: 1 } },
      },
    ]);
  });

  it('updates with a new version and lists what changed', async () => {
    const deps = setup();
    const p = await createProject(deps, admin, { name: 'web' });
    deps.clock.advance(1000);

    const next = await updateProject(deps, admin, p.id, { name: 'web-prod', description: 'same', version: 1 });

    expect(next).toMatchObject({ name: 'web-prod', version: 2, updatedAt: '2026-11-25T10:00:01.000Z' });
    expect(deps.bus.events[1]).toMatchObject({ detailType: ProjectUpdated.detailType, detail: { changed: ['name', 'description'] } });
  });

  it('shows the audit retention default until the project sets its own, and announces the change', async () => {
    const deps = setup();
    const p = await createProject(deps, admin, { name: 'web' });
    expect(p.settings).toEqual({ auditRetentionDays: 365 });
    // Stored without it: an installation default set later still applies to this project.
    expect((await deps.projects.get(p.id))?.settings).toBeUndefined();

    const renamed = await updateProject(deps, admin, p.id, { name: 'web-2' });
    expect((await deps.projects.get(p.id))?.settings).toBeUndefined();
    expect(renamed.settings).toEqual({ auditRetentionDays: 365 });

    const next = await updateProject(deps, admin, p.id, { settings: { auditRetentionDays: 30 } });
    expect(next).toMatchObject({ settings: { auditRetentionDays: 30 }, version: 3 });
    expect(await getProject(deps, p.id)).toMatchObject({ settings: { auditRetentionDays: 30 } });
    expect(deps.bus.events.at(-1)).toMatchObject({ detailType: ProjectUpdated.detailType, detail: { changed: ['settings.auditRetentionDays'] } });

    // The same value again changes nothing.
    expect((await updateProject(deps, admin, p.id, { settings: { auditRetentionDays: 30 } })).version).toBe(3);
  });

  it('refuses to overwrite a newer version', async () => {
    const deps = setup();
    const p = await createProject(deps, admin, { name: 'web' });
    await updateProject(deps, admin, p.id, { description: 'first' });

    await expect(updateProject(deps, admin, p.id, { description: 'second', version: 1 })).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
      status: 409,
    });
  });

  it('does not write or announce an update that changes nothing', async () => {
    const deps = setup();
    const p = await createProject(deps, admin, { name: 'web', description: 'd' });

    const same = await updateProject(deps, admin, p.id, { description: 'd' });

    expect(same.version).toBe(1);
    expect(deps.bus.events).toHaveLength(1);
  });

  it('deletes and announces; a missing project is NOT_FOUND', async () => {
    const deps = setup();
    const p = await createProject(deps, admin, { name: 'web' });

    await deleteProject(deps, admin, p.id);

    expect(deps.bus.events.at(-1)?.detailType).toBe(ProjectDeleted.detailType);
    await expect(getProject(deps, p.id)).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await expect(deleteProject(deps, admin, p.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('event catalog', () => {
  it('exports a JSON Schema per detail-type', () => {
    const catalog = catalogAsJsonSchema();

    expect(catalog.map((e) => e.detailType)).toEqual(expect.arrayContaining(['Project Created', 'Project Updated', 'Project Deleted', 'Access Denied']));
    expect(new Set(catalog.map((e) => e.detailType)).size).toBe(catalog.length);
    for (const e of catalog) {
      expect(e.source).toMatch(/^opsconductor\.(identity|inventory|automation|communication|audit)$/);
      expect(e.detailType).toMatch(/^[A-Z][a-z]*( [A-Z][a-z]*)+$/);
      expect(e.schema).toMatchObject({ type: 'object', required: expect.arrayContaining(['actor']) as unknown });
    }
  });
});
