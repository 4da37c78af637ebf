import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import type { Member } from '../../../api/types';
import { roleLabels } from '../../../app/access';
import type { CursorPages } from '../../../app/use-cursor-pages';
import { CursorPagination, counterOf } from '../../../components/CursorPagination';
import { DateTime } from '../../../components/DateTime';

interface Props {
  pages: CursorPages<Member>;
  /** The caller's username, marked "(you)". */
  self: string | undefined;
  /** Whether the caller may add, change and remove members: without it the table only lists. */
  canManage: boolean;
  selected: Member | undefined;
  onSelect: (member: Member | undefined) => void;
  onAdd: () => void;
  onChangeRole: () => void;
  onRemove: () => void;
  empty: ReactNode;
}

export const MembersTable = ({ pages, self, canManage, selected, onSelect, onAdd, onChangeRole, onRemove, empty }: Props) => {
  const columns: TableProps.ColumnDefinition<Member>[] = [
    { id: 'user', header: 'User', cell: (m) => (m.userId === self ? `${m.userId} (you)` : m.userId), isRowHeader: true },
    { id: 'role', header: 'Role', cell: (m) => roleLabels[m.role] },
    { id: 'addedBy', header: 'Added by', cell: (m) => m.addedBy },
    { id: 'addedAt', header: 'Added', cell: (m) => <DateTime iso={m.addedAt} /> },
    { id: 'updatedAt', header: 'Role last changed', cell: (m) => <DateTime iso={m.updatedAt} /> },
  ];
  return (
    <Table<Member>
      variant="container"
      items={pages.items}
      columnDefinitions={columns}
      trackBy="userId"
      loading={pages.loading}
      loadingText="Loading members"
      {...(canManage
        ? {
            selectionType: 'single' as const,
            selectedItems: selected === undefined ? [] : [selected],
            onSelectionChange: (event: { detail: TableProps.SelectionChangeDetail<Member> }) => {
              onSelect(event.detail.selectedItems[0]);
            },
          }
        : {})}
      wrapLines
      ariaLabels={{
        tableLabel: 'Members',
        selectionGroupLabel: 'Member selection',
        itemSelectionLabel: (_, item) => `Select member ${item.userId}`,
        allItemsSelectionLabel: () => 'Select all members',
      }}
      renderAriaLive={({ firstIndex, lastIndex }) => `Displaying members ${firstIndex} to ${lastIndex}`}
      header={
        <Header
          variant="h2"
          counter={counterOf(pages)}
          description={
            canManage
              ? 'The people who can use this project, and what they may do in it.'
              : 'The people who can use this project. Only project admins change members.'
          }
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel="Refresh members" onClick={() => void pages.reload()} disabled={pages.loading} />
              {canManage && (
                <>
                  <Button onClick={onChangeRole} disabled={selected === undefined}>
                    Change role
                  </Button>
                  <Button onClick={onRemove} disabled={selected === undefined}>
                    Remove
                  </Button>
                  <Button variant="primary" onClick={onAdd}>
                    Add member
                  </Button>
                </>
              )}
            </SpaceBetween>
          }
        >
          Members
        </Header>
      }
      empty={
        empty ?? (
          <Box textAlign="center" color="inherit">
            No members
          </Box>
        )
      }
      pagination={<CursorPagination pages={pages} label="Members" />}
    />
  );
};
