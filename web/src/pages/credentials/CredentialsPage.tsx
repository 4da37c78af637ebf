import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { credentialsApi } from '../../api/credentials';
import { ApiError, messageOf } from '../../api/errors';
import type { Credential, Project } from '../../api/types';
import type { ProjectAbilities } from '../../app/access';
import { useFlash } from '../../app/flash';
import { followLink } from '../../app/router';
import { targetHref } from '../../app/routes';
import { useApi } from '../../app/services';
import { ConfirmModal } from '../../components/ConfirmModal';
import { CredentialFormModal } from './components/CredentialFormModal';
import { CredentialsTable } from './components/CredentialsTable';
import { useCredentialPages } from './hooks/use-credential-pages';
import { kindLabels } from './kinds';

type Dialog = { kind: 'create' } | { kind: 'rotate'; credential: Credential } | { kind: 'delete'; credential: Credential } | undefined;

/** The targets a 409 on delete names (`details.targets`): they still log in with the credential. */
const usersOf = (e: unknown): { id: string; name: string }[] => {
  if (!(e instanceof ApiError) || e.status !== 409 || typeof e.details !== 'object' || e.details === null) return [];
  const targets = (e.details as { targets?: unknown }).targets;
  if (!Array.isArray(targets)) return [];
  return targets.filter(
    (t): t is { id: string; name: string } =>
      typeof t === 'object' && t !== null && typeof (t as { id?: unknown }).id === 'string' && typeof (t as { name?: unknown }).name === 'string',
  );
};

/**
 * A project's credentials (/projects/<id>/credentials): everyone in the project sees the metadata
 * (never the material); admins create, rotate and delete. A credential that targets still use
 * cannot be deleted: the API's 409 lists them, and so does the dialog.
 */
export const CredentialsPage = ({ project, abilities }: { project: Project; abilities: ProjectAbilities }) => {
  const api = useApi(credentialsApi);
  const pages = useCredentialPages(project.id);
  const flash = useFlash();
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
  const [dialog, setDialog] = useState<Dialog>(undefined);
  const selected = pages.items.find((c) => c.id === selectedId);

  const close = () => {
    setDialog(undefined);
  };

  const remove = async (credential: Credential) => {
    try {
      await api.remove(project.id, credential.id);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    close();
    setSelectedId(undefined);
    pages.remove(credential.id);
    flash.notify({ type: 'success', content: `Credential “${credential.name}” was deleted. Its secret is gone from the secret store.` });
  };

  const openCreate = () => {
    setDialog({ kind: 'create' });
  };

  return (
    <SpaceBetween size="m">
      {pages.error !== undefined && (
        <Alert type="error" header="Credentials could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <CredentialsTable
        pages={pages}
        canManage={abilities.manageCredentials}
        selected={selected}
        onSelect={(c) => {
          setSelectedId(c?.id);
        }}
        onCreate={openCreate}
        onRotate={() => {
          if (selected) setDialog({ kind: 'rotate', credential: selected });
        }}
        onDelete={() => {
          if (selected) setDialog({ kind: 'delete', credential: selected });
        }}
        empty={
          <Box textAlign="center" color="inherit">
            <SpaceBetween size="m">
              <div>
                <Box variant="strong" color="inherit">
                  No credentials
                </Box>
                <Box variant="p" color="inherit">
                  {abilities.manageCredentials
                    ? 'Add the SSH keys and passwords targets log in with.'
                    : 'Nobody has added credentials to this project yet. Project admins add them.'}
                </Box>
              </div>
              {abilities.manageCredentials && <Button onClick={openCreate}>Create credential</Button>}
            </SpaceBetween>
          </Box>
        }
      />
      {(dialog?.kind === 'create' || dialog?.kind === 'rotate') && (
        <CredentialFormModal
          projectId={project.id}
          mode={dialog}
          onDismiss={close}
          onSaved={(credential) => {
            close();
            setSelectedId(credential.id);
            if (dialog.kind === 'create') void pages.reload();
            else pages.replace(credential);
            const fingerprint = credential.publicKeyFingerprint === undefined ? '' : ` Its public key is ${credential.publicKeyFingerprint}.`;
            flash.notify({
              type: 'success',
              content: `Credential “${credential.name}” was ${dialog.kind === 'create' ? 'created' : 'rotated'}.${fingerprint}`,
            });
          }}
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmModal
          header="Delete credential"
          confirmText="Delete"
          pendingText="Deleting"
          failureHeader="The credential was not deleted"
          onDismiss={close}
          onConfirm={() => remove(dialog.credential)}
          renderError={(e) => {
            const users = usersOf(e);
            return (
              <SpaceBetween size="xs">
                <span>{messageOf(e)}</span>
                {users.length > 0 && (
                  <ul aria-label="Targets using this credential" style={{ margin: 0 }}>
                    {users.map((t) => (
                      <li key={t.id}>
                        <Link href={targetHref(project.id, t.id)} onFollow={followLink}>
                          {t.name}
                        </Link>
                      </li>
                    ))}
                  </ul>
                )}
              </SpaceBetween>
            );
          }}
        >
          <Box variant="p">
            Delete the credential <b>{dialog.credential.name}</b> ({kindLabels[dialog.credential.kind]}, {dialog.credential.username})? Its secret is
            removed from the secret store. This cannot be undone.
          </Box>
        </ConfirmModal>
      )}
    </SpaceBetween>
  );
};
