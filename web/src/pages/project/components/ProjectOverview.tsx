import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import type { Project } from '../../../api/types';
import { isGlobalAdmin, roleLabels, type ProjectAbilities } from '../../../app/access';
import { useCurrentProject } from '../../../app/current-project';
import { useFlash } from '../../../app/flash';
import { followLink, navigate } from '../../../app/router';
import { projectHref, tabLabels, type ProjectTab } from '../../../app/routes';
import { useMe } from '../../../app/services';
import { DateTime } from '../../../components/DateTime';
import { DeleteProjectModal } from '../../projects/components/DeleteProjectModal';
import { ProjectFormModal } from '../../projects/components/ProjectFormModal';

const sectionTexts: Record<Exclude<ProjectTab, 'overview'>, string> = {
  targets: 'The hosts this project runs on: Linux over SSH, Windows over WinRM. Filter them by tags, test connections, import and discover.',
  credentials: 'The logins targets use. Passwords and keys are kept in the secret store and never shown again.',
  members: 'The people who work on this project, and their roles.',
  'api-keys': 'Keys for integrations that call the API for this project.',
};

/** Links to the project's other pages, with what each is for. */
const ProjectSections = ({ project, abilities }: { project: Project; abilities: ProjectAbilities }) => {
  const tabs = (['targets', 'credentials', 'members', 'api-keys'] as const).filter((t) => t !== 'api-keys' || abilities.manageApiKeys);
  return (
    <Container header={<Header variant="h2">In this project</Header>}>
      <ColumnLayout columns={tabs.length} variant="text-grid">
        {tabs.map((tab) => (
          <div key={tab}>
            <Box variant="h3" padding={{ top: 'n' }}>
              <Link href={projectHref(project.id, tab)} onFollow={followLink} fontSize="heading-s">
                {tabLabels[tab]}
              </Link>
            </Box>
            <Box variant="p" color="text-body-secondary">
              {sectionTexts[tab]}
            </Box>
          </div>
        ))}
      </ColumnLayout>
    </Container>
  );
};

/** The project's details and links to its pages; Edit for its admins, Delete for global admins. */
export const ProjectOverview = ({ project, abilities }: { project: Project; abilities: ProjectAbilities }) => {
  const me = useMe();
  const current = useCurrentProject();
  const flash = useFlash();
  const [dialog, setDialog] = useState<'edit' | 'delete' | undefined>(undefined);

  const close = () => {
    setDialog(undefined);
  };

  const role =
    abilities.role === undefined
      ? '—'
      : isGlobalAdmin(me)
        ? `${roleLabels[abilities.role]} (as a global administrator)`
        : roleLabels[abilities.role];

  return (
    <SpaceBetween size="l">
      <Container
        header={
          <Header
            variant="h2"
            actions={
              abilities.editProject || abilities.deleteProject ? (
                <SpaceBetween direction="horizontal" size="xs">
                  {abilities.editProject && (
                    <Button
                      onClick={() => {
                        setDialog('edit');
                      }}
                    >
                      Edit
                    </Button>
                  )}
                  {abilities.deleteProject && (
                    <Button
                      onClick={() => {
                        setDialog('delete');
                      }}
                    >
                      Delete
                    </Button>
                  )}
                </SpaceBetween>
              ) : undefined
            }
          >
            Details
          </Header>
        }
      >
        <KeyValuePairs
          columns={3}
          items={[
            { label: 'Name', value: project.name },
            { label: 'Project ID', value: <Box variant="code">{project.id}</Box> },
            { label: 'Your role', value: role },
            {
              label: 'Description',
              value: project.description === '' ? <Box color="text-status-inactive">No description</Box> : project.description,
            },
            {
              label: 'Created',
              value: (
                <>
                  <DateTime iso={project.createdAt} /> by {project.createdBy}
                </>
              ),
            },
            {
              label: 'Last changed',
              value: (
                <>
                  <DateTime iso={project.updatedAt} /> by {project.updatedBy}
                </>
              ),
            },
          ]}
        />
      </Container>
      <ProjectSections project={project} abilities={abilities} />
      {dialog === 'edit' && (
        <ProjectFormModal
          mode={{ kind: 'edit', project }}
          onDismiss={close}
          onSaved={(saved) => {
            close();
            current.replace(saved);
            flash.notify({ type: 'success', content: `Project “${saved.name}” was saved.` });
          }}
          onGone={() => {
            // Someone deleted it meanwhile: loading it again shows the page as "not found".
            void current.reload();
          }}
        />
      )}
      {dialog === 'delete' && (
        <DeleteProjectModal
          project={project}
          onDismiss={close}
          onDeleted={(deleted) => {
            close();
            current.forget(deleted.id);
            flash.notify({ type: 'success', content: `Project “${deleted.name}” was deleted.`, forNextPage: true });
            navigate('/projects');
          }}
        />
      )}
    </SpaceBetween>
  );
};
