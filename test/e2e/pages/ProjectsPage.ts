import type { Locator, Page } from 'playwright-core';

/** The Projects page: table, create/edit modal, delete confirmation, flash messages. */
export class ProjectsPage {
  readonly heading: Locator;
  readonly table: Locator;
  /** The header's button (the empty state has a second "Create project" button). */
  readonly createButton: Locator;
  readonly editButton: Locator;
  readonly deleteButton: Locator;
  readonly userMenu: (username: string) => Locator;

  constructor(private readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: /^Projects/ });
    this.table = page.getByRole('table', { name: 'Projects' }).last();
    this.createButton = page.getByTestId('create-project');
    this.editButton = page.getByRole('button', { name: 'Edit', exact: true });
    this.deleteButton = page.getByRole('button', { name: 'Delete', exact: true });
    this.userMenu = (username) => page.getByRole('button', { name: username, exact: true });
  }

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/projects`);
    await this.waitUntilLoaded();
  }

  async waitUntilLoaded(): Promise<void> {
    await this.heading.waitFor();
    await this.page.getByText('Loading projects').waitFor({ state: 'hidden' });
  }

  dialog(name: string): Locator {
    return this.page.getByRole('dialog', { name });
  }

  async createProject(name: string, description?: string): Promise<void> {
    await this.createButton.click();
    const dialog = this.dialog('Create project');
    await dialog.getByLabel('Name', { exact: true }).fill(name);
    if (description !== undefined) await dialog.getByLabel(/^Description/).fill(description);
    await dialog.getByRole('button', { name: 'Create', exact: true }).click();
  }

  /** The row whose name cell (the row header) is `name`. */
  row(name: string): Locator {
    return this.page.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) });
  }

  async select(name: string): Promise<void> {
    await this.page.getByRole('radio', { name: `Select project ${name}` }).check();
  }

  flash(text: string | RegExp): Locator {
    return this.page.getByRole('region', { name: 'Notifications' }).getByText(text);
  }

  async signOut(username: string): Promise<void> {
    await this.userMenu(username).click();
    await this.page.getByRole('menuitem', { name: 'Sign out' }).click();
  }
}
