import type { AuditRecord } from '../../core/audit/schema';
import { request } from '../support/http';
import { inviteAndSignIn, startInProcessStack } from '../support/in-process-stack';

/**
 * The audit trail end to end over HTTP: events become records through the local bus rule, a
 * denied request is recorded with its request id, nothing can change a record, and a large range
 * exports as valid CSV and JSON Lines.
 */
let stack: Awaited<ReturnType<typeof startInProcessStack>>;
let projectId: string;
let jobId: string;
let viewerToken: string;
let deniedRequestId: string;

beforeAll(async () => {
  stack = await startInProcessStack();
  const admin = stack.adminToken;
  const project = await request(stack.url, 'POST', '/v1/projects', { token: admin, body: { name: 'audited' } });
  projectId = String(project.json().id);
  const job = await request(stack.url, 'POST', `/v1/projects/${projectId}/jobs`, { token: admin, body: { name: 'uptime', steps: [{ kind: 'command', content: 'uptime' }] } });
  jobId = String(job.json().id);
  viewerToken = (await inviteAndSignIn(stack.url, admin, 'vic')).token;
  const member = await request(stack.url, 'PUT', `/v1/projects/${projectId}/members/vic`, { token: admin, body: { role: 'viewer' } });
  expect(member.status).toBe(200);
  // A viewer may not read the audit trail: denied, and that denial is itself recorded.
  const denied = await request(stack.url, 'GET', `/v1/projects/${projectId}/audit`, { token: viewerToken });
  expect(denied.status).toBe(403);
  deniedRequestId = denied.headers.get('x-request-id') ?? '';
  expect(deniedRequestId).not.toBe('');
}, 120_000);

afterAll(async () => {
  await stack.close();
});

/** The bus delivers after publish returns: poll until the records are there. */
const auditOf = async (path: string, want: (items: AuditRecord[]) => boolean): Promise<AuditRecord[]> => {
  for (let i = 0; i < 100; i++) {
    const res = await request(stack.url, 'GET', path, { token: stack.adminToken });
    expect(res.status).toBe(200);
    const items = res.json().items as AuditRecord[];
    if (want(items)) return items;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`audit at ${path} never became as expected`);
};

/** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks. */
const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') {
      if (field !== '') throw new Error(`stray quote in row ${rows.length + 1}`);
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (c === '\n' || c === '\r') throw new Error(`bare line break outside quotes in row ${rows.length + 1}`);
    else field += c;
  }
  if (quoted) throw new Error('unterminated quote');
  if (field !== '' || row.length > 0) throw new Error('last row does not end with CRLF');
  return rows;
};

describe('audit trail over HTTP', () => {
  it("records the project's events and the denied request, with its request id", async () => {
    const items = await auditOf(`/v1/projects/${projectId}/audit`, (xs) => ['Project Created', 'Job Created', 'Access Denied'].every((a) => xs.some((x) => x.action === a)));

    expect(items.find((x) => x.action === 'Project Created')).toMatchObject({ outcome: 'success', actor: { type: 'user', name: 'admin' }, projectId, resource: { type: 'project', id: projectId } });
    expect(items.find((x) => x.action === 'Job Created')).toMatchObject({ resource: { type: 'job', id: jobId, name: 'uptime' } });
    expect(items.find((x) => x.action === 'Access Denied')).toMatchObject({
      outcome: 'denied',
      actor: { type: 'user', name: 'vic' },
      requestId: deniedRequestId,
      sourceIp: expect.any(String) as unknown,
      route: { id: 'listProjectAudit', method: 'GET' },
      answered: 403,
    });
    // Newest first.
    expect(items.map((x) => x.time)).toEqual([...items.map((x) => x.time)].sort().reverse());
  });

  it('filters by action, actor and resource', async () => {
    await auditOf(`/v1/projects/${projectId}/audit`, (xs) => xs.some((x) => x.action === 'Access Denied'));
    const only = async (query: string) => {
      const res = await request(stack.url, 'GET', `/v1/projects/${projectId}/audit?${query}`, { token: stack.adminToken });
      return (res.json().items as AuditRecord[]).map((x) => x.action);
    };

    expect(await only('action=Job%20Created')).toEqual(['Job Created']);
    expect(await only('actor=vic')).toEqual(['Access Denied']);
    expect(await only(`resource=${jobId}`)).toEqual(['Job Created']);
  });

  it("shows global admins every project's records and the installation's own, and nobody else", async () => {
    const items = await auditOf('/v1/audit', (xs) => xs.some((x) => x.action === 'User Invited'));

    expect(items.some((x) => x.projectId === projectId)).toBe(true);
    expect((await request(stack.url, 'GET', '/v1/audit', { token: viewerToken })).status).toBe(403);
  });

  it('has no way to change or delete a record', async () => {
    for (const path of [`/v1/projects/${projectId}/audit`, `/v1/projects/${projectId}/audit/export`, '/v1/audit', '/v1/audit/export']) {
      for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
        const res = await request(stack.url, method, path, { token: stack.adminToken, body: {} });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 405 });
      }
    }
    const one = await request(stack.url, 'DELETE', `/v1/projects/${projectId}/audit/evt_1`, { token: stack.adminToken });
    expect(one.status).toBe(404);
  });

  it("keeps a project's records as long as its audit retention setting says, set through the project's PATCH", async () => {
    const admin = stack.adminToken;
    const project = await request(stack.url, 'POST', '/v1/projects', { token: admin, body: { name: 'short-lived audit' } });
    const shortId = String(project.json().id);
    expect(project.json()).toMatchObject({ settings: { auditRetentionDays: 365 } });
    for (const days of [6, 3651, 'thirty']) {
      const refused = await request(stack.url, 'PATCH', `/v1/projects/${shortId}`, { token: admin, body: { settings: { auditRetentionDays: days } } });
      expect({ days, status: refused.status, code: (refused.json() as { error?: { code?: string } }).error?.code }).toEqual({ days, status: 400, code: 'VALIDATION_FAILED' });
    }
    const patched = await request(stack.url, 'PATCH', `/v1/projects/${shortId}`, { token: admin, body: { settings: { auditRetentionDays: 7 } } });
    expect(patched.status).toBe(200);
    expect(patched.json()).toMatchObject({ settings: { auditRetentionDays: 7 } });
    await request(stack.url, 'POST', `/v1/projects/${shortId}/jobs`, { token: admin, body: { name: 'uptime', steps: [{ kind: 'command', content: 'uptime' }] } });

    const records = await auditOf(`/v1/projects/${shortId}/audit`, (xs) => xs.some((x) => x.action === 'Job Created'));
    const days = (r: AuditRecord | undefined) => (r === undefined ? undefined : Math.round((r.expiresAt - Date.parse(r.time) / 1000) / 86_400));
    expect(days(records.find((r) => r.action === 'Job Created'))).toBe(7);
    // The other project keeps the default.
    const others = await auditOf(`/v1/projects/${projectId}/audit`, (xs) => xs.some((x) => x.action === 'Job Created'));
    expect(days(others.find((r) => r.action === 'Job Created'))).toBe(365);
    // The local sweep deletes by expiresAt: 8 days on, the short-lived project's job record is gone, the other's is not.
    const swept = await stack.audit.sweepExpired(new Date(Date.now() + 8 * 86_400_000));
    expect(swept).toBeGreaterThan(0);
    const left = await stack.audit.query({ scope: { kind: 'project', projectId: shortId }, from: new Date(Date.now() - 86_400_000), to: new Date(), filter: {}, now: new Date(), limit: 100 });
    expect(left.items.filter((r) => r.action === 'Job Created')).toEqual([]);
  });

  it('refuses a bad range with 400', async () => {
    const res = await request(stack.url, 'GET', `/v1/projects/${projectId}/audit?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z`, { token: stack.adminToken });
    expect(res.status).toBe(400);
  });

  describe('export of 10,000 records', () => {
    const SEEDED = 10_000;
    const seededIds = new Set<string>();
    let inProject = 0;

    beforeAll(async () => {
      const live = await auditOf(`/v1/projects/${projectId}/audit?limit=100`, (xs) => xs.some((x) => x.action === 'Access Denied'));
      inProject = live.length;
      const now = Date.now();
      const records: AuditRecord[] = Array.from({ length: SEEDED }, (_, i) => ({
        eventId: `evt_seed_${String(i).padStart(5, '0')}`,
        // Spread over the default range's last six days: several day partitions.
        time: new Date(now - 60_000 - i * 50_000).toISOString(),
        source: 'opsconductor.automation',
        action: i % 3 === 0 ? 'Job Updated' : 'Run Completed',
        outcome: 'success',
        actor: { type: 'user', id: `sub-${String(i % 7)}`, name: i % 5 === 0 ? `O'Brien, "Bob"\nline two` : `=cmd|${String(i)}` },
        projectId,
        resource: { type: 'job', id: `job_${String(i)}`, name: `job, "${String(i)}"` },
        resourceIds: [`job_${String(i)}`, projectId],
        requestId: `req-${String(i)}`,
        expiresAt: Math.floor(now / 1000) + 86_400,
      }));
      for (let i = 0; i < records.length; i += 200) {
        const chunk = records.slice(i, i + 200);
        await Promise.all(chunk.map((r) => stack.audit.put(r)));
        for (const r of chunk) seededIds.add(r.eventId);
      }
    }, 120_000);

    it('streams the range as valid CSV: a header, proper quoting, every record once', async () => {
      const res = await request(stack.url, 'GET', `/v1/projects/${projectId}/audit/export?format=csv`, { token: stack.adminToken });

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('x-next-cursor')).toBeNull();
      const rows = parseCsv(res.text);
      const [header, ...body] = rows;
      expect(header?.slice(0, 5)).toEqual(['time', 'eventId', 'projectId', 'action', 'outcome']);
      expect(body.every((r) => r.length === header?.length)).toBe(true);
      expect(body).toHaveLength(SEEDED + inProject);
      const ids = body.map((r) => r[1] ?? '');
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.filter((id) => seededIds.has(id))).toHaveLength(SEEDED);
      const nameAt = (header ?? []).indexOf('actorName');
      const bob = body.find((r) => r[1] === 'evt_seed_00000');
      expect(bob?.[nameAt]).toBe(`O'Brien, "Bob"\nline two`);
      expect(body.find((r) => r[1] === 'evt_seed_00001')?.[nameAt]).toBe("'=cmd|1");
    }, 60_000);

    it('streams the range as JSON Lines: one JSON object per line', async () => {
      const res = await request(stack.url, 'GET', `/v1/projects/${projectId}/audit/export?format=jsonl`, { token: stack.adminToken });

      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
      expect(res.text.endsWith('\n')).toBe(true);
      const lines = res.text.slice(0, -1).split('\n');
      const records = lines.map((l) => JSON.parse(l) as AuditRecord);
      expect(records).toHaveLength(SEEDED + inProject);
      expect(records.every((r) => typeof r === 'object' && typeof r.eventId === 'string')).toBe(true);
      expect(records.filter((r) => seededIds.has(r.eventId))).toHaveLength(SEEDED);
      expect(records.find((r) => r.eventId === 'evt_seed_00000')?.actor.name).toBe(`O'Brien, "Bob"\nline two`);
    }, 60_000);

    it('pages the list over the seeded days with a cursor', async () => {
      const seen = new Set<string>();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const res = await request(stack.url, 'GET', `/v1/projects/${projectId}/audit?limit=100&action=Job%20Updated${cursor === undefined ? '' : `&cursor=${cursor}`}`, { token: stack.adminToken });
        expect(res.status).toBe(200);
        const body = res.json() as { items: AuditRecord[]; nextCursor?: string };
        for (const r of body.items) seen.add(r.eventId);
        cursor = body.nextCursor;
        pages++;
      } while (cursor !== undefined && pages < 200);

      expect(seen.size).toBe(Math.ceil(SEEDED / 3));
    }, 60_000);
  });
});
