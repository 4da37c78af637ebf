import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { seriousViolations } from '../support/browser';
import { consoleWithJob, type ConsoleWithJob } from '../support/console-with-job';
import { AuditPage } from './pages/AuditPage';
import { SchedulesPage } from './pages/SchedulesPage';

/**
 * Schedules and the audit log in the console, in headless Chromium against a started local stack
 * (a target, its credential and a job seeded over the API; the schedule never fires, so no sshd).
 * As an admin: create a schedule, its next five fire times previewed before saving, see it listed
 * with its next fire time, disable it; then read the project's audit log (the job's, and the
 * schedule's creation and change) and export it as CSV. Both pages pass axe.
 */
jest.setTimeout(90_000);

const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'C0nsole!Schedules-Passw0rd' };
const PROJECT = 'Schedules and audit';
const JOB = 'Nightly cleanup';
const SCHEDULE = 'Nightly at three';

const sideNav = (page: Page) => page.getByRole('navigation', { name: 'Side navigation' });

describe('schedules and audit (browser)', () => {
  let seeded: ConsoleWithJob | undefined;
  let page: Page;
  let baseUrl = '';
  let projectId = '';
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    seeded = await consoleWithJob({
      admin: ADMIN,
      project: { name: PROJECT, description: 'Schedules for the browser test' },
      job: { name: JOB, steps: [{ kind: 'command', content: 'echo cleanup' }] },
    });
    ({ page, baseUrl, projectId, consoleErrors } = seeded);
  }, 120_000);

  afterAll(async () => {
    await seeded?.stop();
  });

  it('creates a schedule, its fire times previewed first, and disables it', async () => {
    const schedules = new SchedulesPage(page);
    await schedules.open(baseUrl, projectId);
    await schedules.heading().waitFor();
    await page.getByText('No schedules', { exact: true }).waitFor();
    expect(await sideNav(page).getByRole('link', { name: 'Schedules', exact: true }).getAttribute('href')).toBe(`/projects/${projectId}/schedules`);
    expect(await sideNav(page).getByRole('link', { name: 'Audit', exact: true }).getAttribute('href')).toBe(`/projects/${projectId}/audit`);
    expect(await seriousViolations(page)).toEqual([]);

    await schedules.createButton.click();
    await schedules.dialog.waitFor();
    await schedules.fill({ name: SCHEDULE, job: JOB, expression: 'cron(0 3 * * ? *)', timezone: 'Europe/Berlin' });
    const preview = schedules.preview();
    await preview.waitFor();
    expect(await preview.getByRole('listitem').count()).toBe(5);
    // 03:00 in Berlin is 01:00 or 02:00 UTC, whatever the season.
    for (const item of await preview.getByRole('listitem').allTextContents()) expect(item).toMatch(/0[12]:00\s*(AM)?\s*UTC/);
    expect(await seriousViolations(page)).toEqual([]);

    await schedules.save();
    await schedules.dialog.waitFor({ state: 'detached' });
    await page.getByText(`Schedule “${SCHEDULE}” was created.`).waitFor();
    const row = schedules.row(SCHEDULE);
    await row.getByText('Enabled', { exact: true }).waitFor();
    await row.getByText('cron(0 3 * * ? *)').waitFor();
    await row.getByText('Europe/Berlin').waitFor();
    expect(await row.getByTestId('next-fire').locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T0[12]:00:00\.000Z$/);

    await row.getByRole('button', { name: `Disable ${SCHEDULE}` }).click();
    await page.getByText(`Schedule “${SCHEDULE}” was disabled.`).waitFor();
    await row.getByText('Disabled', { exact: true }).first().waitFor();
    await row.getByRole('button', { name: `Enable ${SCHEDULE}` }).waitFor();
  });

  it('shows the project’s audit log and exports it as CSV', async () => {
    await sideNav(page).getByRole('link', { name: 'Audit', exact: true }).click();
    const audit = new AuditPage(page);
    await audit.heading().waitFor();
    expect(page.url()).toBe(`${baseUrl}/projects/${projectId}/audit`);
    for (const action of ['Schedule Created', 'Schedule Updated', 'Job Created']) await audit.rows(action).first().waitFor({ timeout: 15_000 });
    expect(await seriousViolations(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), audit.exportCsvButton.click()]);
    const file = await download.path();
    const csv = readFileSync(file, 'utf8');
    expect(csv.startsWith('time,eventId,projectId,action,outcome,')).toBe(true);
    expect(csv).toContain('Schedule Created');
    expect(download.suggestedFilename()).toBe(`audit-${projectId}.csv`);
    expect(consoleErrors).toEqual([]);
  });
});
