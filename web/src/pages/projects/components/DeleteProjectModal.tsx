import Box from '@cloudscape-design/components/box';
import { ApiError } from '../../../api/errors';
import type { Project } from '../../../api/types';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { useProjectsApi } from '../hooks/use-projects-api';

interface Props {
  project: Project;
  onDismiss: () => void;
  onDeleted: (project: Project) => void;
}

export const DeleteProjectModal = ({ project, onDismiss, onDeleted }: Props) => {
  const api = useProjectsApi();

  const remove = async () => {
    try {
      await api.remove(project.id);
    } catch (e) {
      // Already gone is what the user asked for.
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    onDeleted(project);
  };

  return (
    <ConfirmModal
      header="Delete project"
      confirmText="Delete"
      pendingText="Deleting"
      failureHeader="The project was not deleted"
      onDismiss={onDismiss}
      onConfirm={remove}
    >
      <Box variant="p">
        Delete project <b>{project.name}</b> permanently? This cannot be undone.
      </Box>
    </ConfirmModal>
  );
};
