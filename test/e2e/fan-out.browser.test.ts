import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { promisify } from 'node:util';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, signedInPage } from '../support/browser';
import { creator, request, signIn as apiSignIn } from '../support/http';
import { startLocalStack } from '../support/local-stack';
import { startTestSshd, type TestSshd } from '../support/sshd';
import { JobEditorPage } from './pages/JobEditorPage';
import { JobsPage } from './pages/JobsPage';
import { RunPage } from './pages/RunPage';

/**
 * A fan-out as an operator does it, in headless Chromium against a started local stack and a real
 * OpenSSH sshd on loopback: 200 targets imported over the API, a job made in the console's editor,
 * run from the console on all 200 (every host succeeds, its output readable on the run page), then
 * a second job whose step outlives the test run from the console and cancelled from its run page:
 * the run ends cancelled and no process of the step is left on the host (checked with pgrep).
 */
jest.setTimeout(180_000);

const exec = promisify(execFile);
const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'C0nsole!FanOut-Passw0rd' };
const HOSTS = 200;
/** A duration no other process on the machine sleeps for: how pgrep finds the step's processes. */
const SLEEP = `sleep ${String(randomInt(40_000, 50_000))}`;

type Stack = Awaited<ReturnType<typeof startLocalStack>>;

const stepProcesses = async (): Promise<string[]> => {
  try {
    return (await exec('pgrep', ['-f', SLEEP])).stdout.trim().split('\n').filter(Boolean);
  } catch {
    // pgrep exits 1 when nothing matches.
    return [];
  }
};

describe('a fan-out on 200 hosts (browser)', () => {
  let stack: Stack | undefined;
  let sshd: TestSshd | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let baseUrl = '';
  let projectId = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    sshd = await startTestSshd({ quiet: true });
    stack = await startLocalStack({ env: { OPSC_ADMIN_EMAIL: ADMIN.email, OPSC_ADMIN_PASSWORD: ADMIN.password } });
    baseUrl = stack.baseUrl;
    const token = await apiSignIn(baseUrl, ADMIN.username, ADMIN.password);
    const post = creator(baseUrl, token);
    projectId = await post('/v1/projects', { name: 'Fleet', description: 'A fan-out from the console' });
    const credentialId = await post(`/v1/projects/${projectId}/credentials`, { name: 'key', kind: 'ssh-key', username: sshd.username, privateKey: sshd.clientKey.privateKey });
    const fleet = Array.from({ length: HOSTS }, (_, i) => ({
      name: `web-${String(i + 1).padStart(3, '0')}`,
      address: '127.0.0.1',
      port: sshd?.port,
      protocol: 'ssh',
      credentialId,
      hostKeyFingerprint: sshd?.hostKeyFingerprint,
      tags: { fleet: 'e2e' },
    }));
    const imported = await request(baseUrl, 'POST', `/v1/projects/${projectId}/targets/import`, { token, body: { format: 'json', content: JSON.stringify(fleet) } });
    if (imported.status !== 200) throw new Error(`import: ${String(imported.status)} ${imported.text}`);

    browser = await launchChromium();
    page = await signedInPage(browser, baseUrl, ADMIN, consoleErrors, { width: 1440, height: 960 });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await sshd?.stop();
  });

  /** Makes a job for the fleet in the console's editor and starts a run of it from its page. */
  const runNewJob = async (name: string, command: string): Promise<RunPage> => {
    const jobs = new JobsPage(page);
    await jobs.open(baseUrl, projectId);
    await jobs.createButton.click();
    const editor = new JobEditorPage(page);
    await editor.heading('Create job').waitFor();
    await editor.fill({ name, selector: 'fleet=e2e', command });
    await editor.selectorPreview().getByText(/^Matches more than \d+ targets: web-001, /).waitFor();
    await editor.save();
    await page.getByRole('heading', { level: 1, name }).waitFor();
    const run = new RunPage(page);
    await run.runButton.click();
    await run.startButton.click();
    await run.heading(name).waitFor();
    return run;
  };

  it('runs a job made in the console on 200 hosts and shows every host succeed with its output', async () => {
    const run = await runNewJob('Who are you', 'echo "hello from $(uname -n)"');

    await run.status.getByText('succeeded', { exact: true }).waitFor({ timeout: 60_000 });
    await run.count('succeeded').getByText(`Succeeded: ${String(HOSTS)}`).waitFor();
    expect(await run.hosts.getByRole('row').filter({ hasText: 'succeeded' }).count()).toBe(HOSTS);
    await run.host('web-137').getByRole('radio').check();
    await run.output('web-137').getByText(/^hello from /).waitFor();
    expect(consoleErrors).toEqual([]);
  });

  it('cancels a run from its page, and nothing of its step is left running on the host', async () => {
    const run = await runNewJob('Sleep on it', SLEEP);
    // A host is shown running once it has run a second: the steps are under way on the host.
    await run.count('running').waitFor({ timeout: 60_000 });
    expect((await stepProcesses()).length).toBeGreaterThan(0);

    await run.cancelButton.click();

    await run.status.getByText('cancelled', { exact: true }).waitFor({ timeout: 60_000 });
    await run.count('cancelled').getByText(`Cancelled: ${String(HOSTS)}`).waitFor();
    expect(await stepProcesses()).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
