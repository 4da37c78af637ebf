import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { apiKeysApi } from '../../api/api-keys';
import { ApiError } from '../../api/errors';
import type { ApiKey, Project } from '../../api/types';
import { useFlash } from '../../app/flash';
import { useApi } from '../../app/services';
import { ConfirmModal } from '../../components/ConfirmModal';
import { ApiKeysTable } from './components/ApiKeysTable';
import { CreateApiKeyModal } from './components/CreateApiKeyModal';
import { useApiKeyPages } from './hooks/use-api-key-pages';

type Dialog = { kind: 'create' } | { kind: 'revoke'; apiKey: ApiKey } | undefined;

/** A project's API keys (/projects/<id>/api-keys), for its admins: list, create (secret shown once), revoke. */
export const ApiKeysPage = ({ project }: { project: Project }) => {
  const api = useApi(apiKeysApi);
  const pages = useApiKeyPages(project.id);
  const flash = useFlash();
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
  const [dialog, setDialog] = useState<Dialog>(undefined);
  const selected = pages.items.find((k) => k.keyId === selectedId);

  const close = () => {
    setDialog(undefined);
  };

  const revoke = async (apiKey: ApiKey) => {
    try {
      await api.revoke(project.id, apiKey.keyId);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    close();
    setSelectedId(undefined);
    pages.remove(apiKey.keyId);
    flash.notify({ type: 'success', content: `API key “${apiKey.name}” was revoked. Requests with it are refused from now on.` });
  };

  const openCreate = () => {
    setDialog({ kind: 'create' });
  };

  return (
    <SpaceBetween size="m">
      {pages.error !== undefined && (
        <Alert type="error" header="API keys could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <ApiKeysTable
        pages={pages}
        selected={selected}
        onSelect={(k) => {
          setSelectedId(k?.keyId);
        }}
        onCreate={openCreate}
        onRevoke={() => {
          if (selected) setDialog({ kind: 'revoke', apiKey: selected });
        }}
        empty={
          <Box textAlign="center" color="inherit">
            <SpaceBetween size="m">
              <div>
                <Box variant="strong" color="inherit">
                  No API keys
                </Box>
                <Box variant="p" color="inherit">
                  Create a key for each integration that calls the API for this project.
                </Box>
              </div>
              <Button onClick={openCreate}>Create API key</Button>
            </SpaceBetween>
          </Box>
        }
      />
      {dialog?.kind === 'create' && (
        <CreateApiKeyModal
          projectId={project.id}
          onDismiss={close}
          onCreated={(apiKey) => {
            setSelectedId(undefined);
            void pages.reload();
            flash.notify({ type: 'success', content: `API key “${apiKey.name}” was created.` });
          }}
        />
      )}
      {dialog?.kind === 'revoke' && (
        <ConfirmModal
          header="Revoke API key"
          confirmText="Revoke"
          pendingText="Revoking"
          failureHeader="The API key was not revoked"
          onDismiss={close}
          onConfirm={() => revoke(dialog.apiKey)}
        >
          <Box variant="p">
            Revoke the API key <b>{dialog.apiKey.name}</b> ({dialog.apiKey.keyId})? Integrations using it are refused from the next request on.
            This cannot be undone.
          </Box>
        </ConfirmModal>
      )}
    </SpaceBetween>
  );
};
