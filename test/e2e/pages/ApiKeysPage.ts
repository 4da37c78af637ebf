import type { Locator, Page } from 'playwright-core';

/** A project's API keys tab: the keys table, the create dialog with its one-time secret, revoke. */
export class ApiKeysPage {
  readonly table: Locator;
  readonly createButton: Locator;
  readonly revokeButton: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByRole('table', { name: 'API keys' }).last();
    this.createButton = page.getByTestId('create-api-key');
    this.revokeButton = page.getByRole('button', { name: 'Revoke', exact: true });
  }

  async waitUntilLoaded(): Promise<void> {
    await this.page.getByRole('heading', { level: 2, name: /^API keys/ }).waitFor();
    await this.page.getByText('Loading API keys').waitFor({ state: 'hidden' });
  }

  dialog(name: string): Locator {
    return this.page.getByRole('dialog', { name });
  }

  async createKey(name: string, role: 'Viewer' | 'Operator', days: number): Promise<void> {
    await this.createButton.click();
    const dialog = this.dialog('Create API key');
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('radio', { name: new RegExp(`^${role}`) }).check();
    await dialog.getByLabel('Expires after (days)').fill(String(days));
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  }

  /** The dialog that shows the new key's secret, once. */
  get createdDialog(): Locator {
    return this.dialog('API key created');
  }

  async secret(): Promise<string> {
    return ((await this.createdDialog.getByTestId('one-time-secret').textContent()) ?? '').trim();
  }

  get copyButton(): Locator {
    return this.createdDialog.getByRole('button', { name: 'Copy API key' });
  }

  row(name: string): Locator {
    return this.page.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) });
  }

  async select(name: string): Promise<void> {
    await this.page.getByRole('radio', { name: `Select API key ${name}` }).check();
  }

  flash(text: string | RegExp): Locator {
    return this.page.getByRole('region', { name: 'Notifications' }).getByText(text);
  }
}
