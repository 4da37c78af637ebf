import type { Locator, Page } from 'playwright-core';

/** The job page's Run dialog and the run page: status, counts, hosts, one host's output or all hosts'. */
export class RunPage {
  readonly runButton: Locator;
  readonly runDialog: Locator;
  readonly startButton: Locator;
  readonly status: Locator;
  readonly hosts: Locator;
  readonly cancelButton: Locator;

  constructor(private readonly page: Page) {
    this.runButton = page.getByRole('button', { name: 'Run', exact: true });
    this.runDialog = page.getByRole('dialog');
    this.startButton = page.getByTestId('start-run');
    this.status = page.getByTestId('run-status');
    this.hosts = page.getByRole('table', { name: 'Hosts' });
    this.cancelButton = page.getByRole('button', { name: 'Cancel run', exact: true });
  }

  /** The run's count of hosts in a status, as the Status panel shows it (`Succeeded: 200`). */
  count(status: string): Locator {
    return this.page.getByTestId(`count-${status}`);
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

  /** The output panel's choice between the selected host and all hosts. */
  viewButton(view: 'Selected host' | 'All hosts'): Locator {
    return this.page.getByRole('button', { name: view, exact: true });
  }

  async showAllHosts(): Promise<void> {
    await this.viewButton('All hosts').click();
  }

  allHostsOutput(): Locator {
    return this.page.getByRole('region', { name: 'Output of all hosts' });
  }

  /** A line of the all-hosts view: `[host] text`. */
  allHostsLine(hostName: string, text: string): Locator {
    return this.allHostsOutput().getByText(`[${hostName}] ${text}`, { exact: true });
  }
}
