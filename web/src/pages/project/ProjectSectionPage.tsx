import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Spinner from '@cloudscape-design/components/spinner';
import { useEffect } from 'react';
import { useCurrentProject } from '../../app/current-project';
import { followLink, navigate } from '../../app/router';
import { projectHref, type ProjectTab } from '../../app/routes';
import type { Section } from '../../app/sections';

/**
 * A section kept per project (Targets, Credentials) opened without one: it shows the current
 * project's, or asks to choose a project when there is none.
 */
export const ProjectSectionPage = ({ section, tab }: { section: Section; tab: ProjectTab }) => {
  const current = useCurrentProject();
  const projectId = current.project?.id;

  useEffect(() => {
    if (projectId !== undefined) navigate(projectHref(projectId, tab), { replace: true });
  }, [projectId, tab]);

  if (projectId !== undefined || current.loading) return <Spinner size="large" />;
  return (
    <ContentLayout header={<Header variant="h1" description={section.purpose}>{section.title}</Header>}>
      <Container>
        <Box variant="p">
          {section.title} are kept per project.{' '}
          <Link href="/projects" onFollow={followLink}>
            Choose a project
          </Link>{' '}
          to see its {section.title.toLowerCase()}.
        </Box>
      </Container>
    </ContentLayout>
  );
};
