import Box from '@cloudscape-design/components/box';
import { ApiError } from '../../../api/errors';
import { targetsApi } from '../../../api/targets';
import type { Target } from '../../../api/types';
import { useApi } from '../../../app/services';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { endpointOf } from '../display';

/** "Delete this target?" — from the list or its own page. A target already gone counts as deleted. */
export const DeleteTargetModal = ({ target, onDismiss, onDeleted }: { target: Target; onDismiss: () => void; onDeleted: (target: Target) => void }) => {
  const api = useApi(targetsApi);
  const remove = async () => {
    try {
      await api.remove(target.projectId, target.id);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    onDeleted(target);
  };
  return (
    <ConfirmModal
      header="Delete target"
      confirmText="Delete"
      pendingText="Deleting"
      failureHeader="The target was not deleted"
      onDismiss={onDismiss}
      onConfirm={remove}
    >
      <Box variant="p">
        Delete the target <b>{target.name}</b> ({endpointOf(target)})? Jobs no longer run on it, and its trusted host key is forgotten. This
        cannot be undone.
      </Box>
    </ConfirmModal>
  );
};
