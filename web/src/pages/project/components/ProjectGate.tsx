import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Spinner from '@cloudscape-design/components/spinner';
import type { ReactNode } from 'react';
import type { Project } from '../../../api/types';
import { projectAbilities, type ProjectAbilities } from '../../../app/access';
import { useCurrentProject } from '../../../app/current-project';
import { followLink } from '../../../app/router';
import { useMe } from '../../../app/services';

/**
 * A page inside a project (its tabs, a target, the import wizard): shown once the project has
 * loaded; until then a spinner, and "not found" (404, or 403 for non-members) or the failure instead.
 */
export const ProjectGate = ({
  projectId,
  children,
}: {
  projectId: string;
  children: (project: Project, abilities: ProjectAbilities) => ReactNode;
}) => {
  const current = useCurrentProject();
  const me = useMe();
  const project = current.project?.id === projectId ? current.project : undefined;

  if (project !== undefined) return children(project, projectAbilities(me, project.id));

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
};
