import type { Locator, Page } from 'playwright-core';

/** A project's Notifications page: the Channels, Rules and Delivery log tabs and their dialogs. */
export class NotificationsPage {
  readonly channels: Locator;
  readonly rules: Locator;
  readonly deliveries: Locator;
  readonly channelDialog: Locator;
  readonly ruleDialog: Locator;

  constructor(private readonly page: Page) {
    this.channels = page.getByRole('table', { name: 'Channels' });
    this.rules = page.getByRole('table', { name: 'Rules' });
    this.deliveries = page.getByRole('table', { name: 'Delivery log' });
    this.channelDialog = page.getByRole('dialog', { name: 'Create channel' });
    this.ruleDialog = page.getByRole('dialog', { name: 'Create rule' });
  }

  async open(baseUrl: string, projectId: string): Promise<void> {
    await this.page.goto(`${baseUrl}/projects/${projectId}/notifications`);
  }

  heading(): Locator {
    return this.page.getByRole('heading', { level: 1, name: 'Notifications' });
  }

  async tab(name: 'Channels' | 'Rules' | 'Delivery log'): Promise<void> {
    await this.page.getByRole('tab', { name }).click();
  }

  channelRow(name: string): Locator {
    return this.channels.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) });
  }

  ruleRow(name: string): Locator {
    return this.rules.getByRole('row').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) });
  }

  async createEmailChannel(name: string, recipients: string): Promise<void> {
    await this.page.getByTestId('create-channel').click();
    await this.channelDialog.getByRole('textbox', { name: 'Name' }).fill(name);
    await this.channelDialog.getByRole('radio', { name: 'Email' }).check();
    await this.channelDialog.getByRole('textbox', { name: 'Recipients' }).fill(recipients);
    await this.channelDialog.getByTestId('save-channel').click();
    await this.channelDialog.waitFor({ state: 'detached' });
  }

  async testChannel(name: string): Promise<void> {
    await this.channelRow(name).getByRole('button', { name: `Send a test to ${name}` }).click();
  }

  /** Opens "Create rule" and fills it: the events by their labels, the channel by name. */
  async fillRule(values: { name: string; events: string[]; channel: string; subject: string }): Promise<void> {
    await this.page.getByTestId('create-rule').click();
    await this.ruleDialog.getByRole('textbox', { name: 'Name' }).fill(values.name);
    const events = this.ruleDialog.getByRole('group', { name: 'Events' });
    for (const box of await events.getByRole('checkbox').all()) await box.uncheck();
    for (const label of values.events) await events.getByRole('checkbox', { name: label }).check();
    await this.ruleDialog.getByRole('button', { name: 'Channels' }).click();
    await this.page.getByRole('option', { name: new RegExp(`^${values.channel}`) }).click();
    await this.page.keyboard.press('Escape');
    await this.ruleDialog.getByRole('textbox', { name: 'Subject' }).fill(values.subject);
  }

  async preview(): Promise<Locator> {
    await this.ruleDialog.getByTestId('preview-template').click();
    const region = this.ruleDialog.getByRole('region', { name: 'Preview' });
    await region.waitFor();
    return region;
  }

  async saveRule(): Promise<void> {
    await this.ruleDialog.getByTestId('save-rule').click();
    await this.ruleDialog.waitFor({ state: 'detached' });
  }
}
