import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ButtonDropdown, { type ButtonDropdownProps } from '@cloudscape-design/components/button-dropdown';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import type { User, UserStatus } from '../../../api/types';
import type { CursorPages } from '../../../app/use-cursor-pages';
import { CursorPagination, counterOf } from '../../../components/CursorPagination';
import { DateTime } from '../../../components/DateTime';

const statuses: Record<UserStatus, { type: StatusIndicatorProps.Type; text: string }> = {
  FORCE_CHANGE_PASSWORD: { type: 'pending', text: 'Invited (must choose a password)' },
  CONFIRMED: { type: 'success', text: 'Active' },
  RESET_REQUIRED: { type: 'warning', text: 'Password reset required' },
  UNCONFIRMED: { type: 'pending', text: 'Unconfirmed' },
  UNKNOWN: { type: 'info', text: 'Unknown' },
};

export type UserAction = 'enable' | 'disable' | 'makeAdmin' | 'removeAdmin' | 'delete';

const columns = (self: string | undefined): TableProps.ColumnDefinition<User>[] => [
  { id: 'userId', header: 'Username', cell: (u) => (u.userId === self ? `${u.userId} (you)` : u.userId), isRowHeader: true, minWidth: 140 },
  { id: 'email', header: 'Email', cell: (u) => u.email, minWidth: 180 },
  {
    id: 'status',
    header: 'Status',
    minWidth: 200,
    cell: (u) => {
      const s = statuses[u.status];
      return <StatusIndicator type={s.type}>{s.text}</StatusIndicator>;
    },
  },
  {
    id: 'enabled',
    header: 'Sign-in',
    minWidth: 120,
    cell: (u) => (u.enabled ? <StatusIndicator type="success">Enabled</StatusIndicator> : <StatusIndicator type="stopped">Disabled</StatusIndicator>),
  },
  { id: 'admin', header: 'Global admin', cell: (u) => (u.admin ? 'Yes' : 'No') },
  {
    id: 'mfa',
    header: 'MFA',
    minWidth: 160,
    cell: (u) => (u.mfaEnabled ? <StatusIndicator type="success">Authenticator app</StatusIndicator> : <Box color="text-status-inactive">Off</Box>),
  },
  { id: 'createdAt', header: 'Created', cell: (u) => <DateTime iso={u.createdAt} />, minWidth: 160 },
];

const SELF = 'Not for your own account: ask another administrator.';

const actionItems = (selected: User | undefined, self: string | undefined): ButtonDropdownProps.Item[] => {
  const isSelf = selected !== undefined && selected.userId === self;
  return [
    selected?.enabled === false
      ? { id: 'enable', text: 'Enable sign-in' }
      : { id: 'disable', text: 'Disable sign-in', disabled: isSelf, ...(isSelf ? { disabledReason: SELF } : {}) },
    selected?.admin === true
      ? { id: 'removeAdmin', text: 'Remove global admin', disabled: isSelf, ...(isSelf ? { disabledReason: SELF } : {}) }
      : { id: 'makeAdmin', text: 'Make global admin' },
    { id: 'delete', text: 'Delete', disabled: isSelf, ...(isSelf ? { disabledReason: SELF } : {}) },
  ];
};

interface Props {
  pages: CursorPages<User>;
  self: string | undefined;
  selected: User | undefined;
  onSelect: (user: User | undefined) => void;
  onInvite: () => void;
  onAction: (action: UserAction) => void;
}

export const UsersTable = ({ pages, self, selected, onSelect, onInvite, onAction }: Props) => (
  <Table<User>
    variant="full-page"
    items={pages.items}
    columnDefinitions={columns(self)}
    trackBy="userId"
    loading={pages.loading}
    loadingText="Loading users"
    selectionType="single"
    selectedItems={selected === undefined ? [] : [selected]}
    onSelectionChange={(event) => {
      onSelect(event.detail.selectedItems[0]);
    }}
    wrapLines
    stickyHeader
    ariaLabels={{
      tableLabel: 'Users',
      selectionGroupLabel: 'User selection',
      itemSelectionLabel: (_, item) => `Select user ${item.userId}`,
      allItemsSelectionLabel: () => 'Select all users',
    }}
    renderAriaLive={({ firstIndex, lastIndex }) => `Displaying users ${firstIndex} to ${lastIndex}`}
    header={
      <Header
        variant="awsui-h1-sticky"
        counter={counterOf(pages)}
        description="The people who can sign in. Global admins manage everything; everyone else sees only the projects they are members of."
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button iconName="refresh" ariaLabel="Refresh users" onClick={() => void pages.reload()} disabled={pages.loading} />
            <ButtonDropdown
              items={actionItems(selected, self)}
              disabled={selected === undefined}
              onItemClick={(event) => {
                const id = event.detail.id;
                if (id === 'enable' || id === 'disable' || id === 'makeAdmin' || id === 'removeAdmin' || id === 'delete') onAction(id);
              }}
            >
              Actions
            </ButtonDropdown>
            <Button variant="primary" onClick={onInvite} data-testid="invite-user">
              Invite user
            </Button>
          </SpaceBetween>
        }
      >
        Users
      </Header>
    }
    empty={
      <Box textAlign="center" color="inherit">
        No users
      </Box>
    }
    pagination={<CursorPagination pages={pages} label="Users" />}
  />
);
