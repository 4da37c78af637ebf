import type { Locator, Page } from 'playwright-core';

/** The Profile page: account, password change, MFA state and TOTP enrolment. */
export class ProfilePage {
  readonly heading: Locator;
  readonly currentPassword: Locator;
  readonly newPassword: Locator;
  readonly confirmPassword: Locator;
  readonly changePassword: Locator;
  readonly setUpTotp: Locator;
  readonly turnOffTotp: Locator;
  readonly qrCode: Locator;
  readonly totpSecret: Locator;
  readonly totpCode: Locator;
  readonly verifyTotp: Locator;

  constructor(private readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'Profile' });
    this.currentPassword = page.getByLabel('Current password');
    this.newPassword = page.getByLabel('New password', { exact: true });
    this.confirmPassword = page.getByLabel('Confirm new password');
    this.changePassword = page.getByRole('button', { name: 'Change password' });
    this.setUpTotp = page.getByRole('button', { name: 'Set up authenticator app' });
    this.turnOffTotp = page.getByRole('button', { name: 'Turn off' });
    this.qrCode = page.getByRole('img', { name: /^QR code/ });
    this.totpSecret = page.getByTestId('totp-secret');
    this.totpCode = page.getByLabel('Code from the app');
    this.verifyTotp = page.getByRole('button', { name: 'Verify and turn on' });
  }

  /** From the user menu in the top navigation. */
  async openFromMenu(username: string): Promise<void> {
    await this.page.getByRole('button', { name: username, exact: true }).click();
    await this.page.getByRole('menuitem', { name: 'Profile' }).click();
    await this.heading.waitFor();
  }

  async submitPasswordChange(current: string, next: string): Promise<void> {
    await this.currentPassword.fill(current);
    await this.newPassword.fill(next);
    await this.confirmPassword.fill(next);
    await this.changePassword.click();
  }

  /** The authenticator key as shown (groups of four), without the spaces. */
  async secret(): Promise<string> {
    return ((await this.totpSecret.textContent()) ?? '').replace(/\s+/g, '');
  }

  /** The authenticator app's state as the MFA panel shows it ("On (asked for at sign-in)" or "Off"). */
  mfaState(text: string): Locator {
    return this.page.getByText(text, { exact: true });
  }

  flash(text: string | RegExp): Locator {
    return this.page.getByRole('region', { name: 'Notifications' }).getByText(text);
  }
}
