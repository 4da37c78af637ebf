import type { Locator, Page } from 'playwright-core';

/** One project's page (/projects/<id>): the heading, the tabs (Overview, Targets, Credentials, Members, API keys), the details. */
export class ProjectPage {
  readonly tabs: Locator;
  readonly details: Locator;
  readonly editButton: Locator;
  readonly deleteButton: Locator;

  constructor(private readonly page: Page) {
    this.tabs = page.getByRole('tablist');
    this.details = page.getByRole('heading', { level: 2, name: 'Details' });
    this.editButton = page.getByRole('button', { name: 'Edit', exact: true });
    this.deleteButton = page.getByRole('button', { name: 'Delete', exact: true });
  }

  async open(baseUrl: string, projectId: string, tab: '' | 'targets' | 'credentials' | 'members' | 'api-keys' = ''): Promise<void> {
    await this.page.goto(`${baseUrl}/projects/${projectId}${tab === '' ? '' : `/${tab}`}`);
  }

  heading(name: string): Locator {
    return this.page.getByRole('heading', { level: 1, name, exact: true });
  }

  tab(name: 'Overview' | 'Targets' | 'Credentials' | 'Members' | 'API keys'): Locator {
    return this.page.getByRole('tab', { name, exact: true });
  }

  /** The project id from the page's address (/projects/<id>[/tab]). */
  projectIdFromUrl(): string {
    const id = /\/projects\/([^/?#]+)/.exec(this.page.url())?.[1];
    if (id === undefined) throw new Error(`not on a project page: ${this.page.url()}`);
    return decodeURIComponent(id);
  }
}
