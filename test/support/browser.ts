import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { SignInPage } from '../e2e/pages/SignInPage';

/** Headless system Chromium, as the browser tests drive it (downloads are impossible here). */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

/**
 * A context that asks for reduced motion, so Cloudscape skips its transitions: axe measuring
 * colour contrast half-way through a modal's fade-in sees washed-out text on slow machines.
 */
export const newBrowserContext = (browser: Browser, viewport = { width: 1366, height: 900 }): Promise<BrowserContext> =>
  browser.newContext({ viewport, reducedMotion: 'reduce' });

/** Waits until no CSS animation or transition is still running on the page. */
const settled = async (page: Page): Promise<void> => {
  // A string, because the test project compiles without the DOM library.
  await page.waitForFunction("document.getAnimations().every((a) => a.playState !== 'running')", undefined, { timeout: 10_000 });
};

/** Serious and critical WCAG 2 A/AA violations, each with the nodes it was found on. */
export const seriousViolations = async (page: Page): Promise<string[]> => {
  await settled(page);
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact ?? ''}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(' ')).join('\n  ')}`);
};

/** Everything a page holds: its markup and the current values of its fields (not in the markup). */
export const pageText = async (page: Page): Promise<string> => {
  const values = await page.evaluate<string[]>("Array.from(document.querySelectorAll('input, textarea')).map((e) => e.value)");
  return `${await page.content()}\n${values.join('\n')}`;
};

/** A page signed in to the console as `user`, its console errors and page errors collected in `errors`. */
export const signedInPage = async (
  browser: Browser,
  baseUrl: string,
  user: { username: string; password: string },
  errors: string[],
  viewport?: { width: number; height: number },
): Promise<Page> => {
  const page = await (await newBrowserContext(browser, viewport)).newPage();
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  const signIn = new SignInPage(page);
  await signIn.open(baseUrl);
  await signIn.signIn(user.username, user.password);
  await page.getByRole('heading', { level: 1, name: /^Projects/ }).waitFor();
  return page;
};
