import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState } from 'react';
import { ApiError, messageOf } from '../../../api/errors';
import type { Project } from '../../../api/types';
import { useProjectsApi } from '../hooks/use-projects-api';

interface Props {
  project: Project;
  onDismiss: () => void;
  onDeleted: (project: Project) => void;
}

export const DeleteProjectModal = ({ project, onDismiss, onDeleted }: Props) => {
  const api = useProjectsApi();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const confirm = async () => {
    setPending(true);
    setError(undefined);
    try {
      await api.remove(project.id);
      onDeleted(project);
    } catch (e) {
      // Already gone is what the user asked for.
      if (e instanceof ApiError && e.status === 404) {
        onDeleted(project);
        return;
      }
      setPending(false);
      setError(messageOf(e));
    }
  };

  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header="Delete project"
      closeAriaLabel="Close dialog"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onDismiss}>
              Cancel
            </Button>
            <Button variant="primary" onClick={() => void confirm()} loading={pending} loadingText="Deleting" data-testid="confirm-delete">
              Delete
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box variant="p">
          Delete project <b>{project.name}</b> permanently? This cannot be undone.
        </Box>
        {error !== undefined && (
          <Alert type="error" header="The project was not deleted">
            {error}
          </Alert>
        )}
      </SpaceBetween>
    </Modal>
  );
};
