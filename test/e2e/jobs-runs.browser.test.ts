import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, seriousViolations, signedInPage } from '../support/browser';
import { creator, signIn as apiSignIn } from '../support/http';
import { startLocalStack } from '../support/local-stack';
import { startTestSshd, type TestSshd } from '../support/sshd';
import { JobEditorPage } from './pages/JobEditorPage';
import { JobsPage } from './pages/JobsPage';
import { RunPage } from './pages/RunPage';

/**
 * Jobs and runs in the console, in headless Chromium against a started local stack and a real
 * OpenSSH sshd on loopback (credential and target seeded over the API). As an admin: create a job
 * in the editor (the API's validation shows first), run it from its page, and watch the run page
 * show the host succeed and its output lines arrive. The jobs list, the editor and the run page
 * pass axe. Then a second target on the same sshd matches the job's selector too, and a new run's
 * "All hosts" view shows both hosts' lines interleaved, each prefixed with its host's name.
 */
jest.setTimeout(120_000);

const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'C0nsole!JobsRuns-Passw0rd' };
const PROJECT = 'Jobs and runs';
const TARGET = 'ssh-jobs';
const SECOND_TARGET = 'ssh-second';
const JOB = 'Count to three';
const COMMAND = 'for i in 1 2 3; do echo line-$i; sleep 0.3; done';

type Stack = Awaited<ReturnType<typeof startLocalStack>>;

const sideNav = (page: Page) => page.getByRole('navigation', { name: 'Side navigation' });

describe('jobs and runs (browser)', () => {
  let stack: Stack | undefined;
  let sshd: TestSshd | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let baseUrl = '';
  let projectId = '';
  let credentialId = '';
  let targetId = '';
  let post: (url: string, body: unknown) => Promise<string> = () => Promise.reject(new Error('not signed in'));
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(path.resolve(__dirname, '../artifacts'), { recursive: true });
    sshd = await startTestSshd();
    stack = await startLocalStack({ env: { OPSC_ADMIN_EMAIL: ADMIN.email, OPSC_ADMIN_PASSWORD: ADMIN.password } });
    baseUrl = stack.baseUrl;
    const token = await apiSignIn(baseUrl, ADMIN.username, ADMIN.password);
    post = creator(baseUrl, token);
    projectId = await post('/v1/projects', { name: PROJECT, description: 'Jobs for the browser test' });
    credentialId = await post(`/v1/projects/${projectId}/credentials`, {
      name: 'key',
      kind: 'ssh-key',
      username: sshd.username,
      privateKey: sshd.clientKey.privateKey,
    });
    targetId = await post(`/v1/projects/${projectId}/targets`, {
      name: TARGET,
      address: '127.0.0.1',
      port: sshd.port,
      protocol: 'ssh',
      credentialId,
      tags: { env: 'e2e' },
      hostKeyFingerprint: sshd.hostKeyFingerprint,
    });

    browser = await launchChromium();
    page = await signedInPage(browser, baseUrl, ADMIN, consoleErrors, { width: 1440, height: 960 });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await sshd?.stop();
  });

  it('lists the project’s jobs, offered in the project’s navigation with its runs', async () => {
    const jobs = new JobsPage(page);
    await jobs.open(baseUrl, projectId);
    await jobs.heading().waitFor();
    await page.getByText('No jobs', { exact: true }).waitFor();
    expect(await sideNav(page).getByRole('link', { name: 'Jobs', exact: true }).getAttribute('href')).toBe(`/projects/${projectId}/jobs`);
    expect(await sideNav(page).getByRole('link', { name: 'Runs', exact: true }).getAttribute('href')).toBe(`/projects/${projectId}/runs`);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('creates a job in the editor, the API’s validation shown first', async () => {
    const jobs = new JobsPage(page);
    await jobs.createButton.click();
    const editor = new JobEditorPage(page);
    await editor.heading('Create job').waitFor();
    expect(page.url()).toBe(`${baseUrl}/projects/${projectId}/jobs/new`);
    expect(await seriousViolations(page)).toEqual([]);

    // Nothing filled in: the API refuses, and says so next to the name and the step.
    await editor.save();
    await editor.error('Some fields need changes: see the messages next to them.').waitFor();
    expect(await page.getByRole('textbox', { name: 'Name' }).getAttribute('aria-invalid')).toBe('true');
    expect(await editor.stepContent(1).getAttribute('aria-invalid')).toBe('true');

    await editor.fill({ name: JOB, selector: 'env=e2e', command: COMMAND });
    await editor.selectorPreview().getByText(`Matches 1 target: ${TARGET}`).waitFor();
    await editor.save();
    await page.getByRole('heading', { level: 1, name: JOB }).waitFor();
    await page.getByText(`Job “${JOB}” was saved (version 1).`).waitFor();
    expect(page.url()).toMatch(new RegExp(`/projects/${projectId}/jobs/job_`));
  });

  it('runs the job from the console and shows the host succeed with its output', async () => {
    const run = new RunPage(page);
    await run.runButton.click();
    await run.startButton.click();
    await run.heading(JOB).waitFor();
    expect(page.url()).toMatch(new RegExp(`/projects/${projectId}/runs/run_`));

    await run.host(TARGET).getByText('succeeded', { exact: true }).waitFor({ timeout: 30_000 });
    for (const n of [1, 2, 3]) await run.line(TARGET, `line-${n}`).waitFor();
    await run.status.getByText('succeeded', { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    // The run is in the project's history.
    await sideNav(page).getByRole('link', { name: 'Runs', exact: true }).click();
    const history = page.getByRole('table', { name: 'Runs' });
    await history.getByRole('link', { name: `${JOB} (v1)` }).waitFor();
    expect(consoleErrors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });

  it('shows every host’s output interleaved in the All hosts view', async () => {
    if (sshd === undefined) throw new Error('no sshd');
    await post(`/v1/projects/${projectId}/targets`, {
      name: SECOND_TARGET,
      address: '127.0.0.1',
      port: sshd.port,
      protocol: 'ssh',
      credentialId,
      tags: { env: 'e2e' },
      hostKeyFingerprint: sshd.hostKeyFingerprint,
    });
    const jobs = new JobsPage(page);
    await jobs.open(baseUrl, projectId);
    await jobs.openJob(JOB);
    await page.getByRole('heading', { level: 1, name: JOB }).waitFor();
    const run = new RunPage(page);
    await run.runButton.click();
    await run.startButton.click();
    await run.heading(JOB).waitFor();

    await run.showAllHosts();
    await run.allHostsOutput().waitFor();
    for (const host of [TARGET, SECOND_TARGET]) {
      await run.host(host).getByText('succeeded', { exact: true }).waitFor({ timeout: 30_000 });
      for (const n of [1, 2, 3]) await run.allHostsLine(host, `line-${n}`).waitFor();
    }
    await run.status.getByText('succeeded', { exact: true }).waitFor();
    // Each line once: three per host.
    await page.getByText('6 lines', { exact: true }).waitFor();
    expect(await run.viewButton('All hosts').getAttribute('aria-pressed')).toBe('true');
    expect(await seriousViolations(page)).toEqual([]);

    // Choosing a host in the table shows its output alone again.
    await run.host(SECOND_TARGET).getByRole('radio').check();
    await run.line(SECOND_TARGET, 'line-3').waitFor();
    expect(consoleErrors.filter((e) => !e.includes('status of 400'))).toEqual([]);
  });

  it("reads a run's hosts again only when its counts move, not every second", async () => {
    const jobId = await post(`/v1/projects/${projectId}/jobs`, { name: 'Wait a while', targets: { targetIds: [targetId] }, steps: [{ kind: 'command', content: 'sleep 6' }] });
    const runId = await post(`/v1/projects/${projectId}/jobs/${jobId}/runs`, {});
    const run = new RunPage(page);
    const reads = { run: 0, hosts: 0 };
    const count = (request: { url: () => string }) => {
      const url = new URL(request.url());
      if (url.pathname.endsWith(`/runs/${runId}`)) reads.run += 1;
      if (url.pathname.endsWith(`/runs/${runId}/hosts`)) reads.hosts += 1;
    };

    await page.goto(`${baseUrl}/projects/${projectId}/runs/${runId}`);
    // Shown running once it has run a second; then nothing about it changes until it ends.
    await run.host(TARGET).getByText('running', { exact: true }).waitFor({ timeout: 30_000 });
    page.on('request', count);
    await page.waitForTimeout(2000);
    page.off('request', count);

    expect(reads.run).toBeGreaterThanOrEqual(2);
    expect(reads.hosts).toBeLessThanOrEqual(1);
    await run.host(TARGET).getByText('succeeded', { exact: true }).waitFor({ timeout: 30_000 });
    await run.status.getByText('succeeded', { exact: true }).waitFor();
  });

  it('keeps 100,000 lines of one host in a window: only the lines in view are in the page', async () => {
    const jobId = await post(`/v1/projects/${projectId}/jobs`, { name: 'Count far', targets: { targetIds: [targetId] }, steps: [{ kind: 'command', content: 'seq 1 100000' }] });
    const runId = await post(`/v1/projects/${projectId}/jobs/${jobId}/runs`, {});
    const run = new RunPage(page);

    await page.goto(`${baseUrl}/projects/${projectId}/runs/${runId}`);
    await run.host(TARGET).getByText('succeeded', { exact: true }).waitFor({ timeout: 30_000 });
    await page.getByText('100,000 lines', { exact: true }).waitFor({ timeout: 30_000 });
    const output = run.output(TARGET);
    // It follows the end: the last line is shown, the first is not in the page at all.
    await run.line(TARGET, '100000').waitFor();
    const rendered = await output.locator('div[style*="white-space: pre"]').count();

    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(200);
    expect(await run.line(TARGET, '1').count()).toBe(0);

    // Scrolling to the middle brings the middle lines in and keeps the page small.
    await output.evaluate((el: { scrollTop: number }) => {
      el.scrollTop = 49_990 * 18;
    });
    await run.line(TARGET, '50000').waitFor();
    expect(await output.locator('div[style*="white-space: pre"]').count()).toBeLessThan(200);
  });
});
