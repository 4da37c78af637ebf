import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import type { Job } from '../../../api/jobs';
import { followLink } from '../../../app/router';
import { jobHref, newJobHref } from '../../../app/routes';
import type { CursorPages } from '../../../app/use-cursor-pages';
import { CursorPagination, counterOf } from '../../../components/CursorPagination';
import { DateTime } from '../../../components/DateTime';
import { DangerousBadge } from './DangerousBadge';

const columns: TableProps.ColumnDefinition<Job>[] = [
  {
    id: 'name',
    header: 'Name',
    isRowHeader: true,
    minWidth: 160,
    cell: (j) => (
      <SpaceBetween direction="horizontal" size="xs">
        <Link href={jobHref(j.projectId, j.id)} onFollow={followLink}>
          {j.name}
        </Link>
        <DangerousBadge job={j} />
      </SpaceBetween>
    ),
  },
  { id: 'steps', header: 'Steps', cell: (j) => j.steps.length },
  { id: 'version', header: 'Version', cell: (j) => j.version },
  {
    id: 'updated',
    header: 'Updated',
    cell: (j) => (
      <>
        <DateTime iso={j.updatedAt} /> by {j.updatedBy}
      </>
    ),
  },
  { id: 'description', header: 'Description', maxWidth: 320, cell: (j) => j.description },
];

export const JobsTable = ({ projectId, pages, canManage }: { projectId: string; pages: CursorPages<Job>; canManage: boolean }) => (
  <Table<Job>
    variant="full-page"
    items={pages.items}
    columnDefinitions={columns}
    trackBy="id"
    loading={pages.loading}
    loadingText="Loading jobs"
    wrapLines
    ariaLabels={{ tableLabel: 'Jobs' }}
    renderAriaLive={({ firstIndex, lastIndex }) => `Displaying jobs ${firstIndex} to ${lastIndex}`}
    header={
      <Header
        variant="awsui-h1-sticky"
        counter={counterOf(pages)}
        description="Ordered steps with typed parameters, run on the project's targets. Every save makes a new version."
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button iconName="refresh" ariaLabel="Refresh jobs" onClick={() => void pages.reload()} disabled={pages.loading} />
            {canManage && (
              <Button variant="primary" href={newJobHref(projectId)} onFollow={followLink} data-testid="create-job">
                Create job
              </Button>
            )}
          </SpaceBetween>
        }
      >
        Jobs
      </Header>
    }
    empty={
      <Box textAlign="center" color="inherit">
        <b>No jobs</b>
        <Box variant="p" color="inherit">
          {canManage ? 'Create a job to run commands on this project’s targets.' : 'An admin of this project can create jobs.'}
        </Box>
      </Box>
    }
    pagination={<CursorPagination pages={pages} label="Jobs" />}
  />
);
