import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import type { Credential } from '../../../api/types';
import type { CursorPages } from '../../../app/use-cursor-pages';
import { CursorPagination, counterOf } from '../../../components/CursorPagination';
import { DateTime } from '../../../components/DateTime';
import { kindLabels, loginOf } from '../kinds';

const columns: TableProps.ColumnDefinition<Credential>[] = [
  { id: 'name', header: 'Name', cell: (c) => c.name, isRowHeader: true, minWidth: 140 },
  { id: 'kind', header: 'Kind', cell: (c) => kindLabels[c.kind] },
  { id: 'username', header: 'Username', cell: (c) => loginOf(c) },
  {
    id: 'fingerprint',
    header: 'Public key fingerprint',
    minWidth: 200,
    cell: (c) => (c.publicKeyFingerprint === undefined ? <Box color="text-status-inactive">—</Box> : <Box variant="code">{c.publicKeyFingerprint}</Box>),
  },
  {
    id: 'created',
    header: 'Created',
    cell: (c) => (
      <>
        <DateTime iso={c.createdAt} /> by {c.createdBy}
      </>
    ),
  },
  { id: 'rotated', header: 'Rotated', cell: (c) => (c.rotatedAt === undefined ? <Box color="text-status-inactive">Never</Box> : <DateTime iso={c.rotatedAt} />) },
  { id: 'description', header: 'Description', maxWidth: 320, cell: (c) => c.description },
];

interface Props {
  pages: CursorPages<Credential>;
  canManage: boolean;
  selected: Credential | undefined;
  onSelect: (credential: Credential | undefined) => void;
  onCreate: () => void;
  onRotate: () => void;
  onDelete: () => void;
  empty: ReactNode;
}

export const CredentialsTable = ({ pages, canManage, selected, onSelect, onCreate, onRotate, onDelete, empty }: Props) => (
  <Table<Credential>
    variant="container"
    items={pages.items}
    columnDefinitions={columns}
    trackBy="id"
    loading={pages.loading}
    loadingText="Loading credentials"
    {...(canManage
      ? {
          selectionType: 'single' as const,
          selectedItems: selected === undefined ? [] : [selected],
          onSelectionChange: (event: { detail: TableProps.SelectionChangeDetail<Credential> }) => {
            onSelect(event.detail.selectedItems[0]);
          },
        }
      : {})}
    wrapLines
    ariaLabels={{
      tableLabel: 'Credentials',
      selectionGroupLabel: 'Credential selection',
      itemSelectionLabel: (_, item) => `Select credential ${item.name}`,
      allItemsSelectionLabel: () => 'Select all credentials',
    }}
    renderAriaLive={({ firstIndex, lastIndex }) => `Displaying credentials ${firstIndex} to ${lastIndex}`}
    header={
      <Header
        variant="h2"
        counter={counterOf(pages)}
        description="The logins targets use. Passwords and keys go to the secret store and are never shown again; only admins change them."
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button iconName="refresh" ariaLabel="Refresh credentials" onClick={() => void pages.reload()} disabled={pages.loading} />
            {canManage && (
              <>
                <Button onClick={onRotate} disabled={selected === undefined}>
                  Rotate
                </Button>
                <Button onClick={onDelete} disabled={selected === undefined}>
                  Delete
                </Button>
                <Button variant="primary" onClick={onCreate} data-testid="create-credential">
                  Create credential
                </Button>
              </>
            )}
          </SpaceBetween>
        }
      >
        Credentials
      </Header>
    }
    empty={empty}
    pagination={<CursorPagination pages={pages} label="Credentials" />}
  />
);
