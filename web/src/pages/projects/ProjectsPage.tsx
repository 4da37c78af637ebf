import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import type { Project } from '../../api/types';
import { isGlobalAdmin, projectAbilities, roleIn } from '../../app/access';
import { useCurrentProject } from '../../app/current-project';
import { useFlash } from '../../app/flash';
import { useMe } from '../../app/services';
import { DeleteProjectModal } from './components/DeleteProjectModal';
import { ProjectFormModal } from './components/ProjectFormModal';
import { ProjectsTable } from './components/ProjectsTable';
import { useProjectPages } from './hooks/use-project-pages';

type Dialog = { kind: 'create' } | { kind: 'edit'; project: Project } | { kind: 'delete'; project: Project } | undefined;

export const ProjectsPage = () => {
  const projects = useProjectPages();
  const flash = useFlash();
  const me = useMe();
  const current = useCurrentProject();
  const admin = isGlobalAdmin(me);
  const mayEditSome = admin || (me?.projects.some((p) => p.role === 'admin') ?? false);
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
  const [dialog, setDialog] = useState<Dialog>(undefined);

  // Selection follows the data: a reload or a deletion can take the selected project away.
  const selected = projects.items.find((p) => p.id === selectedId);

  const close = () => {
    setDialog(undefined);
  };

  const empty = (
    <Box margin={{ vertical: 'xs' }} textAlign="center" color="inherit">
      <SpaceBetween size="m">
        <div>
          <Box variant="strong" color="inherit">
            No projects
          </Box>
          <Box variant="p" color="inherit">
            {admin
              ? 'Projects hold your targets, jobs and runs. Create one to get started.'
              : 'You are not a member of any project yet. Ask an administrator to add you to one.'}
          </Box>
        </div>
        {admin && (
          <Button
            onClick={() => {
              setDialog({ kind: 'create' });
            }}
          >
            Create project
          </Button>
        )}
      </SpaceBetween>
    </Box>
  );

  return (
    <SpaceBetween size="m">
      {projects.error !== undefined && (
        <Alert
          type="error"
          header="Projects could not be loaded"
          action={<Button onClick={() => void projects.reload()}>Retry</Button>}
        >
          {projects.error}
        </Alert>
      )}
      <ProjectsTable
        items={projects.items}
        loadedCount={projects.loadedCount}
        hasMore={projects.hasMore}
        loading={projects.loading}
        pageIndex={projects.pageIndex}
        pagesCount={projects.pagesCount}
        selected={selected}
        onSelect={(p) => {
          setSelectedId(p?.id);
        }}
        onPage={(n) => {
          setSelectedId(undefined);
          projects.goToPage(n);
        }}
        onRefresh={() => void projects.reload()}
        onCreate={() => {
          setDialog({ kind: 'create' });
        }}
        onEdit={() => {
          if (selected) setDialog({ kind: 'edit', project: selected });
        }}
        onDelete={() => {
          if (selected) setDialog({ kind: 'delete', project: selected });
        }}
        empty={empty}
        roleOf={(p) => roleIn(me, p.id)}
        canCreate={admin}
        canDelete={admin}
        mayEditSome={mayEditSome}
        canEdit={(p) => projectAbilities(me, p.id).editProject}
      />
      {(dialog?.kind === 'create' || dialog?.kind === 'edit') && (
        <ProjectFormModal
          mode={dialog}
          onDismiss={close}
          onSaved={(project) => {
            close();
            if (dialog.kind === 'create') {
              flash.notify({ type: 'success', content: `Project “${project.name}” was created.` });
              setSelectedId(project.id);
              void projects.reload();
            } else {
              flash.notify({ type: 'success', content: `Project “${project.name}” was saved.` });
              projects.replace(project);
              current.replace(project);
            }
          }}
          onGone={(projectId) => {
            projects.remove(projectId);
          }}
        />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteProjectModal
          project={dialog.project}
          onDismiss={close}
          onDeleted={(project) => {
            close();
            setSelectedId(undefined);
            projects.remove(project.id);
            current.forget(project.id);
            flash.notify({ type: 'success', content: `Project “${project.name}” was deleted.` });
          }}
        />
      )}
    </SpaceBetween>
  );
};
