import { request } from '../support/http';
import { startInProcessStack } from '../support/in-process-stack';

/** Jobs over HTTP: versions, dangerous-command warnings, YAML export and import. */
let stack: Awaited<ReturnType<typeof startInProcessStack>>;
let projectId: string;

beforeAll(async () => {
  stack = await startInProcessStack();
  projectId = String((await api('POST', '/v1/projects', { body: { name: 'jobs' } })).json().id);
}, 60_000);
afterAll(async () => {
  await stack.close();
});

function api(method: string, path: string, opts: Parameters<typeof request>[3] = {}) {
  return request(stack.url, method, path, { token: stack.adminToken, ...opts });
}
const p = (path: string) => `/v1/projects/${projectId}${path}`;

const patchJob = {
  name: 'Patch web servers',
  description: 'apt upgrade in batches',
  targets: { selector: 'env=prod,role in (web)' },
  concurrency: '25%',
  maxErrors: 2,
  parameters: [
    { name: 'package', type: 'string', required: true, regex: '[a-z0-9.+-]+' },
    { name: 'reboot', type: 'boolean', default: false },
    { name: 'channel', type: 'choice', allowed: ['stable', 'beta'], default: 'stable' },
    { name: 'token', type: 'string', secure: true },
  ],
  steps: [
    { kind: 'command', content: 'apt-get install -y "$OPSC_PARAM_package"', timeoutSeconds: 900, retries: { count: 2, backoffSeconds: 10 } },
    { kind: 'script', interpreter: 'bash', content: 'if [ "$OPSC_PARAM_reboot" = true ]; then\n  systemctl reboot\nfi', continueOnError: true },
  ],
};

describe('jobs', () => {
  let jobId: string;

  it('creates a job with defaults filled in and its dangerous steps flagged', async () => {
    const res = await api('POST', p('/jobs'), { body: patchJob });

    expect(res.status).toBe(201);
    const job = res.json();
    jobId = String(job.id);
    expect(job).toMatchObject({
      version: 1,
      targets: { selector: 'env=prod,role in (web)' },
      steps: [{ id: 'step-1', retries: { count: 2 } }, { id: 'step-2', interpreter: 'bash', timeoutSeconds: 600, continueOnError: true }],
      warnings: [expect.objectContaining({ stepId: 'step-2', line: 2 })],
    });
  });

  it('keeps every version, and refuses a stale If-Match', async () => {
    const v2 = await api('PUT', p(`/jobs/${jobId}`), { body: { ...patchJob, description: 'second' }, headers: { 'If-Match': '1' } });
    const stale = await api('PUT', p(`/jobs/${jobId}`), { body: { ...patchJob, description: 'third' }, headers: { 'If-Match': '1' } });
    const versions = await api('GET', p(`/jobs/${jobId}/versions`));

    expect(v2.json()).toMatchObject({ version: 2, description: 'second' });
    expect(stale.status).toBe(409);
    expect((versions.json().items as { version: number; description: string }[]).map((v) => [v.version, v.description])).toEqual([
      [2, 'second'],
      [1, 'apt upgrade in batches'],
    ]);
  });

  it('exports YAML that imports as the same job', async () => {
    const yaml = await api('GET', p(`/jobs/${jobId}?format=yaml`));
    expect(yaml.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(yaml.text).toContain('name: Patch web servers');

    const imported = await api('POST', p('/jobs'), { rawBody: yaml.text, headers: { 'Content-Type': 'application/yaml' } });

    expect(imported.status).toBe(201);
    const original = (await api('GET', p(`/jobs/${jobId}`))).json();
    const copy = imported.json();
    for (const field of ['name', 'description', 'steps', 'parameters', 'targets', 'concurrency', 'maxErrors', 'runTimeoutSeconds', 'warnings']) {
      expect(copy[field]).toEqual(original[field]);
    }
  });

  it.each([
    ['malformed YAML', 'name: [unclosed', 'INVALID_YAML'],
    ['an alias bomb', 'a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: [*d,*d,*d,*d,*d,*d,*d,*d,*d]', 'INVALID_YAML'],
    ['a custom tag', 'name: !!js/function "function(){}"\nsteps: []', 'INVALID_YAML'],
  ])('answers %s with a 400', async (_what, body, code) => {
    const res = await api('POST', p('/jobs'), { rawBody: body, headers: { 'Content-Type': 'application/yaml' } });

    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ error: { code } });
  });

  it.each([
    ['a choice without values', { name: 'c', type: 'choice' }, 'parameters.0.allowed'],
    ['a secure default', { name: 's', type: 'string', secure: true, default: 'x' }, 'parameters.0.default'],
    ['a default of the wrong type', { name: 'n', type: 'number', default: 'five' }, 'parameters.0.default'],
    ['a bad regex', { name: 'r', type: 'string', regex: '(' }, 'parameters.0.regex'],
    ['a bad name', { name: '1x', type: 'string' }, 'parameters.0.name'],
  ])('rejects a parameter with %s', async (_what, parameter, path) => {
    const res = await api('POST', p('/jobs'), { body: { name: 'bad', steps: [{ kind: 'command', content: 'true' }], parameters: [parameter] } });

    expect(res.status).toBe(400);
    expect((res.json().error as { details: { path: string }[] }).details.map((d) => d.path)).toContain(path);
  });

  it('deletes a job but keeps its versions readable for the runs that used them', async () => {
    expect((await api('DELETE', p(`/jobs/${jobId}`))).status).toBe(204);
    expect((await api('GET', p(`/jobs/${jobId}`))).status).toBe(404);
  });
});
