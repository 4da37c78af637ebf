import type { Locator, Page } from 'playwright-core';

/** A project's Members tab: the members table, add/change role/remove and their dialogs. */
export class MembersPage {
  readonly table: Locator;
  readonly addButton: Locator;
  readonly changeRoleButton: Locator;
  readonly removeButton: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Members' }).last();
    this.addButton = page.getByRole('button', { name: 'Add member', exact: true });
    this.changeRoleButton = page.getByRole('button', { name: 'Change role', exact: true });
    this.removeButton = page.getByRole('button', { name: 'Remove', exact: true });
  }

  async waitUntilLoaded(): Promise<void> {
    await this.page.getByRole('heading', { level: 2, name: /^Members/ }).waitFor();
    await this.page.getByText('Loading members').waitFor({ state: 'hidden' });
  }

  dialog(name: string): Locator {
    return this.page.getByRole('dialog', { name });
  }

  /** The row whose user cell is `userId` (or `userId (you)`). */
  row(userId: string): Locator {
    return this.page
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: new RegExp(`^${userId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(you\\))?$`) }) });
  }

  async select(userId: string): Promise<void> {
    await this.page.getByRole('radio', { name: `Select member ${userId}` }).check();
  }

  /** Fill and submit the Add member dialog (it stays open when the API refuses). */
  async addMember(username: string, role: 'Viewer' | 'Operator' | 'Admin'): Promise<Locator> {
    await this.addButton.click();
    const dialog = this.dialog('Add member');
    await dialog.getByLabel('Username').fill(username);
    await dialog.getByRole('radio', { name: new RegExp(`^${role}`) }).check();
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    return dialog;
  }
}
