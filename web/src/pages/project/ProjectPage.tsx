import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Spinner from '@cloudscape-design/components/spinner';
import Tabs, { type TabsProps } from '@cloudscape-design/components/tabs';
import { projectAbilities } from '../../app/access';
import { useCurrentProject } from '../../app/current-project';
import { followLink, navigate } from '../../app/router';
import { projectHref, tabLabels, type ProjectTab } from '../../app/routes';
import { useMe } from '../../app/services';
import { ApiKeysPage } from '../api-keys/ApiKeysPage';
import { MembersPage } from '../members/MembersPage';
import { ProjectOverview } from './components/ProjectOverview';

/**
 * One project: its name as the page heading and a tab per sub-page (Overview, Members, API keys),
 * each at its own path. Tabs and actions follow the caller's role in the project (GET /v1/me);
 * the API decides every request anyway.
 */
export const ProjectPage = ({ projectId, tab }: { projectId: string; tab: ProjectTab }) => {
  const current = useCurrentProject();
  const me = useMe();
  const project = current.project?.id === projectId ? current.project : undefined;

  if (project === undefined) {
    if (current.error !== undefined && !current.loading) {
      return current.error.status === 404 || current.error.status === 403 ? (
        <ContentLayout header={<Header variant="h1">Project not found</Header>}>
          <Container>
            <Box variant="p">
              There is no project <Box variant="code">{projectId}</Box>, or you are not a member of it.{' '}
              <Link href="/projects" onFollow={followLink}>
                Go to Projects
              </Link>
            </Box>
          </Container>
        </ContentLayout>
      ) : (
        <ContentLayout header={<Header variant="h1">Project</Header>}>
          <Alert type="error" header="The project could not be loaded" action={<Button onClick={() => void current.reload()}>Retry</Button>}>
            {current.error.message}
          </Alert>
        </ContentLayout>
      );
    }
    return (
      <ContentLayout header={<Header variant="h1">Project</Header>}>
        <Box textAlign="center" padding="xl">
          <Spinner size="large" />
          <Box variant="p">Loading project…</Box>
        </Box>
      </ContentLayout>
    );
  }

  const abilities = projectAbilities(me, project.id);
  const tabs: TabsProps.Tab[] = [
    { id: 'overview', label: tabLabels.overview, href: projectHref(project.id), content: <ProjectOverview project={project} abilities={abilities} /> },
    {
      id: 'members',
      label: tabLabels.members,
      href: projectHref(project.id, 'members'),
      content: <MembersPage project={project} abilities={abilities} />,
    },
  ];
  // API keys are for project admins only (the API refuses to list them to anyone else).
  if (abilities.manageApiKeys || tab === 'api-keys') {
    tabs.push({
      id: 'api-keys',
      label: tabLabels['api-keys'],
      href: projectHref(project.id, 'api-keys'),
      content:
        me === undefined ? (
          <Spinner />
        ) : abilities.manageApiKeys ? (
          <ApiKeysPage project={project} />
        ) : (
          <Alert type="info" header="API keys are for project admins">
            Only admins of this project can see and manage its API keys.
          </Alert>
        ),
    });
  }

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
};
