import type { Locator, Page } from 'playwright-core';

/** The target import wizard (/projects/<id>/targets/import): format, document, dry run, report. */
export class ImportWizard {
  readonly content: Locator;
  readonly next: Locator;
  readonly submit: Locator;
  readonly rows: Locator;

  constructor(private readonly page: Page) {
    this.content = page.getByLabel('Inventory', { exact: true });
    this.next = page.getByRole('button', { name: 'Next', exact: true });
    this.submit = page.getByRole('button', { name: 'Import targets', exact: true });
    this.rows = page.getByRole('table', { name: /^(Dry run rows|Imported rows)$/ }).last();
  }

  step(title: string): Locator {
    return this.page.getByRole('heading', { level: 1, name: title });
  }

  async chooseFormat(label: 'Ansible INI inventory' | 'CSV' | 'JSON'): Promise<void> {
    await this.page.getByRole('radio', { name: label, exact: true }).check();
  }

  /** The row for a target name: its cells (line, name, action, errors, warnings). */
  row(name: string): Locator {
    return this.rows.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) });
  }

  count(which: 'created' | 'updated' | 'unchanged' | 'failed'): Locator {
    return this.page.getByTestId(`import-${which}`);
  }
}
