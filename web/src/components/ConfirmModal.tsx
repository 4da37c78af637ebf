import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Modal, { type ModalProps } from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState, type ReactNode } from 'react';
import { messageOf } from '../api/errors';

/**
 * "Are you sure?" for an action that changes or removes something. The action's failure (the
 * API's refusal, as it answered) is shown in the dialog, which stays open.
 */
export const ConfirmModal = ({
  header,
  children,
  confirmText,
  pendingText,
  failureHeader,
  onConfirm,
  onDismiss,
  renderError = messageOf,
  confirmDisabled = false,
  size = 'medium',
}: {
  header: string;
  children: ReactNode;
  confirmText: string;
  pendingText: string;
  failureHeader: string;
  /** Resolves when done (the caller closes the dialog); a rejection is shown in the dialog. */
  onConfirm: () => Promise<void>;
  onDismiss: () => void;
  /** How a failure reads in the dialog (default: the API's message). */
  renderError?: (e: unknown) => ReactNode;
  /** Until the person has done what the dialog asks (ticked a box), the action is not offered. */
  confirmDisabled?: boolean;
  size?: ModalProps.Size;
}) => {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<{ cause: unknown } | undefined>(undefined);

  const confirm = async () => {
    setPending(true);
    setError(undefined);
    try {
      await onConfirm();
    } catch (e) {
      setPending(false);
      setError({ cause: e });
    }
  };

  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header={header}
      closeAriaLabel="Close dialog"
      size={size}
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" onClick={onDismiss}>
              Cancel
            </Button>
            <Button variant="primary" onClick={() => void confirm()} loading={pending} loadingText={pendingText} disabled={confirmDisabled}>
              {confirmText}
            </Button>
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        {children}
        {error !== undefined && (
          <Alert type="error" header={failureHeader}>
            {renderError(error.cause)}
          </Alert>
        )}
      </SpaceBetween>
    </Modal>
  );
};
