import type { Locator, Page } from 'playwright-core';

/** A project's Jobs page: the table and "Create job". */
export class JobsPage {
  readonly table: Locator;
  readonly createButton: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Jobs' });
    this.createButton = page.getByTestId('create-job');
  }

  async open(baseUrl: string, projectId: string): Promise<void> {
    await this.page.goto(`${baseUrl}/projects/${projectId}/jobs`);
  }

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: /^Jobs/ });
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  async openJob(name: string): Promise<void> {
    await this.table.getByRole('link', { name, exact: true }).click();
  }
}
