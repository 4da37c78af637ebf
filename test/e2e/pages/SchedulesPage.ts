import type { Locator, Page } from 'playwright-core';

/** A project's Schedules page: the table, "Create schedule" and its dialog. */
export class SchedulesPage {
  readonly table: Locator;
  readonly createButton: Locator;
  readonly dialog: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Schedules' });
    this.createButton = page.getByTestId('create-schedule');
    this.dialog = page.getByRole('dialog', { name: 'Create schedule' });
  }

  async open(baseUrl: string, projectId: string): Promise<void> {
    await this.page.goto(`${baseUrl}/projects/${projectId}/schedules`);
  }

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: /^Schedules/ });
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) });
  }

  /** Fills the create dialog (the job chosen from the select). */
  async fill(values: { name: string; job: string; expression: string; timezone: string }): Promise<void> {
    await this.dialog.getByRole('textbox', { name: 'Name' }).fill(values.name);
    await this.dialog.getByTestId('schedule-job').getByRole('button').first().click();
    await this.page.getByRole('option', { name: values.job }).click();
    await this.dialog.getByTestId('schedule-expression').locator('input').fill(values.expression);
    const zone = this.dialog.getByRole('combobox', { name: 'Time zone' });
    await zone.fill(values.timezone);
    await zone.press('Escape');
  }

  preview(): Locator {
    return this.dialog.getByRole('list', { name: 'Next fire times' });
  }

  async save(): Promise<void> {
    await this.dialog.getByTestId('save-schedule').click();
  }
}
