import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import type { ApiKey } from '../../../api/types';
import { roleLabels } from '../../../app/access';
import type { CursorPages } from '../../../app/use-cursor-pages';
import { CursorPagination, counterOf } from '../../../components/CursorPagination';
import { DateTime } from '../../../components/DateTime';

const expired = (k: ApiKey): boolean => Date.parse(k.expiresAt) <= Date.now();

const columns: TableProps.ColumnDefinition<ApiKey>[] = [
  { id: 'name', header: 'Name', cell: (k) => k.name, isRowHeader: true, minWidth: 140 },
  { id: 'keyId', header: 'Key ID', cell: (k) => <Box variant="code">{k.keyId}</Box> },
  { id: 'role', header: 'Role', cell: (k) => roleLabels[k.role] },
  {
    id: 'expiresAt',
    header: 'Expires',
    cell: (k) =>
      expired(k) ? (
        <StatusIndicator type="stopped">
          Expired <DateTime iso={k.expiresAt} />
        </StatusIndicator>
      ) : (
        <DateTime iso={k.expiresAt} />
      ),
  },
  {
    id: 'lastUsedAt',
    header: 'Last used',
    minWidth: 140,
    cell: (k) => (k.lastUsedAt === undefined ? <Box color="text-status-inactive">Never</Box> : <DateTime iso={k.lastUsedAt} />),
  },
  {
    id: 'created',
    header: 'Created',
    cell: (k) => (
      <>
        <DateTime iso={k.createdAt} /> by {k.createdBy}
      </>
    ),
  },
];

interface Props {
  pages: CursorPages<ApiKey>;
  selected: ApiKey | undefined;
  onSelect: (key: ApiKey | undefined) => void;
  onCreate: () => void;
  onRevoke: () => void;
  empty: ReactNode;
}

export const ApiKeysTable = ({ pages, selected, onSelect, onCreate, onRevoke, empty }: Props) => (
  <Table<ApiKey>
    variant="container"
    items={pages.items}
    columnDefinitions={columns}
    trackBy="keyId"
    loading={pages.loading}
    loadingText="Loading API keys"
    selectionType="single"
    selectedItems={selected === undefined ? [] : [selected]}
    onSelectionChange={(event) => {
      onSelect(event.detail.selectedItems[0]);
    }}
    wrapLines
    ariaLabels={{
      tableLabel: 'API keys',
      selectionGroupLabel: 'API key selection',
      itemSelectionLabel: (_, item) => `Select API key ${item.name}`,
      allItemsSelectionLabel: () => 'Select all API keys',
    }}
    renderAriaLive={({ firstIndex, lastIndex }) => `Displaying API keys ${firstIndex} to ${lastIndex}`}
    header={
      <Header
        variant="h2"
        counter={counterOf(pages)}
        description="Keys let integrations call the API for this project, as an operator or a viewer. Send one in the X-Api-Key header."
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button iconName="refresh" ariaLabel="Refresh API keys" onClick={() => void pages.reload()} disabled={pages.loading} />
            <Button onClick={onRevoke} disabled={selected === undefined}>
              Revoke
            </Button>
            <Button variant="primary" onClick={onCreate} data-testid="create-api-key">
              Create API key
            </Button>
          </SpaceBetween>
        }
      >
        API keys
      </Header>
    }
    empty={empty}
    pagination={<CursorPagination pages={pages} label="API keys" />}
  />
);
