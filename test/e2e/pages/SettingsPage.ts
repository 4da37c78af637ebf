import type { Locator, Page } from 'playwright-core';

/** The Settings page: the installation's MFA mode. */
export class SettingsPage {
  readonly heading: Locator;
  readonly save: Locator;

  constructor(private readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Settings' });
    this.save = page.getByRole('button', { name: 'Save', exact: true });
  }

  mode(label: 'Optional' | 'Required'): Locator {
    return this.page.getByRole('radio', { name: new RegExp(`^${label}`) });
  }

  async setMfa(label: 'Optional' | 'Required'): Promise<void> {
    await this.mode(label).check();
    await this.save.click();
  }
}
