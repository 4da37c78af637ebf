import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ConnectionTestResult } from '../../../api/types';

/** What the test just run found: connected (latency, OS, host key) or the failure's category and message. */
export const TestResultPanel = ({
  result,
  canAcceptKey,
  onReviewKey,
  onDismiss,
}: {
  result: ConnectionTestResult;
  canAcceptKey: boolean;
  onReviewKey: () => void;
  onDismiss: () => void;
}) => {
  const mismatch = !result.ok && result.category === 'HOST_KEY_MISMATCH' && result.hostKeyFingerprint !== undefined;
  const items = [
    ...(result.ok
      ? [
          { label: 'Operating system', value: <span data-testid="test-result-os">{result.os}</span> },
          { label: 'Latency', value: `${result.latencyMs} ms` },
        ]
      : [
          { label: 'Category', value: <span data-testid="test-result-category">{result.category}</span> },
          { label: 'Message', value: result.message },
        ]),
    ...(result.hostKeyFingerprint === undefined
      ? []
      : [
          {
            label: result.ok ? 'Host key' : 'Host key presented',
            value: (
              <Box variant="code">
                <span data-testid="test-result-fingerprint">{result.hostKeyFingerprint}</span>
              </Box>
            ),
          },
        ]),
  ];
  return (
    <div data-testid="test-result">
      <Alert
        type={result.ok ? 'success' : 'error'}
        header={result.ok ? 'Connection test passed' : 'Connection test failed'}
        dismissible
        i18nStrings={{ dismissAriaLabel: 'Dismiss test result' }}
        onDismiss={onDismiss}
        action={
          mismatch && canAcceptKey ? (
            <Button onClick={onReviewKey} data-testid="review-host-key">
              Review new host key
            </Button>
          ) : undefined
        }
      >
        <SpaceBetween size="s">
          <KeyValuePairs columns={3} items={items} />
          {mismatch && !canAcceptKey && (
            <Box variant="p">The host presents another key than the one trusted. An admin of this project must check and accept it.</Box>
          )}
        </SpaceBetween>
      </Alert>
    </div>
  );
};
