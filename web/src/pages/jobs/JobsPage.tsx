import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { ProjectGate } from '../project/components/ProjectGate';
import { JobsTable } from './components/JobsTable';
import { useJobs } from './hooks/use-jobs';

/** A project's jobs (/projects/<id>/jobs): name, steps, version, whether they are dangerous; admins create them. */
export const JobsPage = ({ projectId }: { projectId: string }) => (
  <ProjectGate projectId={projectId}>{(project, abilities) => <Jobs projectId={project.id} canManage={abilities.manageJobs} />}</ProjectGate>
);

const Jobs = ({ projectId, canManage }: { projectId: string; canManage: boolean }) => {
  const pages = useJobs(projectId);
  return (
    <SpaceBetween size="m">
      {pages.error !== undefined && (
        <Alert type="error" header="The jobs could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <JobsTable projectId={projectId} pages={pages} canManage={canManage} />
    </SpaceBetween>
  );
};
