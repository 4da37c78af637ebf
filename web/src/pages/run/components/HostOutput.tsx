import type { ReactNode } from 'react';
import type { RunHost } from '../../../api/runs';
import { useHostOutput } from '../hooks/use-host-output';
import { OutputPanel } from './OutputPanel';

/** The output panel of one host: polled while the host may still write, decoded as it comes. */
export const HostOutput = ({ projectId, runId, host, actions }: { projectId: string; runId: string; host: RunHost; actions?: ReactNode }) => {
  const { buffer, version, complete, error } = useHostOutput(projectId, runId, host.targetId);
  return (
    <OutputPanel
      title={`Output: ${host.targetName}`}
      label={`Output of ${host.targetName}`}
      store={buffer}
      pending={complete ? [] : buffer.pendingLines()}
      version={version}
      complete={complete}
      error={error}
      actions={actions}
    />
  );
};
