import type { Locator, Page } from 'playwright-core';

/** A project's Credentials tab: the table, the create/rotate dialog, delete. */
export class CredentialsPage {
  readonly table: Locator;
  readonly createButton: Locator;
  readonly rotateButton: Locator;
  readonly deleteButton: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Credentials' }).last();
    this.createButton = page.getByTestId('create-credential');
    this.rotateButton = page.getByRole('button', { name: 'Rotate', exact: true });
    this.deleteButton = page.getByRole('button', { name: 'Delete', exact: true });
  }

  async waitUntilLoaded(): Promise<void> {
    await this.page.getByRole('heading', { level: 2, name: /^Credentials/ }).waitFor();
    await this.page.getByText('Loading credentials').waitFor({ state: 'hidden' });
  }

  dialog(name: string | RegExp): Locator {
    return this.page.getByRole('dialog', { name });
  }

  get form(): Locator {
    return this.dialog(/^(Create credential|Rotate credential)/);
  }

  /** Opens the create dialog and fills an SSH key credential (the key pasted); does not submit. */
  async fillSshKey(name: string, username: string, privateKey: string): Promise<void> {
    await this.createButton.click();
    await this.form.getByRole('radio', { name: 'SSH key', exact: true }).check();
    await this.form.getByLabel('Name', { exact: true }).fill(name);
    await this.form.getByLabel('Username', { exact: true }).fill(username);
    await this.form.getByLabel('Private key', { exact: true }).fill(privateKey);
  }

  async submit(): Promise<void> {
    await this.form.getByRole('button', { name: /^(Create credential|Rotate)$/ }).click();
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) });
  }

  async select(name: string): Promise<void> {
    await this.page.getByRole('radio', { name: `Select credential ${name}` }).check();
  }

  flash(text: string | RegExp): Locator {
    return this.page.getByRole('region', { name: 'Notifications' }).getByText(text);
  }
}
