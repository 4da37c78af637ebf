import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import type { Project } from '../../../api/types';
import { isGlobalAdmin, roleLabels, type ProjectAbilities } from '../../../app/access';
import { useCurrentProject } from '../../../app/current-project';
import { useFlash } from '../../../app/flash';
import { navigate } from '../../../app/router';
import { useMe } from '../../../app/services';
import { DateTime } from '../../../components/DateTime';
import { DeleteProjectModal } from '../../projects/components/DeleteProjectModal';
import { ProjectFormModal } from '../../projects/components/ProjectFormModal';

/** The project's details; Edit for its admins, Delete for global admins. */
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
    <>
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
    </>
  );
};
