import Button from '@cloudscape-design/components/button';
import Form from '@cloudscape-design/components/form';
import Modal, { type ModalProps } from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ReactNode, SubmitEvent } from 'react';

/**
 * A dialog holding one form: the header names both, Enter submits, Cancel closes, and the form's
 * own failure (the API's refusal that belongs to no field) shows above the buttons.
 */
export const FormModal = ({
  header,
  submitText,
  pendingText,
  pending,
  error,
  onSubmit,
  onDismiss,
  size = 'medium',
  submitDisabled = false,
  submitTestId,
  children,
}: {
  header: string;
  submitText: string;
  pendingText: string;
  pending: boolean;
  error: ReactNode;
  onSubmit: () => void;
  onDismiss: () => void;
  size?: ModalProps.Size;
  submitDisabled?: boolean;
  submitTestId?: string;
  children: ReactNode;
}) => {
  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    onSubmit();
  };
  return (
    <Modal visible onDismiss={onDismiss} header={header} closeAriaLabel="Close dialog" size={size}>
      <form onSubmit={submit} noValidate aria-label={header}>
        <Form
          errorText={error}
          errorIconAriaLabel="Error"
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" formAction="none" onClick={onDismiss}>
                Cancel
              </Button>
              <Button
                variant="primary"
                formAction="submit"
                loading={pending}
                loadingText={pendingText}
                disabled={submitDisabled}
                {...(submitTestId === undefined ? {} : { 'data-testid': submitTestId })}
              >
                {submitText}
              </Button>
            </SpaceBetween>
          }
        >
          <SpaceBetween size="l">{children}</SpaceBetween>
        </Form>
      </form>
    </Modal>
  );
};
