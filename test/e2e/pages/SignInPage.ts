import type { Locator, Page } from 'playwright-core';

/** The console's sign-in page: credentials, then the steps Cognito asks for (new password, TOTP code, TOTP setup). */
export class SignInPage {
  readonly username: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly newPassword: Locator;
  readonly confirmPassword: Locator;
  readonly setPassword: Locator;
  readonly totpCode: Locator;
  readonly verifyTotp: Locator;
  readonly mfaSetupHeading: Locator;
  readonly setupSecret: Locator;
  readonly setupQrCode: Locator;
  readonly setupCode: Locator;
  readonly finishSetup: Locator;

  constructor(private readonly page: Page) {
    this.username = page.getByLabel('Username or email');
    this.password = page.getByLabel('Password', { exact: true });
    this.submit = page.getByRole('button', { name: 'Sign in', exact: true });
    this.newPassword = page.getByLabel('New password', { exact: true });
    this.confirmPassword = page.getByLabel('Confirm new password');
    this.setPassword = page.getByRole('button', { name: 'Set password and sign in' });
    this.totpCode = page.getByRole('textbox', { name: 'Authentication code' });
    this.verifyTotp = page.getByRole('button', { name: 'Verify', exact: true });
    this.mfaSetupHeading = page.getByRole('heading', { name: 'Set up multi-factor authentication' });
    this.setupSecret = page.getByTestId('totp-secret');
    this.setupQrCode = page.getByRole('img', { name: /^QR code/ });
    this.setupCode = page.getByLabel('Code from the app');
    this.finishSetup = page.getByRole('button', { name: 'Verify and sign in' });
  }

  async open(baseUrl: string): Promise<void> {
    await this.page.goto(`${baseUrl}/`);
    await this.username.waitFor();
  }

  async signIn(username: string, password: string): Promise<void> {
    await this.username.fill(username);
    await this.password.fill(password);
    await this.submit.click();
  }

  async chooseNewPassword(password: string, confirm = password): Promise<void> {
    await this.newPassword.fill(password);
    await this.confirmPassword.fill(confirm);
    await this.setPassword.click();
  }

  /** SOFTWARE_TOKEN_MFA: the code from the authenticator app. */
  async answerTotp(code: string): Promise<void> {
    await this.totpCode.fill(code);
    await this.verifyTotp.click();
  }

  /** MFA_SETUP: the key shown for the new authenticator, without the spaces it is grouped with. */
  async setupKey(): Promise<string> {
    return ((await this.setupSecret.textContent()) ?? '').replace(/\s+/g, '');
  }

  async finishMfaSetup(code: string): Promise<void> {
    await this.setupCode.fill(code);
    await this.finishSetup.click();
  }

  /** The form-level error (Cognito's message). */
  error(text: string): Locator {
    return this.page.getByText(text, { exact: true });
  }
}
