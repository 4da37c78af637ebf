import type { Locator, Page } from 'playwright-core';
import { TargetForm } from './TargetsPage';

/** One target's page: its details, "Test connection" and the result, the host key, the accept dialog. */
export class TargetDetailPage {
  readonly testButton: Locator;
  readonly editButton: Locator;
  readonly deleteButton: Locator;
  readonly result: Locator;
  readonly resultOs: Locator;
  readonly resultFingerprint: Locator;
  readonly resultCategory: Locator;
  readonly reviewHostKey: Locator;
  readonly hostKeyFingerprint: Locator;
  readonly acceptDialog: Locator;

  constructor(private readonly page: Page) {
    this.testButton = page.getByRole('button', { name: 'Test connection', exact: true });
    this.editButton = page.getByRole('button', { name: 'Edit', exact: true });
    this.deleteButton = page.getByRole('button', { name: 'Delete', exact: true });
    this.result = page.getByTestId('test-result');
    this.resultOs = page.getByTestId('test-result-os');
    this.resultFingerprint = page.getByTestId('test-result-fingerprint');
    this.resultCategory = page.getByTestId('test-result-category');
    this.reviewHostKey = page.getByTestId('review-host-key');
    this.hostKeyFingerprint = page.getByTestId('host-key-fingerprint');
    this.acceptDialog = page.getByRole('dialog', { name: 'Accept the new host key' });
  }

  heading(name: string): Locator {
    return this.page.getByRole('heading', { level: 1, name, exact: true });
  }

  /** Runs a connection test and waits for its result panel. */
  async test(): Promise<void> {
    await this.testButton.click();
    await this.page.getByRole('button', { name: 'Testing connection' }).waitFor({ state: 'detached' }).catch(() => undefined);
    await this.result.waitFor();
  }

  resultHeader(text: 'Connection test passed' | 'Connection test failed'): Locator {
    return this.result.getByText(text, { exact: true });
  }

  async edit(): Promise<TargetForm> {
    await this.editButton.click();
    return new TargetForm(this.page, this.page.getByRole('dialog', { name: /^Edit target/ }));
  }

  async acceptPresentedKey(): Promise<void> {
    await this.acceptDialog.getByRole('checkbox').check();
    await this.acceptDialog.getByRole('button', { name: 'Accept this key' }).click();
    await this.acceptDialog.waitFor({ state: 'hidden' });
  }

  flash(text: string | RegExp): Locator {
    return this.page.getByRole('region', { name: 'Notifications' }).getByText(text);
  }
}
