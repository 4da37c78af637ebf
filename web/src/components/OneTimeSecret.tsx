import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import CopyToClipboard from '@cloudscape-design/components/copy-to-clipboard';
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
