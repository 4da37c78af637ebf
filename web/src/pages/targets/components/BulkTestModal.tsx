import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Link from '@cloudscape-design/components/link';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { messageOf } from '../../../api/errors';
import { targetsApi } from '../../../api/targets';
import type { BulkTestResult, TargetFilter } from '../../../api/types';
import { followLink } from '../../../app/router';
import { targetHref } from '../../../app/routes';
import { useApi } from '../../../app/services';

/**
 * "Test all matching": one request tests every target the selector matches (a few connections at
 * a time, on the server), then the results are listed. The API selects by tags only, so name and
 * protocol filters do not narrow it; the dialog says so before anything runs.
 */
export const BulkTestModal = ({
  projectId,
  filter,
  onDismiss,
  onTested,
}: {
  projectId: string;
  filter: TargetFilter;
  onDismiss: () => void;
  /** Called once the tests ran (the targets' last results changed). */
  onTested: () => void;
}) => {
  const api = useApi(targetsApi);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [results, setResults] = useState<BulkTestResult[] | undefined>(undefined);
  const selector = filter.selector ?? '';

  const run = async () => {
    setPending(true);
    setError(undefined);
    try {
      const answer = await api.testAll(projectId, selector);
      setResults(answer.results);
      onTested();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setPending(false);
    }
  };

  const passed = results?.filter((r) => r.ok).length ?? 0;
  const failed = (results?.length ?? 0) - passed;

  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header="Test all matching targets"
      closeAriaLabel="Close dialog"
      size="large"
      footer={
        <Box float="right">
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant={results === undefined ? 'link' : 'primary'} onClick={onDismiss}>
              {results === undefined ? 'Cancel' : 'Close'}
            </Button>
            {results === undefined && (
              <Button variant="primary" onClick={() => void run()} loading={pending} loadingText="Testing connections">
                Run tests
              </Button>
            )}
          </SpaceBetween>
        </Box>
      }
    >
      <SpaceBetween size="m">
        <Box variant="p">
          {selector === '' ? (
            <>No tag filter is set: every target of the project is tested.</>
          ) : (
            <>
              Every target matching the selector <Box variant="code">{selector}</Box> is tested: the connection, the host key and the login.
            </>
          )}
        </Box>
        {(filter.namePrefix !== undefined || filter.protocol !== undefined) && (
          <Alert type="info">Name and protocol filters do not apply here: tests select targets by their tags only.</Alert>
        )}
        {error !== undefined && (
          <Alert type="error" header="The tests did not run">
            {error}
          </Alert>
        )}
        {results !== undefined && (
          <Table<BulkTestResult>
            variant="embedded"
            items={results}
            trackBy="targetId"
            wrapLines
            ariaLabels={{ tableLabel: 'Test results' }}
            header={
              <Box variant="h3" padding={{ top: 'n' }}>
                {results.length} tested: {passed} passed, {failed} failed
              </Box>
            }
            empty={<Box textAlign="center">No target matches.</Box>}
            columnDefinitions={[
              {
                id: 'name',
                header: 'Target',
                isRowHeader: true,
                cell: (r) => (
                  <Link href={targetHref(projectId, r.targetId)} onFollow={followLink}>
                    {r.name}
                  </Link>
                ),
              },
              {
                id: 'result',
                header: 'Result',
                cell: (r) =>
                  r.ok ? (
                    <StatusIndicator type="success">Passed{r.latencyMs === undefined ? '' : ` · ${r.latencyMs} ms`}</StatusIndicator>
                  ) : (
                    <StatusIndicator type="error">{r.category ?? 'Failed'}</StatusIndicator>
                  ),
              },
              { id: 'message', header: 'Message', cell: (r) => r.message ?? '' },
            ]}
          />
        )}
      </SpaceBetween>
    </Modal>
  );
};
