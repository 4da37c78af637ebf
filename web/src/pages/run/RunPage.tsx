import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import SegmentedControl from '@cloudscape-design/components/segmented-control';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { useState } from 'react';
import { ApiError, messageOf } from '../../api/errors';
import { finishedRunStatuses, hostStatuses, runsApi, type Run } from '../../api/runs';
import type { ProjectAbilities } from '../../app/access';
import { useFlash } from '../../app/flash';
import { usePageLabel } from '../../app/page-label';
import { followLink, navigate } from '../../app/router';
import { jobHref, runHref } from '../../app/routes';
import { useApi } from '../../app/services';
import { DateTime } from '../../components/DateTime';
import { ProjectGate } from '../project/components/ProjectGate';
import { AllHostsOutput } from './components/AllHostsOutput';
import { HostOutput } from './components/HostOutput';
import { HostsTable } from './components/HostsTable';
import { RunStatusIndicator, statusText } from './components/status';
import { useRun } from './hooks/use-run';

/** One run (/projects/<id>/runs/<runId>): status and counts, live while it runs; its hosts; a host's output, or all hosts' interleaved. */
export const RunPage = ({ projectId, runId }: { projectId: string; runId: string }) => (
  <ProjectGate projectId={projectId}>{(project, abilities) => <RunView key={runId} projectId={project.id} runId={runId} abilities={abilities} />}</ProjectGate>
);

const Counts = ({ run }: { run: Run }) => (
  <SpaceBetween direction="horizontal" size="m">
    <span>{`${run.counts.total} host${run.counts.total === 1 ? '' : 's'}`}</span>
    {hostStatuses
      .filter((s) => run.counts[s] > 0)
      .map((s) => (
        <span key={s} data-testid={`count-${s}`}>
          {`${statusText(s)}: ${run.counts[s]}`}
        </span>
      ))}
  </SpaceBetween>
);

const RunView = ({ projectId, runId, abilities }: { projectId: string; runId: string; abilities: ProjectAbilities }) => {
  const api = useApi(runsApi);
  const flash = useFlash();
  const { run, hosts, error, refresh, setRun } = useRun(projectId, runId);
  const [selected, setSelected] = useState<string | undefined>(undefined);
  const [outputView, setOutputView] = useState<'host' | 'all'>('host');
  const [acting, setActing] = useState(false);
  const [retryKey, setRetryKey] = useState(() => crypto.randomUUID());
  const [needsConfirm, setNeedsConfirm] = useState(false);
  usePageLabel(run === undefined ? undefined : `${run.jobName} run`);

  if (run === undefined) {
    if (error !== undefined) {
      return (
        <Alert type="error" header={error.status === 404 ? 'Run not found' : 'The run could not be loaded'}>
          {error.message}
        </Alert>
      );
    }
    return <Spinner size="large" />;
  }

  const finished = finishedRunStatuses.includes(run.status);
  const host = hosts.find((h) => h.targetId === selected) ?? hosts[0];

  const viewChoice = (
    <SegmentedControl
      label="Output of"
      selectedId={outputView}
      onChange={(event) => {
        setOutputView(event.detail.selectedId === 'all' ? 'all' : 'host');
      }}
      options={[
        { id: 'host', text: 'Selected host' },
        { id: 'all', text: 'All hosts' },
      ]}
    />
  );

  const cancel = async () => {
    setActing(true);
    try {
      setRun(await api.cancel(projectId, runId));
      flash.notify({ type: 'info', content: 'Cancellation requested: hosts stop after their current step.' });
      refresh();
    } catch (e) {
      flash.notify({ type: 'error', header: 'The run could not be cancelled', content: messageOf(e) });
    }
    setActing(false);
  };

  const retry = async (confirmDangerous: boolean) => {
    setActing(true);
    try {
      const next = await api.retry(projectId, runId, confirmDangerous, retryKey);
      setNeedsConfirm(false);
      setRetryKey(crypto.randomUUID());
      flash.notify({ type: 'success', content: 'Retrying the hosts that did not succeed.', forNextPage: true });
      navigate(runHref(projectId, next.id));
    } catch (e) {
      if (e instanceof ApiError && e.code === 'CONFIRMATION_REQUIRED') setNeedsConfirm(true);
      else flash.notify({ type: 'error', header: 'The run could not be retried', content: messageOf(e) });
    }
    setActing(false);
  };

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={
            <>
              Job{' '}
              <Link href={jobHref(projectId, run.jobId)} onFollow={followLink}>
                {run.jobName}
              </Link>{' '}
              (version {run.jobVersion})
            </>
          }
          actions={
            abilities.startRuns && (
              <SpaceBetween direction="horizontal" size="xs">
                {!finished && (
                  <Button onClick={() => void cancel()} loading={acting} disabled={run.cancelRequested !== undefined}>
                    {run.cancelRequested === undefined ? 'Cancel run' : 'Cancelling…'}
                  </Button>
                )}
                {finished && run.counts.succeeded < run.counts.total && (
                  <Button onClick={() => void retry(false)} loading={acting}>
                    Retry failed hosts
                  </Button>
                )}
              </SpaceBetween>
            )
          }
        >
          {`Run of ${run.jobName}`}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {error !== undefined && (
          <Alert type="warning" header="The run could not be refreshed">
            {error.message}
          </Alert>
        )}
        {needsConfirm && (
          <Alert
            type="warning"
            header="This job has dangerous commands"
            action={<Button onClick={() => void retry(true)}>Confirm and retry</Button>}
          >
            Retrying it needs a project admin to confirm the dangerous commands again.
          </Alert>
        )}
        {run.error !== undefined && (
          <Alert type={run.status === 'cancelled' ? 'info' : 'error'} header={run.error.code}>
            {run.error.message}
          </Alert>
        )}
        <Container header={<Header variant="h2">Status</Header>}>
          <KeyValuePairs
            columns={4}
            items={[
              { label: 'Status', value: <span data-testid="run-status"><RunStatusIndicator status={run.status} /></span> },
              { label: 'Hosts', value: <Counts run={run} /> },
              {
                label: 'Started',
                value: (
                  <>
                    <DateTime iso={run.createdAt} /> by {run.createdBy}
                  </>
                ),
              },
              { label: 'Finished', value: run.finishedAt === undefined ? <Box color="text-status-inactive">—</Box> : <DateTime iso={run.finishedAt} /> },
              ...Object.entries(run.parameters).map(([name, value]) => ({ label: `Parameter ${name}`, value })),
              ...(run.retryOf === undefined
                ? []
                : [
                    {
                      label: 'Retry of',
                      value: (
                        <Link href={runHref(projectId, run.retryOf)} onFollow={followLink}>
                          {run.retryOf}
                        </Link>
                      ),
                    },
                  ]),
            ]}
          />
        </Container>
        <HostsTable
          hosts={hosts}
          selected={outputView === 'all' ? undefined : host?.targetId}
          onSelect={(targetId) => {
            setSelected(targetId);
            setOutputView('host');
          }}
        />
        {host !== undefined &&
          (outputView === 'all' ? (
            <AllHostsOutput projectId={projectId} runId={runId} hosts={hosts} finished={finished} actions={viewChoice} />
          ) : (
            <HostOutput key={host.targetId} projectId={projectId} runId={runId} host={host} actions={viewChoice} />
          ))}
      </SpaceBetween>
    </ContentLayout>
  );
};
