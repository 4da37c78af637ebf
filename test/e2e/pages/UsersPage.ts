import type { Locator, Page } from 'playwright-core';

/** The Users page (global admins): the users table, invite with its one-time password, the Actions menu. */
export class UsersPage {
  readonly heading: Locator;
  readonly inviteButton: Locator;
  readonly actions: Locator;

  constructor(private readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: /^Users/ });
    this.inviteButton = page.getByTestId('invite-user');
    this.actions = page.getByRole('button', { name: 'Actions', exact: true });
  }

  async waitUntilLoaded(): Promise<void> {
    await this.heading.waitFor();
    await this.page.getByText('Loading users').waitFor({ state: 'hidden' });
  }

  dialog(name: string): Locator {
    return this.page.getByRole('dialog', { name });
  }

  async invite(username: string, email: string, admin = false): Promise<void> {
    await this.inviteButton.click();
    const dialog = this.dialog('Invite user');
    await dialog.getByLabel('Username').fill(username);
    await dialog.getByLabel('Email').fill(email);
    if (admin) await dialog.getByRole('checkbox', { name: /global admin/ }).check();
    await dialog.getByRole('button', { name: 'Invite', exact: true }).click();
  }

  get invitedDialog(): Locator {
    return this.dialog('User invited');
  }

  async temporaryPassword(): Promise<string> {
    return ((await this.invitedDialog.getByTestId('one-time-secret').textContent()) ?? '').trim();
  }

  row(userId: string): Locator {
    return this.page
      .getByRole('row')
      .filter({ has: this.page.getByRole('rowheader', { name: new RegExp(`^${userId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(you\\))?$`) }) });
  }

  async select(userId: string): Promise<void> {
    await this.page.getByRole('radio', { name: `Select user ${userId}` }).check();
  }

  async action(name: string): Promise<void> {
    await this.actions.click();
    await this.page.getByRole('menuitem', { name }).click();
  }
}
