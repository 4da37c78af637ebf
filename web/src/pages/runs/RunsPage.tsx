import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { runStatuses, type Run, type RunStatus } from '../../api/runs';
import { followLink, navigate } from '../../app/router';
import { jobHref, runHref, runsHref } from '../../app/routes';
import { CursorPagination, counterOf } from '../../components/CursorPagination';
import { DateTime } from '../../components/DateTime';
import { ProjectGate } from '../project/components/ProjectGate';
import { RunStatusIndicator, statusText } from '../run/components/status';
import { useRuns } from './hooks/use-runs';

/** A project's run history (/projects/<id>/runs, `?jobId=` for one job's): status, job, when and by whom. */
export const RunsPage = ({ projectId }: { projectId: string }) => (
  <ProjectGate projectId={projectId}>{(project) => <Runs projectId={project.id} />}</ProjectGate>
);

const allStatuses = { value: '', label: 'Any status' };
const statusOptions = [allStatuses, ...runStatuses.map((s) => ({ value: s, label: statusText(s) }))];

const Runs = ({ projectId }: { projectId: string }) => {
  const [status, setStatus] = useState<RunStatus | undefined>(undefined);
  const [jobId, setJobId] = useState<string | undefined>(() => new URLSearchParams(window.location.search).get('jobId') ?? undefined);
  const pages = useRuns(projectId, status, jobId);
  const shownJob = jobId === undefined ? undefined : pages.all.find((r) => r.jobId === jobId)?.jobName ?? jobId;

  return (
    <SpaceBetween size="m">
      {pages.error !== undefined && (
        <Alert type="error" header="The runs could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <Table<Run>
        variant="full-page"
        items={pages.items}
        trackBy="id"
        loading={pages.loading}
        loadingText="Loading runs"
        wrapLines
        ariaLabels={{ tableLabel: 'Runs' }}
        renderAriaLive={({ firstIndex, lastIndex }) => `Displaying runs ${firstIndex} to ${lastIndex}`}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={counterOf(pages)}
            description={shownJob === undefined ? 'Every run of this project’s jobs, newest first.' : `Runs of ${shownJob}, newest first.`}
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                {jobId !== undefined && (
                  <Button
                    onClick={() => {
                      setJobId(undefined);
                      navigate(runsHref(projectId), { replace: true });
                    }}
                  >
                    All jobs
                  </Button>
                )}
                <Button iconName="refresh" ariaLabel="Refresh runs" onClick={() => void pages.reload()} disabled={pages.loading} />
              </SpaceBetween>
            }
          >
            Runs
          </Header>
        }
        filter={
          <Select
            selectedOption={statusOptions.find((o) => o.value === (status ?? '')) ?? allStatuses}
            options={statusOptions}
            ariaLabel="Filter by status"
            onChange={(event) => {
              const value = event.detail.selectedOption.value;
              setStatus(value === undefined || value === '' ? undefined : (value as RunStatus));
            }}
          />
        }
        empty={
          <Box textAlign="center" color="inherit">
            <b>No runs</b>
            <Box variant="p" color="inherit">
              Runs are started from a job’s page.
            </Box>
          </Box>
        }
        columnDefinitions={[
          {
            id: 'run',
            header: 'Run',
            isRowHeader: true,
            cell: (r) => (
              <Link href={runHref(projectId, r.id)} onFollow={followLink}>
                {r.id}
              </Link>
            ),
          },
          { id: 'status', header: 'Status', cell: (r) => <RunStatusIndicator status={r.status} /> },
          {
            id: 'job',
            header: 'Job',
            cell: (r) => (
              <Link href={jobHref(projectId, r.jobId)} onFollow={followLink}>
                {`${r.jobName} (v${r.jobVersion})`}
              </Link>
            ),
          },
          { id: 'hosts', header: 'Hosts', cell: (r) => `${r.counts.succeeded}/${r.counts.total} succeeded` },
          { id: 'created', header: 'Created', cell: (r) => <DateTime iso={r.createdAt} /> },
          { id: 'by', header: 'By', cell: (r) => r.createdBy },
        ]}
        pagination={<CursorPagination pages={pages} label="Runs" />}
      />
    </SpaceBetween>
  );
};
