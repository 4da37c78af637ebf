import Alert from '@cloudscape-design/components/alert';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Spinner from '@cloudscape-design/components/spinner';
import Tabs, { type TabsProps } from '@cloudscape-design/components/tabs';
import type { ReactNode } from 'react';
import type { Project } from '../../api/types';
import type { ProjectAbilities } from '../../app/access';
import { navigate } from '../../app/router';
import { projectHref, tabLabels, type ProjectTab } from '../../app/routes';
import { useMe } from '../../app/services';
import { ApiKeysPage } from '../api-keys/ApiKeysPage';
import { CredentialsPage } from '../credentials/CredentialsPage';
import { MembersPage } from '../members/MembersPage';
import { TargetsPage } from '../targets/TargetsPage';
import { ProjectGate } from './components/ProjectGate';
import { ProjectOverview } from './components/ProjectOverview';

const tabContent = (tab: ProjectTab, project: Project, abilities: ProjectAbilities, meLoaded: boolean): ReactNode => {
  switch (tab) {
    case 'overview':
      return <ProjectOverview project={project} abilities={abilities} />;
    case 'targets':
      return <TargetsPage project={project} abilities={abilities} />;
    case 'credentials':
      return <CredentialsPage project={project} abilities={abilities} />;
    case 'members':
      return <MembersPage project={project} abilities={abilities} />;
    case 'api-keys':
      if (!meLoaded) return <Spinner />;
      return abilities.manageApiKeys ? (
        <ApiKeysPage project={project} />
      ) : (
        <Alert type="info" header="API keys are for project admins">
          Only admins of this project can see and manage its API keys.
        </Alert>
      );
  }
};

/**
 * One project: its name as the page heading and a tab per sub-page (Overview, Targets,
 * Credentials, Members, API keys), each at its own path. Tabs and actions follow the caller's role
 * in the project (GET /v1/me); the API decides every request anyway.
 */
export const ProjectPage = ({ projectId, tab }: { projectId: string; tab: ProjectTab }) => {
  const me = useMe();
  return (
    <ProjectGate projectId={projectId}>
      {(project, abilities) => {
        // API keys are for project admins only (the API refuses to list them to anyone else).
        const shown = (['overview', 'targets', 'credentials', 'members', 'api-keys'] as const).filter(
          (t) => t !== 'api-keys' || abilities.manageApiKeys || tab === 'api-keys',
        );
        const tabs: TabsProps.Tab[] = shown.map((t) => ({
          id: t,
          label: tabLabels[t],
          href: projectHref(project.id, t),
          // Only the open tab is rendered: each loads its own data.
          content: t === tab ? tabContent(t, project, abilities, me !== undefined) : null,
        }));
        return (
          <ContentLayout
            header={
              <Header variant="h1" description={project.description === '' ? undefined : project.description}>
                {project.name}
              </Header>
            }
          >
            <Tabs
              ariaLabel="Project sections"
              activeTabId={tab}
              tabs={tabs}
              onChange={(event) => {
                const href = event.detail.activeTabHref;
                if (href !== undefined) navigate(href);
              }}
            />
          </ContentLayout>
        );
      }}
    </ProjectGate>
  );
};
