import type { Locator, Page } from 'playwright-core';

/** The console's sign-in page: credentials, then the "choose a new password" step when asked. */
export class SignInPage {
  readonly username: Locator;
  readonly password: Locator;
  readonly submit: Locator;
  readonly newPassword: Locator;
  readonly confirmPassword: Locator;
  readonly setPassword: Locator;

  constructor(private readonly page: Page) {
    this.username = page.getByLabel('Username or email');
    this.password = page.getByLabel('Password', { exact: true });
    this.submit = page.getByRole('button', { name: 'Sign in', exact: true });
    this.newPassword = page.getByLabel('New password', { exact: true });
    this.confirmPassword = page.getByLabel('Confirm new password');
    this.setPassword = page.getByRole('button', { name: 'Set password and sign in' });
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

  /** The form-level error (Cognito's message). */
  error(text: string): Locator {
    return this.page.getByText(text, { exact: true });
  }
}
