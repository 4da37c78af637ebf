import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Pagination from '@cloudscape-design/components/pagination';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import type { Project } from '../../../api/types';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const formatDate = (iso: string): string => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
};

const columns: TableProps.ColumnDefinition<Project>[] = [
  { id: 'name', header: 'Name', cell: (p) => p.name, isRowHeader: true },
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
  { id: 'createdBy', header: 'Created by', cell: (p) => p.createdBy },
  {
    id: 'updatedAt',
    header: 'Updated',
    cell: (p) => <time dateTime={p.updatedAt}>{formatDate(p.updatedAt)}</time>,
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
}

export const ProjectsTable = (props: Props) => {
  const { items, selected } = props;
  const counter = props.loading && props.loadedCount === 0 ? undefined : `(${props.loadedCount}${props.hasMore ? '+' : ''})`;
  return (
    <Table<Project>
      variant="full-page"
      items={items}
      columnDefinitions={columns}
      trackBy="id"
      loading={props.loading}
      loadingText="Loading projects"
      selectionType="single"
      selectedItems={selected === undefined ? [] : [selected]}
      onSelectionChange={(event) => {
        props.onSelect(event.detail.selectedItems[0]);
      }}
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
          description="Projects group targets, credentials, jobs and the people who use them."
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel="Refresh projects" onClick={props.onRefresh} disabled={props.loading} />
              <Button onClick={props.onEdit} disabled={selected === undefined}>
                Edit
              </Button>
              <Button onClick={props.onDelete} disabled={selected === undefined}>
                Delete
              </Button>
              <Button variant="primary" onClick={props.onCreate} data-testid="create-project">
                Create project
              </Button>
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
