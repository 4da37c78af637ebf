import type { Locator, Page } from 'playwright-core';

/** A project's Triggers page: the table, "Create trigger" and its dialog. */
export class TriggersPage {
  readonly table: Locator;
  readonly createButton: Locator;
  readonly dialog: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Triggers' });
    this.createButton = page.getByTestId('create-trigger');
    this.dialog = page.getByRole('dialog', { name: 'Create trigger' });
  }

  async open(baseUrl: string, projectId: string): Promise<void> {
    await this.page.goto(`${baseUrl}/projects/${projectId}/triggers`);
  }

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: /^Triggers/ });
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) });
  }

  async fillName(name: string): Promise<void> {
    await this.dialog.getByTestId('trigger-name').locator('input').fill(name);
  }

  async chooseJob(job: string): Promise<void> {
    await this.dialog.getByTestId('trigger-job').getByRole('button').first().click();
    await this.page.getByRole('option', { name: job }).click();
  }

  pattern(): Locator {
    return this.dialog.getByRole('textbox', { name: 'Event pattern' });
  }

  async chooseSample(label: string): Promise<void> {
    await this.dialog.getByTestId('trigger-sample').getByRole('button').first().click();
    await this.page.getByRole('option', { name: new RegExp(`^${label}`) }).first().click();
  }

  mapping(parameter: string): Locator {
    return this.dialog.getByRole('textbox', { name: `JSONPath for ${parameter}` });
  }

  testResult(): Locator {
    return this.dialog.getByTestId('trigger-test-result');
  }

  async save(): Promise<void> {
    await this.dialog.getByTestId('save-trigger').click();
  }
}
