import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium, newBrowserContext, seriousViolations, pageText } from '../support/browser';
import { startLocalStack } from '../support/local-stack';
import { ApiKeysPage } from './pages/ApiKeysPage';
import { CredentialsPage } from './pages/CredentialsPage';
import { MembersPage } from './pages/MembersPage';
import { ProfilePage } from './pages/ProfilePage';
import { ProjectPage } from './pages/ProjectPage';
import { ProjectsPage } from './pages/ProjectsPage';
import { SettingsPage } from './pages/SettingsPage';
import { SignInPage } from './pages/SignInPage';
import { TargetsPage } from './pages/TargetsPage';
import { UsersPage } from './pages/UsersPage';

/**
 * Access control in the console, in headless Chromium against a started local stack: the admin
 * creates a project and an API key (its secret shown once, working, then revoked), invites a
 * user (temporary password shown once) and makes them a viewer; the viewer signs in, sees the
 * project without management actions, changes their password and turns on TOTP; with MFA
 * required, a new user sets up TOTP while signing in. Every new page is checked with axe.
 */
jest.setTimeout(180_000);

const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'C0nsole!Access-Passw0rd' };
const VIEWER = { username: 'vera', email: 'vera@example.com', password: 'V1ewer!Chosen-Passw0rd', changed: 'V1ewer!Second-Passw0rd' };
const LATE = { username: 'otto', email: 'otto@example.com', password: 'Ott0!Chosen-Passw0rd' };
const PROJECT = 'Payments';
const artifacts = path.resolve(__dirname, '../artifacts');

type Stack = Awaited<ReturnType<typeof startLocalStack>>;

/** TOTP as the authenticator app computes it from the key shown on the page (SHA-1, 6 digits, 30 s). */
const totpOf = (key: string) => new TOTP({ secret: Secret.fromBase32(key), algorithm: 'SHA1', digits: 6, period: 30 });
/**
 * A code for the next time step. The identity provider accepts one step of drift and refuses a
 * step at or before the last one used, so this is valid right after enrolment used the current one.
 */
const nextStepCode = (key: string) => totpOf(key).generate({ timestamp: Date.now() + 30_000 });

const sideNav = (page: Page) => page.getByRole('navigation', { name: 'Side navigation' });
const flash = (page: Page, text: string | RegExp) => page.getByRole('region', { name: 'Notifications' }).getByText(text);

describe('access control (browser)', () => {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  let baseUrl = '';
  let admin: Page;
  let adminContext: BrowserContext;
  let projectId = '';
  let viewerTemporaryPassword = '';
  let viewer: Page | undefined;
  const consoleErrors: string[] = [];
  const idpAuthHeaders: string[] = [];

  const watch = (page: Page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') consoleErrors.push(msg.text());
    });
    page.on('pageerror', (err) => consoleErrors.push(err.message));
    page.on('request', (req) => {
      const auth = req.headers().authorization;
      if (req.url().includes('/local-idp') && auth !== undefined) idpAuthHeaders.push(auth);
    });
  };

  const newPage = async (): Promise<Page> => {
    const context = await newBrowserContext(browser as Browser);
    const page = await context.newPage();
    watch(page);
    return page;
  };

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    stack = await startLocalStack({ env: { OPSC_ADMIN_EMAIL: ADMIN.email, OPSC_ADMIN_PASSWORD: ADMIN.password } });
    baseUrl = stack.baseUrl;
    browser = await launchChromium();
    adminContext = await newBrowserContext(browser);
    await adminContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    admin = await adminContext.newPage();
    watch(admin);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('the admin creates a project and an API key whose secret is shown once, works, and stops working when revoked', async () => {
    const signIn = new SignInPage(admin);
    await signIn.open(baseUrl);
    await signIn.signIn(ADMIN.username, ADMIN.password);
    const projects = new ProjectsPage(admin);
    await projects.waitUntilLoaded();
    await projects.createProject(PROJECT, 'Card processing hosts');
    await projects.flash(`Project “${PROJECT}” was created.`).waitFor();

    // The project's name links to its page: Overview, Targets, Credentials, Members and (for admins) API keys.
    await projects.row(PROJECT).getByRole('link', { name: PROJECT }).click();
    const project = new ProjectPage(admin);
    await project.heading(PROJECT).waitFor();
    await project.details.waitFor();
    projectId = project.projectIdFromUrl();
    expect(projectId).toMatch(/^prj_/);
    expect(await project.tabs.getByRole('tab').allTextContents()).toEqual(['Overview', 'Targets', 'Credentials', 'Members', 'API keys']);
    await admin.getByText('Admin (as a global administrator)').waitFor();
    expect(await seriousViolations(admin)).toEqual([]);
    // The side navigation now offers the current project.
    await sideNav(admin).getByRole('link', { name: 'API keys' }).waitFor();

    // The creator is the project's first admin.
    await project.tab('Members').click();
    expect(admin.url()).toBe(`${baseUrl}/projects/${projectId}/members`);
    const members = new MembersPage(admin);
    await members.waitUntilLoaded();
    await members.row(ADMIN.username).getByText('Admin', { exact: true }).waitFor();
    await admin.getByRole('rowheader', { name: `${ADMIN.username} (you)` }).waitFor();
    expect(await seriousViolations(admin)).toEqual([]);

    await project.tab('API keys').click();
    expect(admin.url()).toBe(`${baseUrl}/projects/${projectId}/api-keys`);
    const keys = new ApiKeysPage(admin);
    await keys.waitUntilLoaded();
    await admin.getByText('No API keys', { exact: true }).waitFor();
    expect(await seriousViolations(admin)).toEqual([]);

    // Client-side checks stop a bad expiry before any request.
    await keys.createButton.click();
    const form = keys.dialog('Create API key');
    await form.getByLabel('Name').fill('ci-deploy');
    await form.getByLabel('Expires after (days)').fill('400');
    await form.getByRole('button', { name: 'Create', exact: true }).click();
    await form.getByText('Enter a whole number of days from 1 to 365.').waitFor();
    expect(await seriousViolations(admin)).toEqual([]);
    await form.getByRole('button', { name: 'Cancel' }).click();
    await form.waitFor({ state: 'hidden' });

    await keys.createKey('ci-deploy', 'Operator', 30);
    await keys.createdDialog.waitFor();
    const secret = await keys.secret();
    expect(secret).toMatch(/^opsc_key_[0-9A-Z]{26}_[A-Za-z0-9_-]{43}$/);
    await keys.createdDialog.getByText('Copy the key now: it cannot be shown again').waitFor();
    await keys.copyButton.click();
    await keys.createdDialog.getByText('API key copied').waitFor();
    expect(await admin.evaluate<string>('navigator.clipboard.readText()')).toBe(secret);
    expect(await seriousViolations(admin)).toEqual([]);

    // The secret is a working credential for the project, with the role it was given.
    const me = await fetch(`${baseUrl}/v1/me`, { headers: { 'X-Api-Key': secret } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ type: 'apiKey', name: 'ci-deploy', projects: [{ projectId, role: 'operator' }] });

    // Once the panel is closed the secret is nowhere on the page (the key id stays: it is not secret).
    await keys.createdDialog.getByRole('button', { name: 'Done' }).click();
    await keys.createdDialog.waitFor({ state: 'hidden' });
    const secretPart = secret.slice(secret.lastIndexOf('_') + 1);
    const afterClose = await pageText(admin);
    expect(afterClose).not.toContain(secret);
    expect(afterClose).not.toContain(secretPart);

    const row = keys.row('ci-deploy');
    await row.waitFor();
    await row.getByText('Operator', { exact: true }).waitFor();
    // The call above was recorded as the key's last use.
    await admin.getByRole('button', { name: 'Refresh API keys' }).click();
    await keys.waitUntilLoaded();
    expect(await keys.row('ci-deploy').getByText('Never', { exact: true }).count()).toBe(0);
    expect(await seriousViolations(admin)).toEqual([]);
    await admin.screenshot({ path: path.join(artifacts, 'console-api-keys.png'), fullPage: true });

    await keys.select('ci-deploy');
    await keys.revokeButton.click();
    const confirm = keys.dialog('Revoke API key');
    await confirm.getByText(/Integrations using it are refused/).waitFor();
    expect(await seriousViolations(admin)).toEqual([]);
    await confirm.getByRole('button', { name: 'Revoke', exact: true }).click();
    await keys.flash(/API key “ci-deploy” was revoked/).waitFor();
    await keys.row('ci-deploy').waitFor({ state: 'detached' });

    const revoked = await fetch(`${baseUrl}/v1/me`, { headers: { 'X-Api-Key': secret } });
    expect(revoked.status).toBe(401);
  });

  it('the admin invites a user, sees the temporary password once, and adds them to the project as a viewer', async () => {
    await sideNav(admin).getByRole('link', { name: 'Users' }).click();
    const users = new UsersPage(admin);
    await users.waitUntilLoaded();
    expect(admin.url()).toBe(`${baseUrl}/users`);
    await users.row(ADMIN.username).waitFor();
    expect(await seriousViolations(admin)).toEqual([]);

    await users.invite(VIEWER.username, VIEWER.email);
    await users.invitedDialog.waitFor();
    viewerTemporaryPassword = await users.temporaryPassword();
    expect(viewerTemporaryPassword.length).toBeGreaterThanOrEqual(12);
    await users.invitedDialog.getByText('Hand this password over now: it cannot be shown again').waitFor();
    await users.invitedDialog.getByRole('button', { name: 'Copy temporary password' }).waitFor();
    expect(await seriousViolations(admin)).toEqual([]);
    await users.invitedDialog.getByRole('button', { name: 'Done' }).click();
    await users.invitedDialog.waitFor({ state: 'hidden' });
    expect(await pageText(admin)).not.toContain(viewerTemporaryPassword);
    await users.row(VIEWER.username).getByText('Invited (must choose a password)').waitFor();

    // The admin's own account cannot be disabled or deleted from here.
    await users.select(ADMIN.username);
    await users.actions.click();
    expect(await admin.getByRole('menuitem', { name: /Delete/ }).getAttribute('aria-disabled')).toBe('true');
    await admin.keyboard.press('Escape');

    const project = new ProjectPage(admin);
    await project.open(baseUrl, projectId, 'members');
    const members = new MembersPage(admin);
    await members.waitUntilLoaded();

    // The API's refusals show in the dialogs: an unknown user (404) ...
    const unknown = await members.addMember('nobody', 'Viewer');
    await unknown.getByText('There is no user named nobody.').waitFor();
    await unknown.getByRole('button', { name: 'Cancel' }).click();
    await unknown.waitFor({ state: 'hidden' });

    // ... and removing the project's last admin (409).
    await members.select(ADMIN.username);
    await members.removeButton.click();
    const remove = members.dialog('Remove member');
    await remove.getByRole('button', { name: 'Remove', exact: true }).click();
    await remove.getByText('A project must keep at least one admin; make someone else admin first.').waitFor();
    expect(await seriousViolations(admin)).toEqual([]);
    await remove.getByRole('button', { name: 'Cancel' }).click();
    await remove.waitFor({ state: 'hidden' });

    const added = await members.addMember(VIEWER.username, 'Viewer');
    await added.waitFor({ state: 'hidden' });
    await flash(admin, `${VIEWER.username} was added as Viewer.`).waitFor();
    await members.row(VIEWER.username).getByText('Viewer', { exact: true }).waitFor();
  });

  it('the viewer signs in with the temporary password and sees the project without management actions', async () => {
    viewer = await newPage();
    const signIn = new SignInPage(viewer);
    await signIn.open(baseUrl);
    await signIn.signIn(VIEWER.username, viewerTemporaryPassword);
    await viewer.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await signIn.chooseNewPassword(VIEWER.password);

    const projects = new ProjectsPage(viewer);
    await projects.waitUntilLoaded();
    await projects.row(PROJECT).getByText('Viewer', { exact: true }).waitFor();
    // Only global admins create, edit or delete projects; nothing to select rows for.
    expect(await projects.createButton.count()).toBe(0);
    expect(await projects.editButton.count()).toBe(0);
    expect(await projects.deleteButton.count()).toBe(0);
    expect(await viewer.getByRole('radio').count()).toBe(0);
    // No administration in the navigation.
    expect(await sideNav(viewer).getByRole('link', { name: 'Users' }).count()).toBe(0);

    await projects.row(PROJECT).getByRole('link', { name: PROJECT }).click();
    const project = new ProjectPage(viewer);
    await project.heading(PROJECT).waitFor();
    await project.details.waitFor();
    await viewer.getByText('Viewer', { exact: true }).waitFor();
    expect(await project.tabs.getByRole('tab').allTextContents()).toEqual(['Overview', 'Targets', 'Credentials', 'Members']);
    expect(await project.editButton.count()).toBe(0);
    expect(await project.deleteButton.count()).toBe(0);

    await project.tab('Members').click();
    const members = new MembersPage(viewer);
    await members.waitUntilLoaded();
    await members.row(ADMIN.username).waitFor();
    await viewer.getByRole('rowheader', { name: `${VIEWER.username} (you)` }).waitFor();
    expect(await members.addButton.count()).toBe(0);
    expect(await members.changeRoleButton.count()).toBe(0);
    expect(await members.removeButton.count()).toBe(0);
    expect(await viewer.getByRole('radio').count()).toBe(0);
    await viewer.getByText('Only project admins change members.', { exact: false }).waitFor();
    expect(await seriousViolations(viewer)).toEqual([]);

    // Viewers see the inventory, without anything to create, change or test.
    await project.tab('Targets').click();
    const targets = new TargetsPage(viewer);
    await targets.waitUntilLoaded();
    await viewer.getByText('Nobody has added targets to this project yet.').waitFor();
    expect(await targets.createButton.count()).toBe(0);
    expect(await targets.importButton.count()).toBe(0);
    expect(await targets.discoverButton.count()).toBe(0);
    expect(await targets.testAllButton.count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Actions' }).count()).toBe(0);
    await project.tab('Credentials').click();
    const credentials = new CredentialsPage(viewer);
    await credentials.waitUntilLoaded();
    await viewer.getByText('Nobody has added credentials to this project yet. Project admins add them.').waitFor();
    expect(await credentials.createButton.count()).toBe(0);
    expect(await credentials.rotateButton.count()).toBe(0);
    expect(await viewer.getByRole('radio').count()).toBe(0);

    // Typing the address of the API keys page shows no keys and no actions.
    await project.open(baseUrl, projectId, 'api-keys');
    await viewer.getByText('Only admins of this project can see and manage its API keys.').waitFor();
    const keys = new ApiKeysPage(viewer);
    expect(await keys.createButton.count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Create API key' }).count()).toBe(0);
    expect(await keys.revokeButton.count()).toBe(0);

    // Nor can they manage users.
    await viewer.goto(`${baseUrl}/users`);
    await viewer.getByText('Only global administrators can see and manage users.', { exact: false }).waitFor();
    expect(await new UsersPage(viewer).inviteButton.count()).toBe(0);
  });

  it('the viewer changes their password on the profile page and stays signed in', async () => {
    const page = viewer as Page;
    const profile = new ProfilePage(page);
    await profile.openFromMenu(VIEWER.username);
    expect(page.url()).toBe(`${baseUrl}/profile`);
    await profile.mfaState('Off').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await profile.submitPasswordChange('not-my-password', VIEWER.changed);
    await page.getByText('The current password is not correct.', { exact: true }).waitFor();

    await profile.submitPasswordChange(VIEWER.password, VIEWER.changed);
    await profile.flash('Your password was changed. Your other sessions were signed out.').waitFor();
    // Signed in again with the new password: the API still answers.
    await sideNav(page).getByRole('link', { name: 'Projects', exact: true }).click();
    const projects = new ProjectsPage(page);
    await projects.waitUntilLoaded();
    await projects.row(PROJECT).waitFor();
  });

  it('the viewer turns on TOTP on the profile page, then signs in with a code', async () => {
    const page = viewer as Page;
    const profile = new ProfilePage(page);
    await profile.openFromMenu(VIEWER.username);
    await profile.setUpTotp.click();
    await profile.qrCode.waitFor();
    expect(await profile.qrCode.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    const key = await profile.secret();
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    expect(await seriousViolations(page)).toEqual([]);

    await profile.totpCode.fill('000000');
    await profile.verifyTotp.click();
    await page
      .getByText('That code was not accepted. Enter the code the app shows now (check that the time on your device is right).', { exact: true })
      .waitFor();

    await profile.totpCode.fill(totpOf(key).generate());
    await profile.verifyTotp.click();
    await profile.flash(/Multi-factor authentication is on/).waitFor();
    await profile.mfaState('On (asked for at sign-in)').waitFor();
    // The key is gone from the page once the app is set up.
    const shown = await pageText(page);
    expect(shown).not.toContain(key);
    expect(shown).not.toContain(key.replace(/(.{4})(?=.)/g, '$1 '));
    // MFA is optional here, so it may be turned off again.
    expect(await profile.turnOffTotp.isEnabled()).toBe(true);

    await new ProjectsPage(page).signOut(VIEWER.username);
    const signIn = new SignInPage(page);
    await signIn.username.waitFor();
    await signIn.signIn(VIEWER.username, VIEWER.changed);
    await page.getByRole('heading', { name: 'Enter authentication code' }).waitFor();
    await signIn.answerTotp(nextStepCode(key));
    await new ProjectsPage(page).waitUntilLoaded();
    await new ProjectsPage(page).row(PROJECT).waitFor();
  });

  it('with MFA required, a new user sets up an authenticator app while signing in', async () => {
    await sideNav(admin).getByRole('link', { name: 'Settings' }).click();
    const settings = new SettingsPage(admin);
    await settings.heading.waitFor();
    expect(await settings.mode('Optional').isChecked()).toBe(true);
    expect(await seriousViolations(admin)).toEqual([]);
    await settings.mode('Required').check();
    await admin.getByText(/you included, will have to set one up/).waitFor();
    await settings.save.click();
    await flash(admin, 'Multi-factor authentication is now required.').waitFor();

    await sideNav(admin).getByRole('link', { name: 'Users' }).click();
    const users = new UsersPage(admin);
    await users.waitUntilLoaded();
    await users.invite(LATE.username, LATE.email);
    await users.invitedDialog.waitFor();
    const temporary = await users.temporaryPassword();
    await users.invitedDialog.getByRole('button', { name: 'Done' }).click();

    const page = await newPage();
    const signIn = new SignInPage(page);
    await signIn.open(baseUrl);
    await signIn.signIn(LATE.username, temporary);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await signIn.chooseNewPassword(LATE.password);
    await signIn.mfaSetupHeading.waitFor();
    await signIn.setupQrCode.waitFor();
    const key = await signIn.setupKey();
    expect(key).toMatch(/^[A-Z2-7]{32}$/);
    expect(await seriousViolations(page)).toEqual([]);
    await signIn.finishMfaSetup(totpOf(key).generate());
    const projects = new ProjectsPage(page);
    await projects.waitUntilLoaded();
    await page.getByText('You are not a member of any project yet.', { exact: false }).waitFor();

    // The viewer, whose app is set up, may no longer turn it off.
    const viewerPage = viewer as Page;
    const profile = new ProfilePage(viewerPage);
    await profile.openFromMenu(VIEWER.username);
    await profile.mfaState('On (asked for at sign-in)').waitFor();
    await viewerPage.getByText('Your administrators require multi-factor authentication, so it cannot be turned off.').waitFor();
    expect(await profile.turnOffTotp.isDisabled()).toBe(true);

    // The users list shows who has MFA.
    await admin.getByRole('button', { name: 'Refresh users' }).click();
    await users.waitUntilLoaded();
    await users.row(LATE.username).getByText('Authenticator app').waitFor();
    await users.row(VIEWER.username).getByText('Authenticator app').waitFor();

    await sideNav(admin).getByRole('link', { name: 'Settings' }).click();
    await settings.setMfa('Optional');
    await flash(admin, 'Multi-factor authentication is now optional.').waitFor();

    // Only the deliberate refusals failed (wrong password and codes, unknown user, last admin),
    // and no request to the identity provider carried AWS credentials.
    const unexpected = consoleErrors.filter((e) => !/status of (400|404|409)/.test(e));
    expect(unexpected).toEqual([]);
    expect(idpAuthHeaders).toEqual([]);
  });
});
