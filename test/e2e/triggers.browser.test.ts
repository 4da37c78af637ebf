import type { Page } from 'playwright-core';
import { seriousViolations } from '../support/browser';
import { consoleWithJob, type ConsoleWithJob } from '../support/console-with-job';
import { TriggersPage } from './pages/TriggersPage';

/**
 * Triggers in the console, in headless Chromium against a started local stack (a target, its
 * credential and a job with a `version` parameter seeded over the API; nothing fires, so no sshd).
 * As an admin: the pattern editor refuses an invalid pattern as it is typed, the test against a
 * sample event shows matched / not matched and the mapped parameter, a catalog event can be the
 * sample; saving a webhook trigger shows its secret once; the list shows it. The page and the
 * dialog pass axe.
 */
jest.setTimeout(90_000);

const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'C0nsole!Triggers-Passw0rd' };
const JOB = 'Deploy';
const TRIGGER = 'Deploy on CI';

const sideNav = (page: Page) => page.getByRole('navigation', { name: 'Side navigation' });

describe('triggers (browser)', () => {
  let seeded: ConsoleWithJob | undefined;
  let page: Page;
  let baseUrl = '';
  let projectId = '';
  let consoleErrors: string[] = [];

  beforeAll(async () => {
    seeded = await consoleWithJob({
      admin: ADMIN,
      project: { name: 'Triggers', description: 'Triggers for the browser test' },
      job: { name: JOB, parameters: [{ name: 'version', type: 'string', required: true }], steps: [{ kind: 'command', content: 'echo deploying' }] },
    });
    ({ page, baseUrl, projectId, consoleErrors } = seeded);
  }, 120_000);

  afterAll(async () => {
    await seeded?.stop();
  });

  it('validates the pattern as it is typed, tests it against sample events, and shows the webhook secret once', async () => {
    const triggers = new TriggersPage(page);
    await triggers.open(baseUrl, projectId);
    await triggers.heading().waitFor();
    await page.getByText('No triggers', { exact: true }).waitFor();
    expect(await sideNav(page).getByRole('link', { name: 'Triggers', exact: true }).getAttribute('href')).toBe(`/projects/${projectId}/triggers`);
    expect(await seriousViolations(page)).toEqual([]);

    await triggers.createButton.click();
    await triggers.dialog.waitFor();
    await triggers.fillName(TRIGGER);
    await triggers.chooseJob(JOB);
    await triggers.dialog.getByTestId('trigger-webhook').getByRole('checkbox').check();

    // EventBridge's own rule, from the API as it is typed: a value must be in an array.
    await triggers.pattern().fill('{"source": "com.example.ci"}');
    await triggers.dialog.getByText(/"source" must be an object or an array/).first().waitFor();
    await triggers.testResult().getByText('Fix the pattern to test it').waitFor();

    await triggers.pattern().fill('{"source": ["com.example.ci"], "detail-type": ["Deploy Requested"]}');
    await triggers.mapping('version').fill('$.detail.version');
    // The default sample is an outside system's Deploy Requested with version 1.2.3.
    await triggers.testResult().getByText('Matched: this event would start the job').waitFor();
    await triggers.testResult().getByRole('listitem').filter({ hasText: 'version' }).getByText('1.2.3').waitFor();

    await triggers.dialog.getByRole('textbox', { name: 'Sample event' }).fill(
      JSON.stringify({ source: 'com.example.ci', 'detail-type': 'Deploy Requested', detail: { version: '2.0.0' } }),
    );
    await triggers.testResult().getByText('2.0.0').waitFor();

    // A product event from the catalog does not match this pattern.
    await triggers.chooseSample('Job Created');
    await triggers.testResult().getByText('Not matched: this event would start nothing').waitFor();
    expect(await triggers.dialog.getByRole('textbox', { name: 'Sample event' }).inputValue()).toContain('"detail-type": "Job Created"');
    expect(await seriousViolations(page)).toEqual([]);

    await triggers.save();
    const secretDialog = page.getByRole('dialog', { name: 'Webhook secret' });
    await secretDialog.waitFor();
    const secret = (await secretDialog.getByTestId('one-time-secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    await secretDialog.getByRole('button', { name: 'Copy secret' }).waitFor();
    await secretDialog.getByText(/\/v1\/hooks\/trg_/).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    await secretDialog.waitFor({ state: 'detached' });

    const row = triggers.row(TRIGGER);
    await row.getByText('Enabled', { exact: true }).waitFor();
    await row.getByText(/\/v1\/hooks\/trg_/).waitFor();
    await row.getByText('version', { exact: true }).waitFor();
    // Once closed, the secret is nowhere on the page.
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('button', { name: `Disable ${TRIGGER}` }).click();
    await page.getByText(`Trigger “${TRIGGER}” was disabled.`).waitFor();
    await row.getByRole('button', { name: `Enable ${TRIGGER}` }).waitFor();
    // The invalid pattern was refused by the API with a 400, which Chromium logs as a failed load; nothing else failed.
    expect(consoleErrors.filter((e) => !e.includes('status of 400 (Bad Request)'))).toEqual([]);
  });
});
