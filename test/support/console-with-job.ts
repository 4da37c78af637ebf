import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signedInPage } from './browser';
import { creator, signIn } from './http';
import { startLocalStack } from './local-stack';

export interface ConsoleWithJob {
  baseUrl: string;
  projectId: string;
  page: Page;
  /** Console and page errors of `page`, collected as they happen. */
  consoleErrors: string[];
  stop(): Promise<void>;
}

/**
 * For console pages that only need a job to exist (schedules, triggers): a started local stack with
 * the admin `admin`, one project holding a target (nothing runs on it: no sshd), its credential and
 * `job` seeded over the API, and a page signed in as the admin in headless Chromium.
 */
export const consoleWithJob = async (opts: {
  admin: { username: string; email: string; password: string };
  project: { name: string; description: string };
  job: Record<string, unknown>;
}): Promise<ConsoleWithJob> => {
  mkdirSync(path.resolve(__dirname, '../artifacts'), { recursive: true });
  const stack = await startLocalStack({ env: { OPSC_ADMIN_EMAIL: opts.admin.email, OPSC_ADMIN_PASSWORD: opts.admin.password } });
  let browser: Browser | undefined;
  const stop = async () => {
    await browser?.close();
    await stack.stop();
  };
  try {
    const post = creator(stack.baseUrl, await signIn(stack.baseUrl, opts.admin.username, opts.admin.password));
    const projectId = await post('/v1/projects', opts.project);
    const credentialId = await post(`/v1/projects/${projectId}/credentials`, { name: 'pw', kind: 'ssh-password', username: 'ops', password: 'not-used-here' });
    const targetId = await post(`/v1/projects/${projectId}/targets`, { name: 'web-1', address: '127.0.0.1', port: 22, protocol: 'ssh', credentialId });
    await post(`/v1/projects/${projectId}/jobs`, { ...opts.job, targets: { targetIds: [targetId] } });
    browser = await launchChromium();
    const consoleErrors: string[] = [];
    const page = await signedInPage(browser, stack.baseUrl, opts.admin, consoleErrors, { width: 1440, height: 960 });
    return { baseUrl: stack.baseUrl, projectId, page, consoleErrors, stop };
  } catch (e) {
    await stop();
    throw e;
  }
};
