import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { messageOf } from '../../api/errors';
import { schedulesApi, type Schedule } from '../../api/schedules';
import { useFlash } from '../../app/flash';
import { followLink } from '../../app/router';
import { jobHref } from '../../app/routes';
import { useApi } from '../../app/services';
import { ConfirmModal } from '../../components/ConfirmModal';
import { CursorPagination, counterOf } from '../../components/CursorPagination';
import { DateTime } from '../../components/DateTime';
import { ProjectGate } from '../project/components/ProjectGate';
import { localTime, utcTime } from './components/FireTimes';
import { ScheduleFormModal } from './components/ScheduleFormModal';
import { useProjectJobs, useSchedules } from './hooks/use-schedules';

/** A project's schedules (/projects/<id>/schedules): members read them, admins create, enable/disable and delete them. */
export const SchedulesPage = ({ projectId }: { projectId: string }) => (
  <ProjectGate projectId={projectId}>{(project, abilities) => <Schedules projectId={project.id} canManage={abilities.manageSchedules} />}</ProjectGate>
);

const Schedules = ({ projectId, canManage }: { projectId: string; canManage: boolean }) => {
  const pages = useSchedules(projectId);
  const { jobs } = useProjectJobs(projectId);
  const api = useApi(schedulesApi);
  const flash = useFlash();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<Schedule | undefined>(undefined);
  const [toggling, setToggling] = useState<string | undefined>(undefined);
  const jobName = (id: string) => jobs.find((j) => j.id === id)?.name ?? id;

  const toggle = async (s: Schedule) => {
    setToggling(s.id);
    try {
      const updated = await api.update(projectId, s.id, { enabled: !s.enabled });
      pages.replace(updated);
      flash.notify({ type: 'success', content: `Schedule “${s.name}” was ${updated.enabled ? 'enabled' : 'disabled'}.` });
    } catch (e) {
      flash.notify({ type: 'error', header: `Schedule “${s.name}” could not be ${s.enabled ? 'disabled' : 'enabled'}`, content: messageOf(e) });
    } finally {
      setToggling(undefined);
    }
  };

  return (
    <SpaceBetween size="m">
      {pages.error !== undefined && (
        <Alert type="error" header="The schedules could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <Table<Schedule>
        variant="full-page"
        items={pages.items}
        trackBy="id"
        loading={pages.loading}
        loadingText="Loading schedules"
        wrapLines
        ariaLabels={{ tableLabel: 'Schedules' }}
        renderAriaLive={({ firstIndex, lastIndex }) => `Displaying schedules ${firstIndex} to ${lastIndex}`}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={counterOf(pages)}
            description="Jobs started on a cron or rate expression, in a time zone."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button iconName="refresh" ariaLabel="Refresh schedules" onClick={() => void pages.reload()} disabled={pages.loading} />
                {canManage && (
                  <Button
                    variant="primary"
                    data-testid="create-schedule"
                    onClick={() => {
                      setCreating(true);
                    }}
                  >
                    Create schedule
                  </Button>
                )}
              </SpaceBetween>
            }
          >
            Schedules
          </Header>
        }
        empty={
          <Box textAlign="center" color="inherit">
            <b>No schedules</b>
            <Box variant="p" color="inherit">
              {canManage ? 'Create one to run a job at set times.' : 'A project admin can create one to run a job at set times.'}
            </Box>
          </Box>
        }
        columnDefinitions={[
          { id: 'name', header: 'Name', isRowHeader: true, cell: (s) => s.name },
          {
            id: 'job',
            header: 'Job',
            cell: (s) => (
              <Link href={jobHref(projectId, s.jobId)} onFollow={followLink}>
                {jobName(s.jobId)}
              </Link>
            ),
          },
          { id: 'expression', header: 'Expression', cell: (s) => <Box variant="code">{s.expression}</Box> },
          { id: 'timezone', header: 'Time zone', cell: (s) => s.timezone },
          {
            id: 'enabled',
            header: 'Enabled',
            cell: (s) => (s.enabled ? <StatusIndicator type="success">Enabled</StatusIndicator> : <StatusIndicator type="stopped">Disabled</StatusIndicator>),
          },
          {
            id: 'next',
            header: 'Next fire',
            cell: (s) => {
              const next = s.nextFireTimes[0];
              if (next === undefined) return <Box color="text-status-inactive">{s.enabled ? 'None' : 'Disabled'}</Box>;
              return (
                <span data-testid="next-fire">
                  <time dateTime={next}>{localTime(next)}</time>
                  <Box variant="small" display="block">
                    {utcTime(next)}
                  </Box>
                </span>
              );
            },
          },
          { id: 'last', header: 'Last fire', cell: (s) => (s.lastFireAt === undefined ? '-' : <DateTime iso={s.lastFireAt} />) },
          ...(canManage
            ? [
                {
                  id: 'actions',
                  header: 'Actions',
                  cell: (s: Schedule) => (
                    <SpaceBetween direction="horizontal" size="xs">
                      <Button
                        ariaLabel={`${s.enabled ? 'Disable' : 'Enable'} ${s.name}`}
                        loading={toggling === s.id}
                        onClick={() => void toggle(s)}
                      >
                        {s.enabled ? 'Disable' : 'Enable'}
                      </Button>
                      <Button
                        ariaLabel={`Delete ${s.name}`}
                        onClick={() => {
                          setDeleting(s);
                        }}
                      >
                        Delete
                      </Button>
                    </SpaceBetween>
                  ),
                },
              ]
            : []),
        ]}
        pagination={<CursorPagination pages={pages} label="Schedules" />}
      />
      {creating && (
        <ScheduleFormModal
          projectId={projectId}
          jobs={jobs}
          onDismiss={() => {
            setCreating(false);
          }}
          onCreated={(s) => {
            setCreating(false);
            flash.notify({ type: 'success', content: `Schedule “${s.name}” was created.` });
            void pages.reload();
          }}
        />
      )}
      {deleting !== undefined && (
        <ConfirmModal
          header="Delete schedule"
          confirmText="Delete"
          pendingText="Deleting"
          failureHeader="The schedule could not be deleted"
          onDismiss={() => {
            setDeleting(undefined);
          }}
          onConfirm={async () => {
            await api.remove(projectId, deleting.id);
            pages.remove(deleting.id);
            flash.notify({ type: 'success', content: `Schedule “${deleting.name}” was deleted.` });
            setDeleting(undefined);
          }}
        >
          <Box variant="p">
            Delete the schedule <b>{deleting.name}</b>? It stops firing; runs it started are kept.
          </Box>
        </ConfirmModal>
      )}
    </SpaceBetween>
  );
};
