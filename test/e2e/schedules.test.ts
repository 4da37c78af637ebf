import { request } from '../support/http';
import { inviteAndSignIn, startInProcessStack } from '../support/in-process-stack';

/** Schedules over HTTP: CRUD with next fire times, validation, and the preview endpoint. */
let stack: Awaited<ReturnType<typeof startInProcessStack>>;
let projectId: string;
let jobId: string;
let viewerToken: string;

beforeAll(async () => {
  stack = await startInProcessStack();
  projectId = String((await api('POST', '/v1/projects', { body: { name: 'schedules' } })).json().id);
  const job = await api('POST', p('/jobs'), {
    body: {
      name: 'rotate logs',
      targets: { selector: 'role=web' },
      parameters: [
        { name: 'keep', type: 'number', default: 7 },
        { name: 'token', type: 'string', secure: true },
      ],
      steps: [{ kind: 'command', content: 'logrotate -f /etc/logrotate.conf' }],
    },
  });
  jobId = String(job.json().id);
  viewerToken = (await inviteAndSignIn(stack.url, stack.adminToken, 'sviewer')).token;
  await api('PUT', p('/members/sviewer'), { body: { role: 'viewer' } });
}, 60_000);
afterAll(async () => {
  await stack.close();
});

function api(method: string, path: string, opts: Parameters<typeof request>[3] = {}) {
  return request(stack.url, method, path, { token: stack.adminToken, ...opts });
}
const p = (path: string) => `/v1/projects/${projectId}${path}`;

describe('schedules', () => {
  let scheduleId: string;

  it('creates a schedule and answers its next five fire times', async () => {
    const res = await api('POST', p('/schedules'), {
      body: { name: 'nightly', jobId, parameters: { keep: 14 }, expression: '0 3 * * 1-5', timezone: 'Europe/Berlin' },
    });

    expect(res.status).toBe(201);
    const body = res.json() as { id: string; expression: string; nextFireTimes: string[] };
    expect(body).toMatchObject({ name: 'nightly', jobId, expression: 'cron(0 3 ? * 2-6 *)', timezone: 'Europe/Berlin', enabled: true, overlap: 'skip', graceSeconds: 300, version: 1 });
    expect(body.nextFireTimes).toHaveLength(5);
    for (const t of body.nextFireTimes) expect(new Date(t).toISOString()).toBe(t);
    scheduleId = body.id;
  });

  it('lists and reads it, also as a viewer', async () => {
    const list = await request(stack.url, 'GET', p('/schedules'), { token: viewerToken });
    expect(list.status).toBe(200);
    expect((list.json().items as { id: string }[]).map((s) => s.id)).toEqual([scheduleId]);
    const one = await request(stack.url, 'GET', p(`/schedules/${scheduleId}`), { token: viewerToken });
    expect(one.json()).toMatchObject({ id: scheduleId, nextFireTimes: expect.any(Array) as unknown });
    expect((await request(stack.url, 'DELETE', p(`/schedules/${scheduleId}`), { token: viewerToken })).status).toBe(403);
  });

  it('refuses secure parameters with a 400 that says why', async () => {
    const res = await api('POST', p('/schedules'), { body: { name: 'x', jobId, parameters: { token: 'CANARY-tok' }, expression: 'rate(1 hour)' } });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/stored/);
    expect(res.text).not.toContain('CANARY');
  });

  it('refuses a bad expression or time zone with the evaluator message', async () => {
    const bad = await api('POST', p('/schedules'), { body: { name: 'x', jobId, expression: 'cron(0 3 * * * *)' } });
    expect(bad.status).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ path: 'expression' })] });
    const zone = await api('POST', p('/schedules'), { body: { name: 'x', jobId, expression: 'rate(1 hour)', timezone: 'Nowhere/Land' } });
    expect(zone.status).toBe(400);
  });

  it('patches and disables it, then deletes it', async () => {
    const patched = await api('PATCH', p(`/schedules/${scheduleId}`), { body: { expression: 'rate(2 hours)', overlap: 'allow' } });
    expect(patched.status).toBe(200);
    expect(patched.json()).toMatchObject({ expression: 'rate(2 hours)', overlap: 'allow', version: 2 });
    const off = await api('PATCH', p(`/schedules/${scheduleId}`), { body: { enabled: false } });
    expect(off.json()).toMatchObject({ enabled: false, nextFireTimes: [], version: 3 });
    expect((await api('PATCH', p(`/schedules/${scheduleId}`), { body: {} })).status).toBe(400);

    expect((await api('DELETE', p(`/schedules/${scheduleId}`))).status).toBe(204);
    expect((await api('GET', p(`/schedules/${scheduleId}`))).status).toBe(404);
  });

  it('previews fire times for any signed-in caller', async () => {
    const res = await request(stack.url, 'POST', '/v1/schedules/preview', {
      token: viewerToken,
      body: { expression: 'cron(30 2 * * ? *)', timezone: 'America/New_York', from: '2026-03-06T00:00:00Z', count: 3 },
    });
    expect(res.status).toBe(200);
    // 02:30 does not exist on 2026-03-08 in New York: that day does not fire.
    expect(res.json()).toEqual({ next: ['2026-03-06T07:30:00.000Z', '2026-03-07T07:30:00.000Z', '2026-03-09T06:30:00.000Z'] });
    expect((await api('POST', '/v1/schedules/preview', { body: { expression: 'rate(1 hour)', count: 21 } })).status).toBe(400);
    const bad = await api('POST', '/v1/schedules/preview', { body: { expression: 'rate(0 hours)' } });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/positive/);
  });
});
