import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import type { ProjectAbilities } from '../../app/access';
import { useFlash } from '../../app/flash';
import { usePageLabel } from '../../app/page-label';
import { followLink, navigate } from '../../app/router';
import { editJobHref, runHref, runsHref } from '../../app/routes';
import { DateTime } from '../../components/DateTime';
import { DangerWarnings } from '../jobs/components/DangerWarnings';
import { DangerousBadge } from '../jobs/components/DangerousBadge';
import { ProjectGate } from '../project/components/ProjectGate';
import { RunJobModal } from './components/RunJobModal';
import { useJob } from '../jobs/hooks/use-job';

/** One job (/projects/<id>/jobs/<jobId>): its steps, parameters and warnings; Run and Edit. */
export const JobDetailPage = ({ projectId, jobId }: { projectId: string; jobId: string }) => (
  <ProjectGate projectId={projectId}>{(project, abilities) => <JobDetail projectId={project.id} jobId={jobId} abilities={abilities} />}</ProjectGate>
);

const JobDetail = ({ projectId, jobId, abilities }: { projectId: string; jobId: string; abilities: ProjectAbilities }) => {
  const flash = useFlash();
  const { job, error, reload: load } = useJob(projectId, jobId);
  const [running, setRunning] = useState(false);
  usePageLabel(job?.name);

  if (error !== undefined) {
    return (
      <Alert type="error" header="The job could not be loaded" action={<Button onClick={() => void load()}>Retry</Button>}>
        {error}
      </Alert>
    );
  }
  if (job === undefined) return <Spinner size="large" />;

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={job.description === '' ? undefined : job.description}
          info={<DangerousBadge job={job} />}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button href={`${runsHref(projectId)}?jobId=${encodeURIComponent(job.id)}`} onFollow={followLink}>
                Runs
              </Button>
              {abilities.manageJobs && (
                <Button href={editJobHref(projectId, job.id)} onFollow={followLink}>
                  Edit
                </Button>
              )}
              {abilities.startRuns && (
                <Button
                  variant="primary"
                  onClick={() => {
                    setRunning(true);
                  }}
                >
                  Run
                </Button>
              )}
            </SpaceBetween>
          }
        >
          {job.name}
        </Header>
      }
    >
      <SpaceBetween size="l">
        <DangerWarnings warnings={job.warnings} />
        <Container header={<Header variant="h2">Details</Header>}>
          <KeyValuePairs
            columns={4}
            items={[
              { label: 'Version', value: job.version },
              { label: 'Target selector', value: job.targets?.selector ?? <Box color="text-status-inactive">Chosen at each run</Box> },
              { label: 'Concurrency', value: String(job.concurrency) },
              { label: 'Max errors', value: String(job.maxErrors) },
              {
                label: 'Updated',
                value: (
                  <>
                    <DateTime iso={job.updatedAt} /> by {job.updatedBy}
                  </>
                ),
              },
            ]}
          />
        </Container>
        <Table
          variant="container"
          header={<Header variant="h2">Steps</Header>}
          ariaLabels={{ tableLabel: 'Steps' }}
          items={job.steps}
          trackBy={(s) => s.id ?? ''}
          wrapLines
          columnDefinitions={[
            { id: 'id', header: 'Step', cell: (s) => s.id, isRowHeader: true },
            { id: 'kind', header: 'Kind', cell: (s) => (s.kind === 'script' ? `script (${s.interpreter ?? 'sh'})` : s.kind) },
            { id: 'content', header: 'Content', cell: (s) => <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{s.content}</pre> },
            { id: 'timeout', header: 'Timeout', cell: (s) => `${s.timeoutSeconds ?? 600} s` },
          ]}
        />
        <Table
          variant="container"
          header={<Header variant="h2">Parameters</Header>}
          ariaLabels={{ tableLabel: 'Parameters' }}
          items={job.parameters}
          trackBy="name"
          empty={<Box color="text-status-inactive">No parameters.</Box>}
          columnDefinitions={[
            { id: 'name', header: 'Name', cell: (p) => p.name, isRowHeader: true },
            { id: 'type', header: 'Type', cell: (p) => (p.type === 'choice' ? `choice (${(p.allowed ?? []).join(', ')})` : p.type) },
            { id: 'required', header: 'Required', cell: (p) => (p.required === true ? 'Yes' : 'No') },
            { id: 'default', header: 'Default', cell: (p) => (p.default === undefined ? '—' : String(p.default)) },
            { id: 'secure', header: 'Secure', cell: (p) => (p.secure === true ? 'Yes' : 'No') },
          ]}
        />
        <Box>
          <Link href={runsHref(projectId)} onFollow={followLink}>
            All runs of this project
          </Link>
        </Box>
      </SpaceBetween>
      {running && (
        <RunJobModal
          job={job}
          onDismiss={() => {
            setRunning(false);
          }}
          onStarted={(run) => {
            flash.notify({ type: 'success', content: `Run of “${job.name}” started.`, forNextPage: true });
            navigate(runHref(projectId, run.id));
          }}
        />
      )}
    </ContentLayout>
  );
};
