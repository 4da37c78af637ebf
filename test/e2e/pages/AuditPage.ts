import type { Locator, Page } from 'playwright-core';

/** A project's Audit page: the log's table, its filters and the export buttons. */
export class AuditPage {
  readonly table: Locator;
  readonly exportCsvButton: Locator;
  readonly exportJsonlButton: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Audit log' });
    this.exportCsvButton = page.getByRole('button', { name: 'Export CSV' });
    this.exportJsonlButton = page.getByRole('button', { name: 'Export JSONL' });
  }

  async open(baseUrl: string, projectId: string): Promise<void> {
    await this.page.goto(`${baseUrl}/projects/${projectId}/audit`);
  }

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: /^Audit/ });
  }

  /** The rows recording an action (`Schedule Created`, …). */
  rows(action: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name: action, exact: true }) });
  }
}
