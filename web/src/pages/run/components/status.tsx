import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import type { HostStatus, RunStatus } from '../../../api/runs';

const types: Record<RunStatus | HostStatus, StatusIndicatorProps.Type> = {
  queued: 'pending',
  pending: 'pending',
  running: 'in-progress',
  succeeded: 'success',
  failed: 'error',
  unreachable: 'error',
  cancelled: 'stopped',
  timed_out: 'error',
  skipped: 'stopped',
  lost: 'warning',
};

export const statusText = (status: RunStatus | HostStatus): string => status.replace('_', ' ');

/** A run's or a host's status, coloured by what it means. */
export const RunStatusIndicator = ({ status }: { status: RunStatus | HostStatus }) => (
  <StatusIndicator type={types[status]}>{statusText(status)}</StatusIndicator>
);
