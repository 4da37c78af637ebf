import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, newBrowserContext, seriousViolations } from '../support/browser';
import { signIn as apiSignIn } from '../support/http';
import { startLocalStack } from '../support/local-stack';
import { ProjectsPage } from './pages/ProjectsPage';
import { SignInPage } from './pages/SignInPage';

/**
 * The console in headless Chromium against a started local stack: sign in as the first admin,
 * create a project, see it listed, check the page with axe (WCAG 2 A/AA), and the paths around
 * that (errors, pagination, token refresh, first sign-in with a temporary password).
 */
jest.setTimeout(120_000);

const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'C0nsole!Test-Passw0rd' };
const artifacts = path.resolve(__dirname, '../artifacts');

type Stack = Awaited<ReturnType<typeof startLocalStack>>;

describe('console (browser)', () => {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let baseUrl = '';
  const consoleErrors: string[] = [];
  const idpAuthHeaders: string[] = [];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    stack = await startLocalStack({ env: { OPSC_ADMIN_EMAIL: ADMIN.email, OPSC_ADMIN_PASSWORD: ADMIN.password } });
    baseUrl = stack.baseUrl;
    browser = await launchChromium();
    const context = await newBrowserContext(browser);
    page = await context.newPage();
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    page.on('request', (req) => {
      const auth = req.headers().authorization;
      if (req.url().includes('/local-idp') && auth !== undefined) idpAuthHeaders.push(auth);
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows Cognito’s message for a wrong password, and the sign-in page passes axe', async () => {
    const signIn = new SignInPage(page);
    await signIn.open(baseUrl);
    expect(await seriousViolations(page)).toEqual([]);

    await signIn.signIn(ADMIN.username, 'Wrong-passw0rd!');
    await signIn.error('Incorrect username or password.').waitFor();
    // The identity provider answered 400 (NotAuthorizedException), which the browser logs.
    consoleErrors.length = 0;
  });

  it('signs in, creates a project, lists it, and passes axe', async () => {
    const signIn = new SignInPage(page);
    await signIn.open(baseUrl);
    await signIn.signIn(ADMIN.email, ADMIN.password);

    const projects = new ProjectsPage(page);
    await projects.waitUntilLoaded();
    expect(page.url()).toBe(`${baseUrl}/projects`);
    await projects.userMenu(ADMIN.username).waitFor();
    await page.getByText('No projects', { exact: true }).waitFor();

    // Client-side validation stops a name with a trailing space before any request.
    await projects.createButton.click();
    const dialog = projects.dialog('Create project');
    await dialog.getByLabel('Name', { exact: true }).fill('Padded ');
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
    await dialog.getByText('The name must not start or end with a space.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const name = 'Web fleet';
    await projects.createProject(name, 'Nginx hosts behind the public load balancer');
    await projects.flash(`Project “${name}” was created.`).waitFor();
    const row = projects.row(name);
    await row.waitFor();
    expect(await row.getByText('Nginx hosts behind the public load balancer').count()).toBe(1);
    expect(await row.getByText(ADMIN.username, { exact: true }).count()).toBe(1);

    // A taken name is answered by the API (409 CONFLICT) and shown on the Name field.
    await projects.createProject(name);
    await projects.dialog('Create project').getByText(`A project named '${name}' already exists.`, { exact: true }).waitFor();
    await projects.dialog('Create project').getByRole('button', { name: 'Cancel' }).click();

    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(artifacts, 'console-projects.png'), fullPage: true });

    // The session survives a reload (refresh token in sessionStorage, new access token).
    await page.reload();
    await projects.waitUntilLoaded();
    await projects.row(name).waitFor();

    // Nothing failed along the way except the deliberate 409, and no request to the identity
    // provider carried AWS credentials (its operations are unauthenticated).
    expect(consoleErrors.filter((e) => !e.includes('status of 409'))).toEqual([]);
    expect(idpAuthHeaders).toEqual([]);
  });

  it('renews the access token once when the API answers 401', async () => {
    const projects = new ProjectsPage(page);
    let rejected = 0;
    await page.route('**/v1/projects?*', async (route) => {
      if (rejected === 0) {
        rejected += 1;
        await route.fulfill({
          status: 401,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: 'UNAUTHORIZED', message: 'The token has expired.' } }),
        });
      } else {
        await route.continue();
      }
    });
    const renewal = page.waitForRequest((req) => req.url().includes('/local-idp') && (req.postData() ?? '').includes('REFRESH_TOKEN_AUTH'));
    await page.getByRole('button', { name: 'Refresh projects' }).click();
    await renewal;
    await projects.waitUntilLoaded();
    await projects.row('Web fleet').waitFor();
    expect(rejected).toBe(1);
    await page.unroute('**/v1/projects?*');
    consoleErrors.length = 0; // the simulated 401
  });

  it('pages through more projects than fit on one page', async () => {
    const token = await apiSignIn(baseUrl, ADMIN.username, ADMIN.password);
    for (let i = 1; i <= 20; i++) {
      const res = await fetch(`${baseUrl}/v1/projects`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: `Batch ${String(i).padStart(2, '0')}` }),
      });
      expect(res.status).toBe(201);
    }
    const projects = new ProjectsPage(page);
    await page.getByRole('button', { name: 'Refresh projects' }).click();
    await projects.waitUntilLoaded();
    // Newest first: 20 on the first page, and the list says there is more.
    await projects.row('Batch 20').waitFor();
    await projects.heading.filter({ hasText: '(20+)' }).waitFor();
    await page.getByRole('button', { name: 'Next page' }).click();
    await projects.row('Web fleet').waitFor();
    await projects.heading.filter({ hasText: '(21)' }).waitFor();
    expect(await projects.row('Batch 20').count()).toBe(0);
    await page.getByRole('button', { name: 'Page 1', exact: true }).click();
    await projects.row('Batch 20').waitFor();
    await page.getByRole('button', { name: 'Next page' }).click();
    await projects.row('Web fleet').waitFor();
  });

  it('edits and deletes a project, shows unbuilt sections as such, and signs out', async () => {
    const projects = new ProjectsPage(page);
    await projects.select('Web fleet');
    await projects.editButton.click();
    const dialog = projects.dialog('Edit project');

    // Someone else changes the project while the dialog is open: saving says so and offers a reload.
    const token = await apiSignIn(baseUrl, ADMIN.username, ADMIN.password);
    const list = (await (await fetch(`${baseUrl}/v1/projects?limit=100`, { headers: { Authorization: `Bearer ${token}` } })).json()) as {
      items: { id: string; name: string; version: number }[];
    };
    const target = list.items.find((p) => p.name === 'Web fleet');
    const patched = await fetch(`${baseUrl}/v1/projects/${target?.id ?? ''}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ description: 'Changed by a colleague', version: target?.version }),
    });
    expect(patched.status).toBe(200);
    await dialog.getByLabel('Name', { exact: true }).fill('Web fleet (EU)');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await dialog.getByText('Someone else changed this project').waitFor();
    await dialog.getByRole('button', { name: 'Reload project' }).click();
    await dialog.getByText('Reloaded the current version of this project.').waitFor();
    expect(await dialog.getByLabel(/^Description/).inputValue()).toBe('Changed by a colleague');
    expect(await dialog.getByLabel('Name', { exact: true }).inputValue()).toBe('Web fleet');

    await dialog.getByLabel('Name', { exact: true }).fill('Web fleet (EU)');
    await dialog.getByRole('button', { name: 'Save changes' }).click();
    await projects.flash('Project “Web fleet (EU)” was saved.').waitFor();
    await projects.row('Web fleet (EU)').waitFor();

    await projects.select('Web fleet (EU)');
    await projects.deleteButton.click();
    const confirm = projects.dialog('Delete project');
    expect(await seriousViolations(page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Delete', exact: true }).click();
    await projects.flash('Project “Web fleet (EU)” was deleted.').waitFor();
    await projects.row('Web fleet (EU)').waitFor({ state: 'detached' });

    await page.getByRole('navigation', { name: 'Side navigation' }).getByRole('link', { name: 'Runs' }).click();
    await page.getByText('Runs is not built yet.').waitFor();
    expect(page.url()).toBe(`${baseUrl}/runs`);

    await projects.signOut(ADMIN.username);
    await new SignInPage(page).username.waitFor();
    // (A string, not a function: the tests are type-checked without the DOM library.)
    const stored = await page.evaluate<string[]>('Object.keys(window.sessionStorage)');
    expect(stored.filter((k) => k.includes('refreshToken'))).toEqual([]);
    // Only the deliberate 409 (the version conflict) failed.
    expect(consoleErrors.filter((e) => !e.includes('status of 409'))).toEqual([]);
  });
});

describe('console (browser): first sign-in with a temporary password', () => {
  let stack: Stack | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    // Without OPSC_ADMIN_PASSWORD the first start prints a generated one-time password.
    stack = await startLocalStack({ env: { OPSC_ADMIN_EMAIL: ADMIN.email } });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('asks for a new password, explains refusals, then signs in', async () => {
    const temporary = /temporary password\s*\n\s*(\S+)/.exec(stack?.output() ?? '')?.[1];
    expect(temporary).toBeDefined();
    const page = await (await newBrowserContext(browser as Browser)).newPage();
    const signIn = new SignInPage(page);
    await signIn.open(stack?.baseUrl ?? '');
    await signIn.signIn(ADMIN.username, temporary ?? '');

    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await signIn.chooseNewPassword('N3w!Password-for-admin', 'something else');
    await page.getByText('The passwords do not match.', { exact: true }).waitFor();

    // The hints do not block; the identity provider's policy message is shown as it is.
    await signIn.chooseNewPassword('alllowercase');
    await page.getByText(/^Password does not conform to policy/).first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await signIn.chooseNewPassword('N3w!Password-for-admin');
    await new ProjectsPage(page).waitUntilLoaded();
  });
});
