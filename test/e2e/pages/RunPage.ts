import type { Locator, Page } from 'playwright-core';

/** The job page's Run dialog and the run page: status, counts, hosts, one host's output. */
export class RunPage {
  readonly runButton: Locator;
  readonly runDialog: Locator;
  readonly startButton: Locator;
  readonly status: Locator;
  readonly hosts: Locator;

  constructor(private readonly page: Page) {
    this.runButton = page.getByRole('button', { name: 'Run', exact: true });
    this.runDialog = page.getByRole('dialog');
    this.startButton = page.getByTestId('start-run');
    this.status = page.getByTestId('run-status');
    this.hosts = page.getByRole('table', { name: 'Hosts' });
  }

  heading(jobName: string): Locator {
    return this.page.getByRole('heading', { level: 1, name: `Run of ${jobName}` });
  }

  host(name: string): Locator {
    return this.hosts.getByRole('row').filter({ hasText: name });
  }

  output(hostName: string): Locator {
    return this.page.getByRole('region', { name: `Output of ${hostName}` });
  }

  line(hostName: string, text: string): Locator {
    return this.output(hostName).getByText(text, { exact: true });
  }
}
