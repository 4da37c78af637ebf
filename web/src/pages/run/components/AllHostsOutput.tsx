import type { ReactNode } from 'react';
import type { RunHost } from '../../../api/runs';
import { useAllHostsOutput } from '../hooks/use-all-hosts-output';
import { OutputPanel } from './OutputPanel';

/** Every host's output interleaved, each line prefixed with `[host name] `. */
export const AllHostsOutput = (props: { projectId: string; runId: string; hosts: readonly RunHost[]; finished: boolean; actions?: ReactNode }) => {
  const { store, version, complete, error, pendingLines } = useAllHostsOutput(props.projectId, props.runId, props.hosts, props.finished);
  return (
    <OutputPanel
      title="Output: all hosts"
      label="Output of all hosts"
      store={store}
      pending={complete ? [] : pendingLines()}
      version={version}
      complete={complete}
      error={error}
      actions={props.actions}
    />
  );
};
