import { csvField, csvHeader, csvLine, jsonLine } from '../../../../core/audit/export';
import { auditRecordOf, type AuditableEvent } from '../../../../core/audit/record';
import type { AuditRecord } from '../../../../core/audit/schema';
import { exportAudit, PROJECT_RETENTION_CACHE_MS, projectRetentionLookup, recordEvent, resolveRange } from '../../../../core/audit/service';
import { fixedClock } from '../../../../core/clock';
import { AccessDenied, CredentialCreated, JobCreated, ProjectUpdated, RunCompleted, UserInvited, eventCatalog } from '../../../../core/events/catalog';
import type { AuditQuery, AuditStore } from '../../../../core/ports/audit-store';
import { eventOf } from '../../../../core/ports/event-bus';

const CANARY = 'CANARY-audit-s3cr3t';
const actor = { type: 'user' as const, id: 'sub-ada', name: 'ada' };
const projectId = 'prj_01JD0000000000000000000001';

const envelope = (source: string, detailType: string, detail: Record<string, unknown>, id = 'evt-1'): AuditableEvent => ({
  id,
  source,
  'detail-type': detailType,
  time: '2026-11-25T10:00:00Z',
  detail,
});

describe('auditRecordOf', () => {
  it('records who, what, which resource, which project and when', () => {
    const r = auditRecordOf(envelope(JobCreated.source, JobCreated.detailType, { projectId, actor, job: { id: 'job_1', name: 'patch', version: 1, dangerous: false } }));

    expect(r).toEqual({
      eventId: 'evt-1',
      time: '2026-11-25T10:00:00.000Z',
      source: 'opsconductor.automation',
      action: 'Job Created',
      outcome: 'success',
      actor,
      projectId,
      resource: { type: 'job', id: 'job_1', name: 'patch' },
      resourceIds: ['job_1', projectId],
      expiresAt: Date.parse('2026-11-25T10:00:00Z') / 1000 + 365 * 86_400,
    });
  });

  it('takes the most specific resource first and lists every id the event names', () => {
    const detail = { projectId, actor, run: { id: 'run_1', jobId: 'job_9', jobName: 'patch', jobVersion: 2 }, status: 'failed', counts: {} };
    const r = auditRecordOf(envelope(RunCompleted.source, RunCompleted.detailType, detail));

    expect(r.resource).toEqual({ type: 'run', id: 'run_1' });
    expect(r.resourceIds).toEqual(['run_1', projectId, 'job_9']);
  });

  it('names users, members, API keys and credentials by id', () => {
    const of = (detail: Record<string, unknown>) => auditRecordOf(envelope('opsconductor.identity', 'X', { actor, ...detail })).resource;

    expect(of({ user: { userId: 'bob', email: 'bob@example.com', admin: false } })).toEqual({ type: 'user', id: 'bob' });
    expect(of({ projectId, member: { userId: 'bob', role: 'viewer' } })).toEqual({ type: 'member', id: 'bob' });
    expect(of({ projectId, apiKey: { keyId: 'key_1', name: 'ci', role: 'operator', expiresAt: 'x' } })).toEqual({ type: 'apiKey', id: 'key_1', name: 'ci' });
    expect(of({ projectId, credential: { id: 'crd_1', name: 'deploy', kind: 'ssh-key', username: 'root' } })).toEqual({ type: 'credential', id: 'crd_1', name: 'deploy' });
    expect(of({ projectId, project: { id: projectId, name: 'web', description: 'd', version: 1 } })).toEqual({ type: 'project', id: projectId, name: 'web' });
    expect(of({ settings: { mfa: 'required' } })).toBeUndefined();
  });

  it('records a denied request with its route, status, request id and source IP', () => {
    const detail = eventOf(AccessDenied, {
      actor,
      projectId,
      route: { id: 'listProjectAudit', method: 'GET', path: '/v1/projects/{projectId}/audit' },
      answered: 403,
      requestId: 'req-42',
      sourceIp: '192.0.2.7',
    }).detail;
    const r = auditRecordOf(envelope(AccessDenied.source, AccessDenied.detailType, detail));

    expect(r).toMatchObject({
      action: 'Access Denied',
      outcome: 'denied',
      projectId,
      resource: { type: 'project', id: projectId },
      route: { id: 'listProjectAudit', method: 'GET', path: '/v1/projects/{projectId}/audit' },
      answered: 403,
      requestId: 'req-42',
      sourceIp: '192.0.2.7',
    });
  });

  it('attributes an event without an actor to the system', () => {
    expect(auditRecordOf(envelope('opsconductor.automation', 'Run Started', { projectId })).actor).toEqual({ type: 'system', id: 'system' });
  });

  it('copies no field it does not name: a canary planted anywhere in a detail never reaches the record', () => {
    const planted = {
      projectId,
      actor: { ...actor, token: CANARY },
      password: CANARY,
      secret: CANARY,
      credential: { id: 'crd_1', name: 'deploy', kind: 'ssh-password', username: CANARY, password: CANARY, privateKey: CANARY },
      target: { id: 'tgt_1', name: 't', address: CANARY, protocol: 'ssh' },
      job: { id: 'job_1', name: 'j', version: 1, dangerous: false, steps: [{ content: CANARY }] },
      run: { id: 'run_1', jobId: 'job_1', parameters: { token: CANARY } },
      project: { id: projectId, name: 'p', description: CANARY },
      parameters: { apiToken: CANARY },
      error: { message: CANARY },
    };
    for (const def of [...eventCatalog.map((e) => ({ source: e.source, detailType: e.detailType })), { source: 'opsconductor.future', detailType: 'Something New' }]) {
      const r = auditRecordOf(envelope(def.source, def.detailType, planted));
      expect({ event: def.detailType, leaked: JSON.stringify(r).includes(CANARY) }).toEqual({ event: def.detailType, leaked: false });
      expect({ event: def.detailType, csv: csvLine(r).includes(CANARY), jsonl: jsonLine(r).includes(CANARY) }).toEqual({ event: def.detailType, csv: false, jsonl: false });
    }
  });

  it('keeps records for the retention asked for', () => {
    const r = auditRecordOf(envelope(UserInvited.source, UserInvited.detailType, { actor, user: { userId: 'u', admin: false } }), { retentionDays: 30 });

    expect(r.expiresAt).toBe(Date.parse('2026-11-25T10:00:00Z') / 1000 + 30 * 86_400);
    expect(r.projectId).toBeUndefined();
  });
});

describe('recordEvent', () => {
  it('writes through the store and refuses an envelope that is not ours', async () => {
    const puts: AuditRecord[] = [];
    const audit = { put: (r: AuditRecord) => Promise.resolve(puts.push(r) === 1) };
    const event = eventOf(CredentialCreated, { projectId, actor, credential: { id: 'crd_1', name: 'c', kind: 'ssh-password', username: 'u' } });

    const out = await recordEvent({ audit }, envelope(event.source, event.detailType, event.detail));

    expect(out.written).toBe(true);
    expect(puts.map((p) => p.action)).toEqual(['Credential Created']);
    await expect(recordEvent({ audit }, { id: 'x', source: 'aws.ec2', 'detail-type': 'X', time: '2026-11-25T10:00:00Z', detail: {} })).rejects.toThrow(/Not an OpsConductor event/);
  });

  it("expires a record after its project's retention, else the installation's", async () => {
    const puts: AuditRecord[] = [];
    const audit = { put: (r: AuditRecord) => Promise.resolve(puts.push(r) > 0) };
    const otherProject = 'prj_01JD0000000000000000000002';
    const projectRetention = { of: (id: string) => Promise.resolve(id === projectId ? 30 : undefined), forget: () => undefined };
    const eventTime = Date.parse('2026-11-25T10:00:00Z') / 1000;
    const job = (p: string) => envelope(JobCreated.source, JobCreated.detailType, { projectId: p, actor, job: { id: 'job_1', name: 'patch', version: 1, dangerous: false } });

    await recordEvent({ audit, retentionDays: 90, projectRetention }, job(projectId));
    await recordEvent({ audit, retentionDays: 90, projectRetention }, job(otherProject));
    // An installation-wide event (no project): the installation's retention.
    await recordEvent({ audit, retentionDays: 90, projectRetention }, envelope(UserInvited.source, UserInvited.detailType, { actor, user: { username: 'bob' } }));
    await recordEvent({ audit, projectRetention }, job(otherProject));

    expect(puts.map((r) => (r.expiresAt - eventTime) / 86_400)).toEqual([30, 90, 90, 365]);
  });
});

describe('projectRetentionLookup', () => {
  it("reads a project's retention once per few minutes, and none for a project without one or gone", async () => {
    const clock = fixedClock('2026-11-25T10:00:00Z');
    const reads: string[] = [];
    const stored = new Map<string, { settings?: { auditRetentionDays?: number } }>([[projectId, { settings: { auditRetentionDays: 30 } }], ['prj_plain', {}]]);
    const projects = {
      get: (id: string) => {
        reads.push(id);
        return Promise.resolve(stored.get(id) as never);
      },
    };
    const lookup = projectRetentionLookup(projects, clock);

    expect([await lookup.of(projectId), await lookup.of(projectId), await lookup.of('prj_plain'), await lookup.of('prj_gone')]).toEqual([30, 30, undefined, undefined]);
    expect(reads).toEqual([projectId, 'prj_plain', 'prj_gone']);

    stored.set(projectId, { settings: { auditRetentionDays: 60 } });
    clock.advance(PROJECT_RETENTION_CACHE_MS - 1);
    expect(await lookup.of(projectId)).toBe(30);
    clock.advance(1);
    expect(await lookup.of(projectId)).toBe(60);
  });

  it("forgets a project when the consumer records its Project Updated, so the new retention applies to that event's record on", async () => {
    const clock = fixedClock('2026-11-25T10:00:00Z');
    let days = 30;
    const lookup = projectRetentionLookup({ get: () => Promise.resolve({ settings: { auditRetentionDays: days } } as never) }, clock);
    const puts: AuditRecord[] = [];
    const audit = { put: (r: AuditRecord) => Promise.resolve(puts.push(r) > 0) };
    const eventTime = Date.parse('2026-11-25T10:00:00Z') / 1000;
    const job = envelope(JobCreated.source, JobCreated.detailType, { projectId, actor, job: { id: 'job_1', name: 'patch', version: 1, dangerous: false } });

    await recordEvent({ audit, projectRetention: lookup }, job);
    days = 7;
    await recordEvent({ audit, projectRetention: lookup }, job);
    const updated = eventOf(ProjectUpdated, { projectId, actor, project: { id: projectId, name: 'p', description: '', version: 2 }, changed: ['settings.auditRetentionDays'] });
    await recordEvent({ audit, projectRetention: lookup }, envelope(updated.source, updated.detailType, updated.detail));
    await recordEvent({ audit, projectRetention: lookup }, job);

    expect(puts.map((r) => (r.expiresAt - eventTime) / 86_400)).toEqual([30, 30, 7, 7]);
  });
});

describe('CSV', () => {
  it('quotes fields with commas, quotes and line breaks, and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('-1')).toBe("'-1");
    expect(csvHeader().startsWith('time,eventId,projectId,action,outcome,')).toBe(true);
  });
});

describe('ranges', () => {
  const now = new Date('2026-11-25T10:00:00Z');

  it('defaults to the last 7 days and refuses inverted or over-long ranges', () => {
    expect(resolveRange(now, undefined, undefined)).toEqual({ from: new Date('2026-11-18T10:00:00Z'), to: now });
    expect(() => resolveRange(now, new Date('2026-11-26T00:00:00Z'), now)).toThrow(/must not be after/);
    expect(() => resolveRange(now, new Date('2024-01-01T00:00:00Z'), now)).toThrow(/at most 400 days/);
  });
});

describe('exportAudit', () => {
  // A store over an array, newest first, with index cursors.
  const records: AuditRecord[] = Array.from({ length: 25 }, (_, i) => ({
    eventId: `evt-${String(100 - i)}`,
    time: new Date(Date.parse('2026-11-25T09:00:00Z') - i * 1000).toISOString(),
    source: 'opsconductor.automation',
    action: 'Job Created',
    outcome: 'success',
    actor,
    projectId,
    resourceIds: [],
    expiresAt: 2_000_000_000,
  }));
  const audit: Pick<AuditStore, 'query'> = {
    query: (q: AuditQuery) => {
      const start = q.cursor === undefined ? 0 : Number(q.cursor);
      const items = records.slice(start, start + q.limit);
      const next = start + items.length;
      return Promise.resolve(items.length === q.limit ? { items, nextCursor: String(next) } : { items });
    },
  };
  const deps = { audit, clock: fixedClock('2026-11-25T10:00:00Z') };

  it('cuts a large range into parts that end on a record and concatenate into one file', async () => {
    const lineBytes = Buffer.byteLength(csvLine(records[0] as AuditRecord));
    const parts: string[] = [];
    let cursor: string | undefined;
    do {
      const part = await exportAudit({ ...deps, exportMaxBytes: csvHeader().length + lineBytes * 10 + 5 }, { kind: 'project', projectId }, { format: 'csv', cursor });
      parts.push(part.body);
      cursor = part.nextCursor;
    } while (cursor !== undefined);

    expect(parts.length).toBeGreaterThanOrEqual(3);
    const lines = parts.join('').split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe(csvHeader().trimEnd());
    expect(lines.slice(1).map((l) => l.split(',')[1])).toEqual(records.map((r) => r.eventId));
  });

  it('answers one JSON object per line', async () => {
    const part = await exportAudit(deps, { kind: 'all' }, { format: 'jsonl' });

    expect(part.nextCursor).toBeUndefined();
    expect(part.body.trimEnd().split('\n').map((l) => (JSON.parse(l) as AuditRecord).eventId)).toEqual(records.map((r) => r.eventId));
  });
});
