import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

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
