import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium, seriousViolations, pageText, signedInPage } from '../support/browser';
import { signIn as apiSignIn } from '../support/http';
import { startLocalStack } from '../support/local-stack';
import { startTestSshd, type TestSshd } from '../support/sshd';
import { CredentialsPage } from './pages/CredentialsPage';
import { ImportWizard } from './pages/ImportWizard';
import { ProjectPage } from './pages/ProjectPage';
import { TargetDetailPage } from './pages/TargetDetailPage';
import { TargetsPage } from './pages/TargetsPage';

/**
 * The inventory in the console, in headless Chromium against a started local stack and a real
 * OpenSSH sshd on loopback. As an admin: create an SSH key credential by pasting the key (it is
 * nowhere on the page afterwards), import an Ansible INI inventory (dry run, then for real),
 * create a target for the sshd tagged env=prod, filter the list by env=prod with the property
 * filter, test the connection (trust on first use: the host key is the sshd's), pin a wrong key,
 * see the test fail with HOST_KEY_MISMATCH, accept the presented key in the dialog, and pass again.
 * Every new page is checked with axe.
 */
jest.setTimeout(180_000);

const ADMIN = { username: 'admin', email: 'admin@example.com', password: 'C0nsole!Inventory-Passw0rd' };
const PROJECT = 'Inventory';
const TARGET = 'ssh-local';
const CREDENTIAL = 'deploy key';
const artifacts = path.resolve(__dirname, '../artifacts');

/** Two prod web hosts (env=prod through the prod group), a db host with a password that must not be imported, a staging host. */
const INVENTORY = [
  '[web]',
  'web1.example.internal',
  'web2.example.internal ansible_port=2222',
  '',
  '[db]',
  'db1.example.internal ansible_user=postgres ansible_ssh_pass=Hunter2-NotImported',
  '',
  '[staging]',
  'stage1.example.internal env=staging',
  '',
  '[prod:children]',
  'web',
  '',
  '[prod:vars]',
  'env=prod',
].join('\n');

type Stack = Awaited<ReturnType<typeof startLocalStack>>;

const sideNav = (page: Page) => page.getByRole('navigation', { name: 'Side navigation' });

describe('inventory (browser)', () => {
  let stack: Stack | undefined;
  let sshd: TestSshd | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let baseUrl = '';
  let projectId = '';
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    sshd = await startTestSshd();
    stack = await startLocalStack({ env: { OPSC_ADMIN_EMAIL: ADMIN.email, OPSC_ADMIN_PASSWORD: ADMIN.password } });
    baseUrl = stack.baseUrl;
    const token = await apiSignIn(baseUrl, ADMIN.username, ADMIN.password);
    const created = await fetch(`${baseUrl}/v1/projects`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: PROJECT, description: 'Hosts for the inventory test' }),
    });
    expect(created.status).toBe(201);
    projectId = ((await created.json()) as { id: string }).id;

    browser = await launchChromium();
    page = await signedInPage(browser, baseUrl, ADMIN, consoleErrors, { width: 1440, height: 960 });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await sshd?.stop();
  });

  it('offers Targets and Credentials as project pages, from the tabs, the side navigation and the overview', async () => {
    const project = new ProjectPage(page);
    await project.open(baseUrl, projectId);
    await project.heading(PROJECT).waitFor();
    expect(await project.tabs.getByRole('tab').allTextContents()).toEqual(['Overview', 'Targets', 'Credentials', 'Members', 'API keys']);
    const projectNav = sideNav(page).getByRole('link', { name: 'Targets', exact: true });
    expect(await projectNav.getAttribute('href')).toBe(`/projects/${projectId}/targets`);
    await page.getByRole('heading', { level: 2, name: 'In this project' }).waitFor();

    await page.getByRole('tabpanel', { name: 'Overview' }).getByRole('link', { name: 'Credentials', exact: true }).click();
    expect(page.url()).toBe(`${baseUrl}/projects/${projectId}/credentials`);
    const credentials = new CredentialsPage(page);
    await credentials.waitUntilLoaded();
    await page.getByText('No credentials', { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('creates an SSH key credential from a pasted key that is nowhere on the page afterwards', async () => {
    const key = (sshd as TestSshd).clientKey;
    const credentials = new CredentialsPage(page);

    // A public key is not a private key: the form says so before anything is sent.
    await credentials.fillSshKey(CREDENTIAL, (sshd as TestSshd).username, key.publicKey);
    await credentials.submit();
    await credentials.form.getByText(/^This is not a private key/).waitFor();
    expect(await credentials.form.getByLabel('Password', { exact: true }).count()).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    await credentials.form.getByLabel('Private key', { exact: true }).fill(key.privateKey);
    await credentials.submit();
    await credentials.form.waitFor({ state: 'hidden' });
    await credentials.flash(`Credential “${CREDENTIAL}” was created. Its public key is ${key.fingerprint}.`).waitFor();
    const row = credentials.row(CREDENTIAL);
    await row.getByText(key.fingerprint, { exact: true }).waitFor();
    await row.getByText('SSH key', { exact: true }).waitFor();

    // The key went to the API and from there to the vault: the page keeps no trace of it.
    const body = key.privateKey.split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
    const shown = await pageText(page);
    expect(shown).not.toContain('PRIVATE KEY');
    for (const line of body) expect(shown).not.toContain(line);

    // Rotating shows the same form with the metadata filled in and the secret empty.
    await credentials.select(CREDENTIAL);
    await credentials.rotateButton.click();
    expect(await credentials.form.getByLabel('Name', { exact: true }).inputValue()).toBe(CREDENTIAL);
    expect(await credentials.form.getByLabel('Private key', { exact: true }).inputValue()).toBe('');
    await credentials.form.getByRole('button', { name: 'Cancel' }).click();
    await credentials.form.waitFor({ state: 'hidden' });
  });

  it('imports an Ansible INI inventory: a dry run shows every row, then the import creates them', async () => {
    await new ProjectPage(page).tab('Targets').click();
    const targets = new TargetsPage(page);
    await targets.waitUntilLoaded();
    await page.getByText('No targets', { exact: true }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await targets.importButton.click();
    expect(page.url()).toBe(`${baseUrl}/projects/${projectId}/targets/import`);
    const wizard = new ImportWizard(page);
    await wizard.step('Choose a format').waitFor();
    await wizard.chooseFormat('Ansible INI inventory');
    expect(await seriousViolations(page)).toEqual([]);
    await wizard.next.click();

    await wizard.step('Add the inventory').waitFor();
    await wizard.next.click();
    await page.getByText('Paste the inventory or upload a file.').waitFor();
    await wizard.content.fill(INVENTORY);
    expect(await seriousViolations(page)).toEqual([]);
    await wizard.next.click();

    await wizard.step('Review the dry run').waitFor();
    await wizard.row('web1.example.internal').getByText('Will be created').waitFor();
    for (const name of ['web2.example.internal', 'db1.example.internal', 'stage1.example.internal']) {
      await wizard.row(name).getByText('Will be created').waitFor();
    }
    expect(await wizard.count('created').textContent()).toBe('4');
    expect(await wizard.count('failed').textContent()).toBe('0');
    // The password was read, reported and left out; its value is not repeated.
    await wizard.row('db1.example.internal').getByText(/ansible_ssh_pass/).waitFor();
    expect(await wizard.rows.textContent()).not.toContain('Hunter2-NotImported');
    expect(await seriousViolations(page)).toEqual([]);

    await wizard.submit.click();
    await page.getByRole('heading', { level: 1, name: 'Import finished' }).waitFor();
    expect(await wizard.count('created').textContent()).toBe('4');
    await wizard.row('web2.example.internal').getByText('Created', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Go to targets' }).click();
    await targets.waitUntilLoaded();
    await targets.row('stage1.example.internal').waitFor();
    expect((await targets.names()).sort()).toEqual(['db1.example.internal', 'stage1.example.internal', 'web1.example.internal', 'web2.example.internal']);
  });

  it('creates a target for the sshd: API field errors on their fields, WinRM options, a credential that fits, tags', async () => {
    const ssh = sshd as TestSshd;
    const targets = new TargetsPage(page);
    await targets.createButton.click();
    const form = targets.form('Create target');

    await form.field('Name').fill(TARGET);
    // An address with a port: the API refuses it (details[].path = address) and says why, on the field.
    await form.field('Address').fill('127.0.0.1:22');
    await form.submit();
    await form.error('Must not include a port; set port instead').waitFor();

    // WinRM: its options appear; Basic over HTTP is refused, with the reason; turning off TLS checks warns.
    await form.protocol('WinRM');
    await form.dialog.getByRole('heading', { name: 'WinRM' }).waitFor();
    await form.dialog.getByText('Verify the TLS certificate').click();
    await form.dialog.getByText('Certificates will not be checked').waitFor();
    await form.radio('HTTP');
    await form.radio('Basic');
    // (Shown as a warning, or as the field's error once the form was submitted, as here.)
    await form.dialog.getByText(/^Basic authentication over HTTP would send the password in clear text/).waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await form.protocol('SSH');
    expect(await form.dialog.getByRole('heading', { name: 'WinRM' }).count()).toBe(0);
    await form.field('Address').fill('127.0.0.1');
    await form.field(/^Port/).fill(String(ssh.port));
    await form.chooseCredential(CREDENTIAL);
    await form.addTag('env', 'prod');
    await form.addTag('role', 'web');
    expect(await seriousViolations(page)).toEqual([]);
    await form.submit();
    await form.dialog.waitFor({ state: 'hidden' });
    await targets.flash(`Target “${TARGET}” was created.`).waitFor();
    const row = targets.row(TARGET);
    await row.getByText(`127.0.0.1:${ssh.port}`).waitFor();
    await row.getByText('env=prod', { exact: true }).waitFor();
    await row.getByRole('link', { name: CREDENTIAL }).waitFor();
    await row.getByText('Not tested').waitFor();
  });

  it('filters by env=prod with the property filter, and shows a selector’s syntax error where it is', async () => {
    const targets = new TargetsPage(page);
    await targets.filterBy('env = prod');
    await page.getByText('Asking the API for: selector env=prod.').waitFor();
    await targets.row('stage1.example.internal').waitFor({ state: 'detached' });
    await targets.waitUntilLoaded();
    expect((await targets.names()).sort()).toEqual([TARGET, 'web1.example.internal', 'web2.example.internal']);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(artifacts, 'console-targets.png'), fullPage: true });

    // A hand-written selector is ANDed after the filter's requirements; the API's position error
    // shows under it, with the text sent and that position marked.
    await targets.applySelector('role in (web');
    await targets.selectorError.waitFor();
    expect(await targets.selectorError.textContent()).toMatch(/^expected '\)' after the value list at position 21/);
    expect(await targets.selectorErrorExcerpt.textContent()).toBe('env=prod,role in (web⟨end⟩');
    await page.getByText('Fix the selector to see targets').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await targets.applySelector('role in (web)');
    await targets.selectorError.waitFor({ state: 'detached' });
    await targets.waitUntilLoaded();
    expect(await targets.names()).toEqual([TARGET]);
    await targets.applySelector('');
    await targets.waitUntilLoaded();
    expect((await targets.names()).sort()).toEqual([TARGET, 'web1.example.internal', 'web2.example.internal']);
  });

  it('tests the connection: green, with the OS and the sshd’s host key, trusted on first use', async () => {
    const ssh = sshd as TestSshd;
    const targets = new TargetsPage(page);
    await targets.openTarget(TARGET);
    const detail = new TargetDetailPage(page);
    await detail.heading(TARGET).waitFor();
    expect(page.url()).toMatch(new RegExp(`/projects/${projectId}/targets/tgt_[0-9A-Z]{26}$`));
    await page.getByText('Never tested.').waitFor();
    await page.getByText('Not known yet: the key the host presents at the first successful test is trusted from then on.').waitFor();
    expect(await seriousViolations(page)).toEqual([]);

    await detail.test();
    await detail.resultHeader('Connection test passed').waitFor();
    expect(await detail.resultOs.textContent()).toMatch(/^Linux /);
    expect(await detail.resultFingerprint.textContent()).toBe(ssh.hostKeyFingerprint);
    expect(await detail.hostKeyFingerprint.textContent()).toBe(ssh.hostKeyFingerprint);
    await page.getByText('On first use (the first successful test)', { exact: false }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('fails with HOST_KEY_MISMATCH against a wrong pinned key, until the admin accepts the presented key', async () => {
    const ssh = sshd as TestSshd;
    const other = await ssh.keygen('other-host');
    const detail = new TargetDetailPage(page);

    const form = await detail.edit();
    await form.field(/^Pinned host key fingerprint/).fill(other.fingerprint);
    await form.submit();
    await form.dialog.waitFor({ state: 'hidden' });
    await detail.flash(`Target “${TARGET}” was saved.`).waitFor();
    expect(await detail.hostKeyFingerprint.textContent()).toBe(other.fingerprint);

    await detail.test();
    await detail.resultHeader('Connection test failed').waitFor();
    expect(await detail.resultCategory.textContent()).toBe('HOST_KEY_MISMATCH');
    expect(await detail.resultFingerprint.textContent()).toBe(ssh.hostKeyFingerprint);

    await detail.reviewHostKey.click();
    await detail.acceptDialog.waitFor();
    expect(await detail.acceptDialog.getByTestId('presented-fingerprint').textContent()).toBe(ssh.hostKeyFingerprint);
    await detail.acceptDialog.getByText(other.fingerprint, { exact: true }).waitFor();
    // Nothing is accepted before the admin says they compared the key.
    expect(await detail.acceptDialog.getByRole('button', { name: 'Accept this key' }).isDisabled()).toBe(true);
    expect(await seriousViolations(page)).toEqual([]);
    await detail.acceptPresentedKey();
    await detail.flash(/The new host key of “ssh-local” is trusted/).waitFor();
    expect(await detail.hostKeyFingerprint.textContent()).toBe(ssh.hostKeyFingerprint);
    await page.getByText(`Accepted by ${ADMIN.username}`, { exact: false }).waitFor();

    await detail.test();
    await detail.resultHeader('Connection test passed').waitFor();
    expect(await detail.resultFingerprint.textContent()).toBe(ssh.hostKeyFingerprint);
  });

  it('tests every target matching the filter, and lists the results', async () => {
    await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'Targets' }).click();
    const targets = new TargetsPage(page);
    await targets.waitUntilLoaded();
    await targets.filterBy('env = prod');
    await page.getByText('Asking the API for: selector env=prod.').waitFor();
    await targets.testAllButton.click();
    const dialog = targets.dialog('Test all matching targets');
    await dialog.getByText('env=prod', { exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Run tests' }).click();
    await dialog.getByText('3 tested: 1 passed, 2 failed').waitFor();
    const results = dialog.getByRole('table', { name: 'Test results' });
    await results.getByRole('row').filter({ hasText: TARGET }).getByText(/^Passed/).waitFor();
    await results.getByRole('row').filter({ hasText: 'web1.example.internal' }).getByText('Give the target a credential before testing it.').waitFor();
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await targets.row(TARGET).getByText(/^Passed/).waitFor();
  });

  it('discovers the sshd on 127.0.0.1/32 and marks it as already in the inventory', async () => {
    const ssh = sshd as TestSshd;
    const targets = new TargetsPage(page);
    await targets.discoverButton.click();
    const dialog = targets.dialog('Discover targets');
    await dialog.getByLabel('Network (CIDR)').fill('10.0.0.0/16');
    await dialog.getByLabel('Ports').fill(String(ssh.port));
    await dialog.getByRole('button', { name: 'Scan', exact: true }).click();
    await dialog.getByText('Scan at most a /22 (1024 addresses) at a time; split larger networks.').waitFor();
    await dialog.getByLabel('Network (CIDR)').fill('127.0.0.1/32');
    await dialog.getByRole('button', { name: 'Scan', exact: true }).click();
    const found = dialog.getByRole('table', { name: 'Discovered hosts' }).getByRole('row').filter({ hasText: String(ssh.port) });
    await found.getByText('SSH', { exact: true }).waitFor();
    await found.getByText(/^SSH-2\.0-OpenSSH/).waitFor();
    await found.getByText('Already in inventory:').waitFor();
    await found.getByRole('link', { name: TARGET }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  });

  it('refuses to delete a credential that a target uses, listing the target', async () => {
    await new ProjectPage(page).tab('Credentials').click();
    const credentials = new CredentialsPage(page);
    await credentials.waitUntilLoaded();
    await credentials.select(CREDENTIAL);
    await credentials.deleteButton.click();
    const dialog = credentials.dialog('Delete credential');
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByText('Targets still use this credential; point them at another one first.').waitFor();
    await dialog.getByRole('list', { name: 'Targets using this credential' }).getByRole('link', { name: TARGET }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // Only the deliberate refusals failed: the address with a port and the bad selector (400), the credential in use (409).
    expect(consoleErrors.filter((e) => !/status of (400|409)/.test(e))).toEqual([]);
  });
});
