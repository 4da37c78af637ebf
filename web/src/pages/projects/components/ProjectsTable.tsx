import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import Pagination from '@cloudscape-design/components/pagination';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import type { Project, ProjectRole } from '../../../api/types';
import { roleLabels } from '../../../app/access';
import { followLink } from '../../../app/router';
import { projectHref } from '../../../app/routes';
import { DateTime } from '../../../components/DateTime';

const columns = (roleOf: (project: Project) => ProjectRole | undefined): TableProps.ColumnDefinition<Project>[] => [
  {
    id: 'name',
    header: 'Name',
    cell: (p) => (
      <Link href={projectHref(p.id)} onFollow={followLink}>
        {p.name}
      </Link>
    ),
    isRowHeader: true,
  },
  {
    id: 'description',
    header: 'Description',
    cell: (p) =>
      p.description === '' ? (
        <Box color="text-status-inactive">
          <span aria-label="No description">—</span>
        </Box>
      ) : (
        p.description
      ),
    maxWidth: 480,
  },
  {
    id: 'role',
    header: 'Your role',
    cell: (p) => {
      const role = roleOf(p);
      return role === undefined ? <Box color="text-status-inactive">…</Box> : roleLabels[role];
    },
  },
  { id: 'createdBy', header: 'Created by', cell: (p) => p.createdBy },
  {
    id: 'updatedAt',
    header: 'Updated',
    cell: (p) => <DateTime iso={p.updatedAt} />,
  },
];

interface Props {
  items: Project[];
  loadedCount: number;
  hasMore: boolean;
  loading: boolean;
  pageIndex: number;
  pagesCount: number;
  selected: Project | undefined;
  onSelect: (project: Project | undefined) => void;
  onPage: (pageIndex: number) => void;
  onRefresh: () => void;
  onCreate: () => void;
  onEdit: () => void;
  onDelete: () => void;
  empty: ReactNode;
  /** The caller's role in a project (from GET /v1/me); undefined while it loads. */
  roleOf: (project: Project) => ProjectRole | undefined;
  /** Global admins create and delete projects. */
  canCreate: boolean;
  canDelete: boolean;
  /** Whether the caller administers any project (then Edit is offered, for the projects they administer). */
  mayEditSome: boolean;
  canEdit: (project: Project) => boolean;
}

export const ProjectsTable = (props: Props) => {
  const { items, selected } = props;
  const counter = props.loading && props.loadedCount === 0 ? undefined : `(${props.loadedCount}${props.hasMore ? '+' : ''})`;
  // Rows are selectable only for actions the caller may take; the names always link to the project.
  const selectable = props.mayEditSome || props.canDelete;
  return (
    <Table<Project>
      variant="full-page"
      items={items}
      columnDefinitions={columns(props.roleOf)}
      trackBy="id"
      loading={props.loading}
      loadingText="Loading projects"
      {...(selectable
        ? {
            selectionType: 'single' as const,
            selectedItems: selected === undefined ? [] : [selected],
            onSelectionChange: (event: { detail: TableProps.SelectionChangeDetail<Project> }) => {
              props.onSelect(event.detail.selectedItems[0]);
            },
          }
        : {})}
      wrapLines
      stickyHeader
      ariaLabels={{
        tableLabel: 'Projects',
        selectionGroupLabel: 'Project selection',
        itemSelectionLabel: (_, item) => `Select project ${item.name}`,
        allItemsSelectionLabel: () => 'Select all projects',
      }}
      renderAriaLive={({ firstIndex, lastIndex }) => `Displaying projects ${firstIndex} to ${lastIndex}`}
      header={
        <Header
          variant="awsui-h1-sticky"
          counter={counter}
          description="Projects group targets, credentials, jobs and the people who use them. Open one to see its members and API keys."
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel="Refresh projects" onClick={props.onRefresh} disabled={props.loading} />
              {props.mayEditSome && (
                <Button
                  onClick={props.onEdit}
                  disabled={selected === undefined || !props.canEdit(selected)}
                  {...(selected !== undefined && !props.canEdit(selected) ? { disabledReason: 'Only admins of this project can edit it.' } : {})}
                >
                  Edit
                </Button>
              )}
              {props.canDelete && (
                <Button onClick={props.onDelete} disabled={selected === undefined}>
                  Delete
                </Button>
              )}
              {props.canCreate && (
                <Button variant="primary" onClick={props.onCreate} data-testid="create-project">
                  Create project
                </Button>
              )}
            </SpaceBetween>
          }
        >
          Projects
        </Header>
      }
      empty={props.empty}
      pagination={
        <Pagination
          currentPageIndex={props.pageIndex}
          pagesCount={props.pagesCount}
          openEnd={props.hasMore}
          disabled={props.loading}
          onChange={(event) => {
            props.onPage(event.detail.currentPageIndex);
          }}
          ariaLabels={{
            nextPageLabel: 'Next page',
            previousPageLabel: 'Previous page',
            pageLabel: (n) => `Page ${n}`,
            paginationLabel: 'Projects pages',
          }}
        />
      }
    />
  );
};
