import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromRoot } from '../../cdk/lib/paths';
import { admin, proxyEvent } from '../support/fakes';

/**
 * The Lambda bundles that `cdk synth` builds (API handlers, the authorizer, the job-run state machine's tasks) (ESM, minified, createRequire banner) load and answer
 * in a plain Node process, as the Lambda runtime would import them. Catches what unit tests
 * cannot: a bundling or module-format mistake.
 */
let workDir: string;
let outDir: string;
let assets: Record<string, string>;

beforeAll(() => {
  // Like the nodejs22.x runtime: the AWS SDK is there, nothing else from our node_modules is.
  workDir = mkdtempSync(path.join(tmpdir(), 'opsc-synth-'));
  mkdirSync(path.join(workDir, 'node_modules'));
  symlinkSync(fromRoot('node_modules/@aws-sdk'), path.join(workDir, 'node_modules/@aws-sdk'));
  outDir = path.join(workDir, 'cdk.out');
  execFileSync(process.execPath, [fromRoot('node_modules/aws-cdk/bin/cdk'), 'synth', '--quiet', '-o', outDir], {
    cwd: fromRoot(),
    stdio: 'pipe',
    env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1' },
  });
  const template = JSON.parse(readFileSync(path.join(outDir, 'OpsConductor.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Metadata?: Record<string, string> }>;
  };
  assets = {};
  for (const [id, r] of Object.entries(template.Resources)) {
    const asset = r.Metadata?.['aws:asset:path'];
    // ApiRunsHandlerFunction… → runs; RunsMarkBatchLostTaskFunction… → task-markbatchlost.
    const api = /^Api(\w+?)(?:Handler)?Function/.exec(id)?.[1];
    const task = /^Runs(\w+?)TaskFunction/.exec(id)?.[1];
    const consumers: [RegExp, string][] = [
      [/^AuditConsumerFunction/, 'audit-consumer'],
      [/^SchedulesFireFunction/, 'schedule-fire'],
      [/^TriggersFireFunction/, 'trigger-fire'],
      [/^NotificationsConsumerFunction/, 'notification-consumer'],
      [/^NotificationsOverdueCheckFunction/, 'notification-overdue'],
    ];
    const consumer = consumers.find(([pattern]) => pattern.test(id))?.[1];
    const name = api ?? consumer ?? (task === undefined ? undefined : `task-${task}`);
    if (r.Type === 'AWS::Lambda::Function' && asset && name) assets[name.toLowerCase()] = path.join(outDir, asset, 'index.mjs');
  }
}, 120_000);

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

const invoke = (name: string, event: unknown, env: Record<string, string> = {}): { ok: boolean; value: unknown } => {
  const bundle = assets[name];
  if (!bundle) throw new Error(`no bundle for ${name}: ${Object.keys(assets).join(', ')}`);
  const script = `
    const { handler } = await import(${JSON.stringify(`file://${bundle}`)});
    try { process.stdout.write(JSON.stringify({ ok: true, value: await handler(JSON.parse(process.env.EVENT), { getRemainingTimeInMillis: () => 29000 }) })); }
    catch (e) { process.stdout.write(JSON.stringify({ ok: false, value: String(e && e.message) })); }`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH ?? '', EVENT: JSON.stringify(event), AWS_REGION: 'eu-west-1', POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out) as { ok: boolean; value: unknown };
};

/** Imports a bundle without calling it, answering what its `handler` export is. */
const load = (name: string, env: Record<string, string>): { ok: boolean; value: unknown } => {
  const bundle = assets[name];
  if (!bundle) throw new Error(`no bundle for ${name}: ${Object.keys(assets).join(', ')}`);
  const script = `const m = await import(${JSON.stringify(`file://${bundle}`)}); process.stdout.write(JSON.stringify({ ok: true, value: typeof m.handler }));`;
  try {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', POWERTOOLS_LOG_LEVEL: 'SILENT', ...env },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out) as { ok: boolean; value: unknown };
  } catch (e) {
    return { ok: false, value: String((e as { stderr?: string }).stderr) };
  }
};

const apiEnv = { TABLE_NAME: 't', EVENT_BUS_NAME: 'b', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' };
/** The runs handler also needs the job-run state machine and the runs key. */
const runsEnv = {
  ...apiEnv,
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:111122223333:stateMachine:job-run',
  RUNS_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000001',
};
/** The schedules handler also needs what it puts into each Scheduler schedule. */
const schedulesEnv = {
  ...apiEnv,
  SCHEDULE_GROUP: 'OpsConductor-schedules',
  SCHEDULE_FIRE_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:111122223333:function:fire',
  SCHEDULER_ROLE_ARN: 'arn:aws:iam::111122223333:role/scheduler',
  SCHEDULE_DLQ_ARN: 'arn:aws:sqs:eu-west-1:111122223333:schedules-dlq',
};
/** The triggers handler also needs what it puts into each trigger rule. */
const triggersEnv = {
  ...runsEnv,
  TRIGGER_FIRE_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:111122223333:function:trigger-fire',
  TRIGGER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:111122223333:triggers-dlq',
};
/** Notifications also need links to the console and the sender address. */
const notificationsEnv = { ...runsEnv, CONSOLE_URL: 'https://console.example.com', MAIL_FROM: 'ops@example.com' };
const runTaskBundles = ['task-plan', 'task-finalize', 'task-markbatchlost', 'task-markfailed'];
/** The handlers that call Cognito's admin API also need the pool. */
const directoryEnv = { ...apiEnv, USER_POOL_ID: 'eu-west-1_abc' };
/** The inventory handlers also need the credentials key and the roles that may read material. */
const inventoryEnv = {
  ...apiEnv,
  CREDENTIALS_KMS_KEY_ID: 'arn:aws:kms:eu-west-1:111122223333:key/00000000-0000-0000-0000-000000000000',
  CREDENTIAL_READER_ROLE_ARNS: 'arn:aws:iam::111122223333:role/targets',
};
const projectId = 'prj_01JD0000000000000000000001';
const authorizerEnv = {
  TOKEN_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc',
  TOKEN_CLIENT_ID: 'client',
  TABLE_NAME: 't',
  USAGE_PLAN_NAME: 'OpsConductor-callers',
};
const errorCode = (res: { value: unknown }): unknown => (JSON.parse((res.value as { body: string }).body) as { error?: { code?: string } }).error?.code;
/** Runs a bundle that is expected to fail at import, returning what it wrote to stderr. */
const startFailure = (name: string, event: unknown, env: Record<string, string>) => {
  try {
    return { ok: true, value: JSON.stringify(invoke(name, event, env)) };
  } catch (e) {
    return { ok: false, value: String((e as { stderr?: string }).stderr) };
  }
};

describe('synthesized Lambda bundles', () => {
  it('builds one bundle per handler, the authorizer and each job-run task', () => {
    expect(Object.keys(assets).sort()).toEqual(
      [
        'apikeys',
        'audit',
        'audit-consumer',
        'authorizer',
        'credentials',
        'events',
        'health',
        'hooks',
        'jobs',
        'me',
        'members',
        'notification-consumer',
        'notification-overdue',
        'notifications',
        'projects',
        'runs',
        'schedule-fire',
        'schedules',
        'settings',
        'targets',
        'trigger-fire',
        'triggers',
        'users',
        ...runTaskBundles,
      ].sort(),
    );
  });

  it('health answers 200', () => {
    const res = invoke('health', proxyEvent('getHealth'), apiEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 200, body: '{"status":"ok"}' } });
  });

  it('hooks answers an unsigned webhook 401 before touching DynamoDB or KMS', () => {
    const res = invoke('hooks', proxyEvent('receiveWebhook', { pathParameters: { triggerId: 'trg_01JD0000000000000000000001' }, body: '{}' }), runsEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 401 } });
    expect(errorCode(res)).toBe('UNAUTHORIZED');
  });

  it('triggers validates the body before touching DynamoDB, KMS or EventBridge', () => {
    const res = invoke('triggers', proxyEvent('createTrigger', { principal: admin, pathParameters: { projectId }, body: '{}' }), triggersEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 400 } });
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
  });

  it('notifications validates the body before touching DynamoDB, KMS or SES', () => {
    const res = invoke('notifications', proxyEvent('createNotificationChannel', { principal: admin, pathParameters: { projectId }, body: '{"kind":"fax"}' }), notificationsEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 400 } });
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
  });

  it('the notification consumer passes over events that are not about runs, and the overdue check loads', () => {
    const event = { version: '0', id: 'e1', source: 'opsconductor.automation', 'detail-type': 'Job Created', account: '1', region: 'eu-west-1', time: '2026-01-01T00:00:00Z', resources: [], detail: {} };
    expect(invoke('notification-consumer', event, notificationsEnv)).toEqual({ ok: true });
    expect(load('notification-overdue', notificationsEnv)).toEqual({ ok: true, value: 'function' });
  });

  it('me answers with the principal the authorizer handed over', () => {
    // An API key's projects come with the principal; a user's memberships would need DynamoDB.
    const key = { type: 'apiKey', keyId: 'k1', name: 'ci', projectId: 'p1', role: 'viewer' } as const;
    const res = invoke('me', proxyEvent('getMe', { principal: key }), apiEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 200 } });
    expect(JSON.parse((res.value as { body: string }).body)).toEqual({ type: 'apiKey', keyId: 'k1', name: 'ci', projects: [{ projectId: 'p1', role: 'viewer' }] });
  });

  it('projects validates before touching DynamoDB', () => {
    const res = invoke('projects', proxyEvent('createProject', { principal: admin, body: '{"name":' }), apiEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 400 } });
    expect(JSON.parse((res.value as { body: string }).body)).toMatchObject({ error: { code: 'INVALID_JSON' } });
  });

  it('users validates the invitation before calling Cognito', () => {
    const res = invoke('users', proxyEvent('inviteUser', { principal: admin, body: '{"username":' }), directoryEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 400 } });
    expect(errorCode(res)).toBe('INVALID_JSON');
  });

  it('members validates the path before reading memberships or Cognito', () => {
    const res = invoke('members', proxyEvent('putMember', { principal: admin, pathParameters: { projectId: '!', userId: 'ada' }, body: '{"role":"viewer"}' }), directoryEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 400 } });
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
  });

  it('api-keys validates the path before touching DynamoDB', () => {
    const res = invoke('apikeys', proxyEvent('createApiKey', { principal: admin, pathParameters: { projectId: '!' }, body: '{}' }), apiEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 400 } });
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
  });

  it('jobs parses YAML bodies before touching DynamoDB', () => {
    const res = invoke(
      'jobs',
      proxyEvent('createJob', { principal: admin, pathParameters: { projectId: 'prj_01JD0000000000000000000000' }, body: 'name: [unclosed', headers: { 'Content-Type': 'application/yaml' } }),
      apiEnv,
    );

    expect(res).toMatchObject({ ok: true, value: { statusCode: 400 } });
    expect(errorCode(res)).toBe('INVALID_YAML');
  });

  it('runs validates the path before sealing, starting or touching DynamoDB', () => {
    const res = invoke('runs', proxyEvent('startRun', { principal: admin, pathParameters: { projectId: '!', jobId: 'job' }, body: '{}' }), runsEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 400 } });
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
  });

  it('runs refuses to start without the state machine or the runs key', () => {
    for (const missing of ['STATE_MACHINE_ARN', 'RUNS_KMS_KEY_ID']) {
      const env = Object.fromEntries(Object.entries(runsEnv).filter(([k]) => k !== missing));

      expect({ missing, ...startFailure('runs', proxyEvent('listRuns', { principal: admin, pathParameters: { projectId } }), env) }).toEqual({
        missing,
        ok: false,
        value: expect.stringContaining(missing) as unknown,
      });
    }
  });

  it('the job-run tasks load with their table and bus, and refuse to start without either', () => {
    for (const name of runTaskBundles) {
      expect({ name, ...load(name, apiEnv) }).toEqual({ name, ok: true, value: 'function' });
      for (const missing of ['TABLE_NAME', 'EVENT_BUS_NAME']) {
        const env = Object.fromEntries(Object.entries(apiEnv).filter(([k]) => k !== missing));

        expect({ name, missing, ...load(name, env) }).toEqual({ name, missing, ok: false, value: expect.stringContaining(missing) as unknown });
      }
    }
  });

  it('the audit consumer loads with its table, refuses to start without it, and refuses an event that is not ours before writing', () => {
    expect(load('audit-consumer', { TABLE_NAME: 't' })).toEqual({ ok: true, value: 'function' });
    expect(load('audit-consumer', {})).toEqual({ ok: false, value: expect.stringContaining('TABLE_NAME') as unknown });
    const foreign = { version: '0', id: 'e1', 'detail-type': 'EC2 Instance State-change Notification', source: 'aws.ec2', account: '1', time: '2026-11-25T10:00:00Z', region: 'eu-west-1', resources: [], detail: {} };

    expect(invoke('audit-consumer', foreign, { TABLE_NAME: 't' })).toEqual({ ok: false, value: expect.stringContaining('Not an OpsConductor event') as unknown });
  });

  it('schedules validates the body before touching DynamoDB or Scheduler, and refuses to start without its Scheduler settings', () => {
    const res = invoke('schedules', proxyEvent('previewSchedule', { principal: admin, body: '{"expression":"cron(0 3 * * * *)"}' }), schedulesEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 400 } });
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
    for (const missing of ['SCHEDULE_GROUP', 'SCHEDULE_FIRE_FUNCTION_ARN', 'SCHEDULER_ROLE_ARN', 'SCHEDULE_DLQ_ARN']) {
      const env = Object.fromEntries(Object.entries(schedulesEnv).filter(([k]) => k !== missing));

      expect({ missing, ...load('schedules', env) }).toEqual({ missing, ok: false, value: expect.stringContaining(missing) as unknown });
    }
  });

  it('schedule-fire loads with its table, bus, state machine and runs key, and refuses an input that is not a fire before reading anything', () => {
    expect(load('schedule-fire', runsEnv)).toEqual({ ok: true, value: 'function' });
    for (const missing of ['TABLE_NAME', 'EVENT_BUS_NAME', 'STATE_MACHINE_ARN', 'RUNS_KMS_KEY_ID']) {
      const env = Object.fromEntries(Object.entries(runsEnv).filter(([k]) => k !== missing));

      expect({ missing, ...load('schedule-fire', env) }).toEqual({ missing, ok: false, value: expect.stringContaining(missing) as unknown });
    }

    expect(invoke('schedule-fire', { scheduleId: 'sch_x', projectId: 'prj_x', scheduledTime: '<aws.scheduler.scheduled-time>' }, runsEnv)).toEqual({
      ok: false,
      value: expect.stringContaining('Not a schedule fire') as unknown,
    });
  });

  it('trigger-fire loads with its table, bus, state machine and runs key, and refuses an input that is not a trigger fire before reading anything', () => {
    expect(load('trigger-fire', runsEnv)).toEqual({ ok: true, value: 'function' });
    expect(invoke('trigger-fire', { triggerId: 'trg_x', projectId: 'prj_x', event: '<aws.events.event.json>' }, runsEnv)).toEqual({
      ok: false,
      value: expect.stringContaining('Not a trigger fire') as unknown,
    });
  });

  it('triggers needs the fire Lambda and the dead-letter queue it puts into each rule', () => {
    for (const missing of ['TRIGGER_FIRE_FUNCTION_ARN', 'TRIGGER_DLQ_ARN']) {
      const env = Object.fromEntries(Object.entries(triggersEnv).filter(([k]) => k !== missing));

      expect({ missing, ...load('triggers', env) }).toEqual({ missing, ok: false, value: expect.stringContaining(missing) as unknown });
    }
  });

  it('settings validates the body before calling Cognito', () => {
    const res = invoke('settings', proxyEvent('updateSettings', { principal: admin, body: '{"mfa":"sometimes"}' }), directoryEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 400 } });
    expect(errorCode(res)).toBe('VALIDATION_FAILED');
  });

  it('credentials checks a private key with ssh2 inside the bundle, before the vault or DynamoDB', () => {
    const body = JSON.stringify({
      name: 'deploy key',
      kind: 'ssh-key',
      username: 'deploy',
      privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n',
    });
    const res = invoke('credentials', proxyEvent('createCredential', { principal: admin, pathParameters: { projectId }, body }), inventoryEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 400 } });
    expect(JSON.parse((res.value as { body: string }).body)).toMatchObject({
      error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('The private key cannot be used') as unknown },
    });
  });

  it('targets refuses a discovery range above a /22 before dialling anything or reading DynamoDB', () => {
    const res = invoke('targets', proxyEvent('discoverTargets', { principal: admin, pathParameters: { projectId }, body: '{"cidr":"10.0.0.0/8"}' }), inventoryEnv);

    expect(res).toMatchObject({ ok: true, value: { statusCode: 400 } });
    expect(JSON.parse((res.value as { body: string }).body)).toMatchObject({ error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('/22') as unknown } });
  });

  it('bundles ssh2 without its optional native add-ons, which it loads only if present', () => {
    for (const name of ['credentials', 'targets']) {
      const bundle = assets[name] ?? '';
      const code = readFileSync(bundle, 'utf8');
      // ssh2's own code is in the bundle; its two optional requires stay as run-time requires that fail and fall back to JS.
      expect({ name, ssh2: code.includes('SSH-2.0-ssh2js') }).toEqual({ name, ssh2: true });
      expect({
        name,
        cpuFeatures: /[\w$]+\("cpu-features"\)/.test(code),
        sshcrypto: /[\w$]+\("\.\/crypto\/build\/Release\/sshcrypto\.node"\)/.test(code),
      }).toEqual({ name, cpuFeatures: true, sshcrypto: true });
      const dir = path.dirname(bundle);
      // Nothing native is shipped next to the bundle.
      expect({ name, files: readdirSync(dir).sort() }).toEqual({ name, files: ['index.mjs', 'index.mjs.map'] });
    }
  });

  it('the inventory handlers refuse to start without the credentials key or the reader roles', () => {
    for (const [name, route] of [['credentials', 'listCredentials'], ['targets', 'listTargets']] as const) {
      for (const missing of ['CREDENTIALS_KMS_KEY_ID', 'CREDENTIAL_READER_ROLE_ARNS']) {
        const env = Object.fromEntries(Object.entries(inventoryEnv).filter(([k]) => k !== missing));

        expect({ name, missing, ...startFailure(name, proxyEvent(route, { principal: admin, pathParameters: { projectId } }), env) }).toEqual({
          name,
          missing,
          ok: false,
          value: expect.stringContaining(missing) as unknown,
        });
      }
    }
  });

  it('the authorizer answers Unauthorized to a garbage token without any network', () => {
    const event = { type: 'REQUEST', methodArn: 'arn:aws:execute-api:eu-west-1:1:a/prod/GET/v1/me', headers: { Authorization: 'Bearer nonsense' } };

    const res = invoke('authorizer', event, authorizerEnv);

    expect(res).toEqual({ ok: false, value: 'Unauthorized' });
  });

  it('the authorizer refuses to start without its usage plan or table', () => {
    const event = { type: 'REQUEST', methodArn: 'arn:aws:execute-api:eu-west-1:1:a/prod/GET/v1/me', headers: {} };
    for (const missing of ['USAGE_PLAN_NAME', 'TABLE_NAME']) {
      const env = Object.fromEntries(Object.entries(authorizerEnv).filter(([k]) => k !== missing));

      expect({ missing, ...startFailure('authorizer', event, env) }).toEqual({ missing, ok: false, value: expect.stringContaining(missing) as unknown });
    }
  });

  it('the handlers that manage people refuse to start without the user pool', () => {
    for (const [name, route] of [['users', 'listUsers'], ['members', 'listMembers'], ['settings', 'getSettings']] as const) {
      expect({ name, ...startFailure(name, proxyEvent(route, { principal: admin }), apiEnv) }).toEqual({
        name,
        ok: false,
        value: expect.stringContaining('USER_POOL_ID') as unknown,
      });
    }
  });

  it('a handler refuses to start without its configuration', () => {
    const res = (() => {
      try {
        return invoke('projects', proxyEvent('listProjects', { principal: admin }));
      } catch (e) {
        return { ok: false, value: String((e as { stderr?: string }).stderr) };
      }
    })();

    expect(res.ok).toBe(false);
    expect(String(res.value)).toContain('TABLE_NAME');
  });
});

describe('runner image bundle', () => {
  it("builds runner/main.ts with runner/Dockerfile's own esbuild step into one ESM file that needs no node_modules", () => {
    // Docker is not needed to check the step the image's build stage runs: the same command, here.
    const dockerfile = readFileSync(fromRoot('runner/Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
    const command = /^RUN (npx --no-install esbuild .*)$/m.exec(dockerfile)?.[1] ?? '';
    expect(command).toContain('--outfile=dist/runner.mjs');
    const out = path.join(workDir, 'runner-image');
    execFileSync('sh', ['-c', command.replace('--outfile=dist/runner.mjs', `--outfile=${out}/runner.mjs`)], { cwd: fromRoot(), stdio: 'pipe' });
    expect(readdirSync(out).sort()).toEqual(['runner.mjs', 'runner.mjs.map']);
    const code = readFileSync(path.join(out, 'runner.mjs'), 'utf8');
    expect({ ssh2: code.includes('SSH-2.0-ssh2js'), cpuFeatures: /[\w$]+\("cpu-features"\)/.test(code) }).toEqual({ ssh2: true, cpuFeatures: true });

    // Started as the image starts it (node runner.mjs, nothing beside it), it loads and asks for its task.
    const start = (env: Record<string, string>) => {
      try {
        execFileSync(process.execPath, ['--enable-source-maps', 'runner.mjs'], { cwd: out, env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' });
        return 'started';
      } catch (e) {
        return String((e as { stderr?: Buffer }).stderr);
      }
    };
    expect(start({})).toContain('Environment variable OPSC_TASK_TOKEN is required');
    expect(start({ OPSC_TASK_TOKEN: 't', OPSC_BATCH: '{}' })).toContain('Environment variable TABLE_NAME is required');
  });
});
