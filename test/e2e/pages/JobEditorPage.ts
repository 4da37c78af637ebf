import type { Locator, Page } from 'playwright-core';

/** The job editor (create and edit): job fields, steps, parameters, save. */
export class JobEditorPage {
  readonly saveButton: Locator;

  constructor(private readonly page: Page) {
    this.saveButton = page.getByTestId('save-job');
  }

  heading(name: string | RegExp): Locator {
    return this.page.getByRole('heading', { level: 1, name });
  }

  field(label: string): Locator {
    return this.page.getByLabel(label, { exact: true });
  }

  /** The content textarea of step n (1-based). */
  stepContent(n: number): Locator {
    return this.page.getByTestId(`step-${n}`).getByRole('textbox', { name: /^(Command|Script)$/ });
  }

  async fill(job: { name: string; selector: string; command: string }): Promise<void> {
    await this.field('Name').fill(job.name);
    await this.page.getByLabel(/^Target selector/).fill(job.selector);
    await this.stepContent(1).fill(job.command);
  }

  /** What the selector matches, shown under its field as it is typed. */
  selectorPreview(): Locator {
    return this.page.getByTestId('selector-preview');
  }

  /** An error shown next to a field (FormField's error text). */
  error(text: string | RegExp): Locator {
    return this.page.getByText(text, { exact: true });
  }

  async save(): Promise<void> {
    await this.saveButton.click();
  }
}
