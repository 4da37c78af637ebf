import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import CopyToClipboard from '@cloudscape-design/components/copy-to-clipboard';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useId, type ReactNode } from 'react';

/**
 * A secret the API answers exactly once (an API key, a temporary password). It lives only in the
 * state of the dialog that shows it: closing the dialog drops it, and nothing else keeps a copy.
 */
export const OneTimeSecret = ({
  label,
  value,
  warningHeader,
  warning,
  copyLabel,
}: {
  label: string;
  value: string;
  warningHeader: string;
  warning: ReactNode;
  copyLabel: string;
}) => {
  const labelId = useId();
  return (
    <SpaceBetween size="m">
      <Alert type="warning" header={warningHeader}>
        {warning}
      </Alert>
      <div>
        <div id={labelId}>
          <Box variant="awsui-key-label">{label}</Box>
        </div>
        <div role="group" aria-labelledby={labelId}>
          <SpaceBetween size="xs">
            <Box variant="code" fontSize="body-m">
              <span data-testid="one-time-secret" style={{ wordBreak: 'break-all' }}>
                {value}
              </span>
            </Box>
            <CopyToClipboard
              variant="button"
              copyButtonText={copyLabel}
              textToCopy={value}
              copySuccessText={`${label} copied`}
              copyErrorText="It could not be copied: select the text and copy it yourself."
            />
          </SpaceBetween>
        </div>
      </div>
    </SpaceBetween>
  );
};

/**
 * The dialog that shows a one-time secret after it was created. A stray click beside it must not
 * throw the only copy away: it closes on purpose only (Done, the close button, Escape).
 */
export const OneTimeSecretModal = ({
  header,
  intro,
  onDone,
  ...secret
}: {
  header: string;
  intro: ReactNode;
  onDone: () => void;
  label: string;
  value: string;
  warningHeader: string;
  warning: ReactNode;
  copyLabel: string;
}) => (
  <Modal
    visible
    onDismiss={(event) => {
      if (event.detail.reason !== 'overlay') onDone();
    }}
    header={header}
    closeAriaLabel="Close dialog"
    size="medium"
    footer={
      <Box float="right">
        <Button variant="primary" onClick={onDone}>
          Done
        </Button>
      </Box>
    }
  >
    <SpaceBetween size="m">
      <Box variant="p">{intro}</Box>
      <OneTimeSecret {...secret} />
    </SpaceBetween>
  </Modal>
);
