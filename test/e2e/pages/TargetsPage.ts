import type { Locator, Page } from 'playwright-core';

/** The form of the Create target / Edit target dialogs. */
export class TargetForm {
  constructor(
    private readonly page: Page,
    readonly dialog: Locator,
  ) {}

  field(label: string | RegExp): Locator {
    return this.dialog.getByLabel(label, { exact: typeof label === 'string' });
  }

  /** The error shown under a field (FormField's error text). */
  error(text: string | RegExp): Locator {
    return this.dialog.getByText(text);
  }

  async protocol(name: 'SSH' | 'WinRM'): Promise<void> {
    await this.radio(name);
  }

  /** A radio button by its label (its description is not part of the name). */
  async radio(name: string): Promise<void> {
    await this.dialog.getByRole('radio', { name, exact: true }).check();
  }

  async chooseCredential(name: string): Promise<void> {
    await this.dialog.getByRole('button', { name: /^Credential/ }).click();
    await this.page.getByRole('option', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).click();
  }

  async addTag(key: string, value: string): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Add tag' }).click();
    await this.dialog.getByRole('textbox', { name: 'Key' }).last().fill(key);
    await this.dialog.getByRole('textbox', { name: 'Value' }).last().fill(value);
  }

  async submit(): Promise<void> {
    await this.dialog.getByRole('button', { name: /^(Create target|Save changes)$/ }).click();
  }
}

/** A project's Targets tab: the table, its property filter and selector field, and the actions above it. */
export class TargetsPage {
  readonly table: Locator;
  readonly createButton: Locator;
  readonly importButton: Locator;
  readonly discoverButton: Locator;
  readonly testAllButton: Locator;
  readonly propertyFilter: Locator;
  readonly selectorInput: Locator;
  readonly selectorError: Locator;
  readonly selectorErrorExcerpt: Locator;

  constructor(private readonly page: Page) {
    this.table = page.getByRole('table', { name: 'Targets' }).last();
    this.createButton = page.getByTestId('create-target');
    this.importButton = page.getByRole('button', { name: 'Import', exact: true });
    this.discoverButton = page.getByRole('button', { name: 'Discover', exact: true });
    this.testAllButton = page.getByRole('button', { name: 'Test all matching', exact: true });
    this.propertyFilter = page.getByRole('combobox', { name: 'Filter targets by tags, name or protocol' });
    this.selectorInput = page.getByTestId('selector-input').locator('input');
    this.selectorError = page.getByTestId('selector-error');
    this.selectorErrorExcerpt = page.getByTestId('selector-error-excerpt');
  }

  async open(baseUrl: string, projectId: string): Promise<void> {
    await this.page.goto(`${baseUrl}/projects/${projectId}/targets`);
    await this.waitUntilLoaded();
  }

  async waitUntilLoaded(): Promise<void> {
    await this.page.getByRole('heading', { level: 2, name: /^Targets/ }).waitFor();
    await this.page.getByText('Loading targets').waitFor({ state: 'hidden' });
  }

  dialog(name: string | RegExp): Locator {
    return this.page.getByRole('dialog', { name });
  }

  form(name: string | RegExp): TargetForm {
    return new TargetForm(this.page, this.dialog(name));
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) });
  }

  /** The names in the table's rows, in order. */
  async names(): Promise<string[]> {
    return (await this.table.getByRole('rowheader').allTextContents()).map((t) => t.trim());
  }

  async select(name: string): Promise<void> {
    await this.page.getByRole('radio', { name: `Select target ${name}` }).check();
  }

  /** Types a token into the property filter (`env = prod`) and applies it. */
  async filterBy(text: string): Promise<void> {
    await this.propertyFilter.click();
    await this.propertyFilter.fill(text);
    await this.propertyFilter.press('Enter');
    await this.page.keyboard.press('Escape');
  }

  async clearFilters(): Promise<void> {
    await this.page.getByRole('button', { name: 'Clear filters' }).first().click();
  }

  async applySelector(text: string): Promise<void> {
    await this.selectorInput.fill(text);
    await this.selectorInput.press('Enter');
  }

  async openTarget(name: string): Promise<void> {
    await this.row(name).getByRole('link', { name, exact: true }).click();
  }

  flash(text: string | RegExp): Locator {
    return this.page.getByRole('region', { name: 'Notifications' }).getByText(text);
  }
}
