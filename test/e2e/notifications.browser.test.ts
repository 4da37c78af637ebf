import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, seriousViolations, signedInPage } from '../support/browser';
import { creator, signIn as apiSignIn } from '../support/http';
import { startLocalStack } from '../support/local-stack';
import { NotificationsPage } from './pages/NotificationsPage';

/**
 * Notifications in the console, in headless Chromium against a started local stack (no SMTP relay,
 * so mail lands in the outbox): create an email channel, send it a test (the result shows in the
 * row and the .eml file is written), create a rule with event checkboxes and a template whose
 * preview renders a sample run, and open the delivery log. The page passes axe.
 */
jest.setTimeout(120_000);

const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'C0nsole!Notify-Passw0rd' };

describe('notifications (browser)', () => {
  let stack: Awaited<ReturnType<typeof startLocalStack>> | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let baseUrl = '';
  let projectId = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    stack = await startLocalStack({ env: { OPSC_ADMIN_EMAIL: ADMIN.email, OPSC_ADMIN_PASSWORD: ADMIN.password } });
    baseUrl = stack.baseUrl;
    const post = creator(baseUrl, await apiSignIn(baseUrl, ADMIN.username, ADMIN.password));
    projectId = await post('/v1/projects', { name: 'Notify' });
    await post(`/v1/projects/${projectId}/jobs`, { name: 'Deploy', steps: [{ kind: 'command', content: 'true' }] });
    browser = await launchChromium();
    page = await signedInPage(browser, baseUrl, ADMIN, consoleErrors, { width: 1440, height: 960 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('creates and tests a channel, creates a rule with a previewed template, shows the delivery log', async () => {
    const notifications = new NotificationsPage(page);
    await notifications.open(baseUrl, projectId);
    await notifications.heading().waitFor();
    expect(await page.getByRole('navigation', { name: 'Side navigation' }).getByRole('link', { name: 'Notifications', exact: true }).getAttribute('href')).toBe(
      `/projects/${projectId}/notifications`,
    );
    await notifications.createEmailChannel('On call', 'oncall@example.com');
    const row = notifications.channelRow('On call');
    await row.getByText('oncall@example.com').waitFor();
    await notifications.testChannel('On call');
    await row.getByText(/^Sent \(outbox\/.+\.eml\)$/).waitFor();
    expect(readdirSync(path.join(String(stack?.dataDir), 'outbox')).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
    expect(await seriousViolations(page)).toEqual([]);

    await notifications.tab('Rules');
    await notifications.fillRule({ name: 'Failures', events: ['Failed (or timed out)', 'Cancelled'], channel: 'On call', subject: '{{ job.name }} {{ run.status }} ({{ counts.failed }} failed)' });
    const preview = await notifications.preview();
    await preview.getByText('nightly-backup failed (1 failed)').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await notifications.saveRule();
    const rule = notifications.ruleRow('Failures');
    await rule.getByText('Failed (or timed out), Cancelled').waitFor();
    await rule.getByText('On call').waitFor();

    await notifications.tab('Delivery log');
    await page.getByText('Nothing sent yet').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
