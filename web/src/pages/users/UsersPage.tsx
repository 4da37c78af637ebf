import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../../api/errors';
import type { User } from '../../api/types';
import { usersApi } from '../../api/users';
import { isGlobalAdmin, nameOf } from '../../app/access';
import { useFlash } from '../../app/flash';
import { useApi, useMe } from '../../app/services';
import { ConfirmModal } from '../../components/ConfirmModal';
import { InviteUserModal } from './components/InviteUserModal';
import { UsersTable, type UserAction } from './components/UsersTable';
import { useUserPages } from './hooks/use-user-pages';

type Dialog = { kind: 'invite' } | { kind: 'confirm'; action: UserAction; user: User } | undefined;

interface ActionText {
  header: string;
  confirm: string;
  pending: string;
  failure: string;
  body: (u: User) => ReactNode;
  done: (u: User) => string;
}

const actionTexts: Record<UserAction, ActionText> = {
  enable: {
    header: 'Enable sign-in',
    confirm: 'Enable',
    pending: 'Enabling',
    failure: 'The user was not enabled',
    body: (u) => (
      <>
        Let <b>{u.userId}</b> sign in again?
      </>
    ),
    done: (u) => `${u.userId} can sign in again.`,
  },
  disable: {
    header: 'Disable sign-in',
    confirm: 'Disable',
    pending: 'Disabling',
    failure: 'The user was not disabled',
    body: (u) => (
      <>
        Stop <b>{u.userId}</b> from signing in? Their current sessions end at once. Their memberships are kept, so enabling them again
        restores their access.
      </>
    ),
    done: (u) => `${u.userId} can no longer sign in.`,
  },
  makeAdmin: {
    header: 'Make global admin',
    confirm: 'Make global admin',
    pending: 'Saving',
    failure: 'The user was not made a global admin',
    body: (u) => (
      <>
        Make <b>{u.userId}</b> a global admin? They will be able to do everything: every project, all users and the settings. It takes effect at
        their next sign-in or token renewal (within the hour).
      </>
    ),
    done: (u) => `${u.userId} is now a global admin.`,
  },
  removeAdmin: {
    header: 'Remove global admin',
    confirm: 'Remove global admin',
    pending: 'Saving',
    failure: 'The global admin rights were not removed',
    body: (u) => (
      <>
        Remove the global admin rights of <b>{u.userId}</b>? They keep their project memberships. Sessions they already have keep the
        rights until their tokens are renewed (within the hour); disable the user as well to cut them off at once.
      </>
    ),
    done: (u) => `${u.userId} is no longer a global admin.`,
  },
  delete: {
    header: 'Delete user',
    confirm: 'Delete',
    pending: 'Deleting',
    failure: 'The user was not deleted',
    body: (u) => (
      <>
        Delete <b>{u.userId}</b> ({u.email}) permanently? Their sessions end at once and they are removed from every project. This cannot be undone.
      </>
    ),
    done: (u) => `${u.userId} was deleted.`,
  },
};

/** The people who can sign in (/users), for global admins: invite, enable or disable, admin rights, delete. */
export const UsersPage = () => {
  const me = useMe();
  const admin = isGlobalAdmin(me);
  const api = useApi(usersApi);
  const pages = useUserPages(admin);
  const flash = useFlash();
  const self = nameOf(me);
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
  const [dialog, setDialog] = useState<Dialog>(undefined);
  const selected = pages.items.find((u) => u.userId === selectedId);

  if (me === undefined) return <Spinner size="large" />;
  if (!admin) {
    return (
      <ContentLayout header={<Header variant="h1">Users</Header>}>
        <Alert type="info" header="Users are managed by global admins">
          Only global administrators can see and manage users. Ask one of them to invite someone or change their access.
        </Alert>
      </ContentLayout>
    );
  }

  const close = () => {
    setDialog(undefined);
  };

  const run = async (action: UserAction, user: User) => {
    if (action === 'delete') {
      try {
        await api.remove(user.userId);
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) throw e;
      }
      setSelectedId(undefined);
      pages.remove(user.userId);
    } else {
      const input = action === 'enable' || action === 'disable' ? { enabled: action === 'enable' } : { admin: action === 'makeAdmin' };
      pages.replace(await api.update(user.userId, input));
    }
    close();
    flash.notify({ type: 'success', content: actionTexts[action].done(user) });
  };

  return (
    <SpaceBetween size="m">
      {pages.error !== undefined && (
        <Alert type="error" header="Users could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <UsersTable
        pages={pages}
        self={self}
        selected={selected}
        onSelect={(u) => {
          setSelectedId(u?.userId);
        }}
        onInvite={() => {
          setDialog({ kind: 'invite' });
        }}
        onAction={(action) => {
          if (selected) setDialog({ kind: 'confirm', action, user: selected });
        }}
      />
      {dialog?.kind === 'invite' && (
        <InviteUserModal
          onDismiss={close}
          onInvited={(user) => {
            setSelectedId(user.userId);
            void pages.reload();
            flash.notify({ type: 'success', content: `${user.userId} was invited.` });
          }}
        />
      )}
      {dialog?.kind === 'confirm' && (
        <ConfirmModal
          header={actionTexts[dialog.action].header}
          confirmText={actionTexts[dialog.action].confirm}
          pendingText={actionTexts[dialog.action].pending}
          failureHeader={actionTexts[dialog.action].failure}
          onDismiss={close}
          onConfirm={() => run(dialog.action, dialog.user)}
        >
          <Box variant="p">{actionTexts[dialog.action].body(dialog.user)}</Box>
        </ConfirmModal>
      )}
    </SpaceBetween>
  );
};
