import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { RunHost } from '../../../api/runs';
import { useHostOutput } from '../hooks/use-host-output';
import { OutputView } from './OutputView';

/** The output panel of one host: polled while the host may still write, decoded as it comes. */
export const HostOutput = ({ projectId, runId, host }: { projectId: string; runId: string; host: RunHost }) => {
  const { buffer, version, complete, error } = useHostOutput(projectId, runId, host.targetId);
  const pending = complete ? [] : buffer.pendingLines();
  return (
    <Container
      header={
        <Header
          variant="h2"
          description={`${buffer.lines.length.toLocaleString()} lines${buffer.dropped > 0 ? ` (the first ${buffer.dropped.toLocaleString()} are not shown)` : ''}`}
          info={complete ? <StatusIndicator type="success">complete</StatusIndicator> : <StatusIndicator type="loading">streaming</StatusIndicator>}
        >
          {`Output: ${host.targetName}`}
        </Header>
      }
    >
      <SpaceBetween size="s">
        {error !== undefined && (
          <Alert type="warning" header="The output could not be read">
            {error} Trying again…
          </Alert>
        )}
        <OutputView lines={buffer.lines} pending={pending} version={version} label={`Output of ${host.targetName}`} />
        <Box variant="small">Standard error is shown in red.</Box>
      </SpaceBetween>
    </Container>
  );
};
