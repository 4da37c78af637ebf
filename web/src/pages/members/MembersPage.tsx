import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { ApiError } from '../../api/errors';
import { membersApi } from '../../api/members';
import type { Member, Project } from '../../api/types';
import { isGlobalAdmin, nameOf, roleLabels, type ProjectAbilities } from '../../app/access';
import { useCurrentProject } from '../../app/current-project';
import { useFlash } from '../../app/flash';
import { navigate } from '../../app/router';
import { useApi, useMe, useReloadMe } from '../../app/services';
import { ConfirmModal } from '../../components/ConfirmModal';
import { AddMemberModal } from './components/AddMemberModal';
import { ChangeRoleModal } from './components/ChangeRoleModal';
import { MembersTable } from './components/MembersTable';
import { useMemberPages } from './hooks/use-member-pages';

type Dialog = { kind: 'add' } | { kind: 'role'; member: Member } | { kind: 'remove'; member: Member } | undefined;

/**
 * A project's members (/projects/<id>/members). Everyone in the project sees the list; adding,
 * changing roles and removing are offered to project admins only. The API keeps the last admin:
 * its 409 is shown in the dialog as it answered.
 */
export const MembersPage = ({ project, abilities }: { project: Project; abilities: ProjectAbilities }) => {
  const api = useApi(membersApi);
  const pages = useMemberPages(project.id);
  const me = useMe();
  const reloadMe = useReloadMe();
  const flash = useFlash();
  const current = useCurrentProject();
  const self = nameOf(me);
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
  const [dialog, setDialog] = useState<Dialog>(undefined);
  const selected = pages.items.find((m) => m.userId === selectedId);

  const close = () => {
    setDialog(undefined);
  };

  /** After a change to the caller's own membership, what they may do here changes too. */
  const afterOwnChange = async (removed: boolean) => {
    await reloadMe();
    if (removed && !isGlobalAdmin(me)) {
      current.forget(project.id);
      flash.notify({ type: 'success', content: `You left project “${project.name}”.`, forNextPage: true });
      navigate('/projects');
    }
  };

  const remove = async (member: Member) => {
    try {
      await api.remove(project.id, member.userId);
    } catch (e) {
      // Already gone is what was asked for.
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    close();
    setSelectedId(undefined);
    pages.remove(member.userId);
    if (member.userId === self) {
      await afterOwnChange(true);
      if (!isGlobalAdmin(me)) return;
    }
    flash.notify({ type: 'success', content: `${member.userId} was removed from the project.` });
  };

  return (
    <SpaceBetween size="m">
      {pages.error !== undefined && (
        <Alert type="error" header="Members could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <MembersTable
        pages={pages}
        self={self}
        canManage={abilities.manageMembers}
        selected={selected}
        onSelect={(m) => {
          setSelectedId(m?.userId);
        }}
        onAdd={() => {
          setDialog({ kind: 'add' });
        }}
        onChangeRole={() => {
          if (selected) setDialog({ kind: 'role', member: selected });
        }}
        onRemove={() => {
          if (selected) setDialog({ kind: 'remove', member: selected });
        }}
        empty={
          <Box textAlign="center" color="inherit">
            <Box variant="strong" color="inherit">
              No members
            </Box>
            <Box variant="p" color="inherit">
              {abilities.manageMembers ? 'Add the people who work on this project.' : 'Nobody is a member of this project yet.'}
            </Box>
          </Box>
        }
      />
      {dialog?.kind === 'add' && (
        <AddMemberModal
          projectId={project.id}
          members={pages.all}
          onDismiss={close}
          onAdded={(member) => {
            close();
            setSelectedId(member.userId);
            void pages.reload();
            flash.notify({ type: 'success', content: `${member.userId} was added as ${roleLabels[member.role]}.` });
            if (member.userId === self) void afterOwnChange(false);
          }}
        />
      )}
      {dialog?.kind === 'role' && (
        <ChangeRoleModal
          projectId={project.id}
          member={dialog.member}
          self={dialog.member.userId === self && !isGlobalAdmin(me)}
          onDismiss={close}
          onChanged={(member) => {
            close();
            pages.replace(member);
            flash.notify({ type: 'success', content: `${member.userId} is now ${roleLabels[member.role]}.` });
            if (member.userId === self) void afterOwnChange(false);
          }}
        />
      )}
      {dialog?.kind === 'remove' && (
        <ConfirmModal
          header="Remove member"
          confirmText="Remove"
          pendingText="Removing"
          failureHeader="The member was not removed"
          onDismiss={close}
          onConfirm={() => remove(dialog.member)}
        >
          <Box variant="p">
            Remove <b>{dialog.member.userId}</b> ({roleLabels[dialog.member.role]}) from project <b>{project.name}</b>? They lose access to it at
            once.
          </Box>
        </ConfirmModal>
      )}
    </SpaceBetween>
  );
};
