import Badge from '@cloudscape-design/components/badge';
import Box from '@cloudscape-design/components/box';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import type { LastConnectionTest, Target } from '../../api/types';

/** `address:port`, with IPv6 addresses in brackets as ssh and URLs write them. */
export const endpointOf = (t: Pick<Target, 'address' | 'port'>): string => (t.address.includes(':') ? `[${t.address}]:${t.port}` : `${t.address}:${t.port}`);

export const protocolText = (t: Pick<Target, 'protocol' | 'winrm'>): string =>
  t.protocol === 'ssh' ? 'SSH' : t.winrm === undefined ? 'WinRM' : `WinRM (${t.winrm.transport.toUpperCase()}, ${t.winrm.auth === 'ntlm' ? 'NTLM' : 'Basic'})`;

export const tagText = (key: string, value: string): string => (value === '' ? key : `${key}=${value}`);

export const TagBadges = ({ tags }: { tags: Record<string, string> }) => {
  const entries = Object.entries(tags).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return <Box color="text-status-inactive">No tags</Box>;
  return (
    <SpaceBetween direction="horizontal" size="xxs">
      {entries.map(([key, value]) => (
        <Badge key={key} color="grey">
          {tagText(key, value)}
        </Badge>
      ))}
    </SpaceBetween>
  );
};

/** The latest connection test in one line: passed with its latency, failed with its category, or never run. */
export const LastTestStatus = ({ test }: { test: LastConnectionTest | undefined }) => {
  if (test === undefined) return <StatusIndicator type="stopped">Not tested</StatusIndicator>;
  if (test.ok) return <StatusIndicator type="success">Passed{test.latencyMs === undefined ? '' : ` · ${test.latencyMs} ms`}</StatusIndicator>;
  return <StatusIndicator type="error">Failed · {test.category ?? 'ERROR'}</StatusIndicator>;
};

export const EnabledStatus = ({ enabled }: { enabled: boolean }) =>
  enabled ? <StatusIndicator type="success">Enabled</StatusIndicator> : <StatusIndicator type="stopped">Disabled</StatusIndicator>;

/** A fingerprint cut for a table cell: the algorithm and the first characters. */
export const shortFingerprint = (fingerprint: string): string => (fingerprint.length > 19 ? `${fingerprint.slice(0, 19)}…` : fingerprint);

/** Which host key connections must see: a pin, the key trusted so far, or none yet. */
export const HostKeyCell = ({ target }: { target: Target }) => {
  if (target.protocol !== 'ssh') return <Box color="text-status-inactive">Not SSH</Box>;
  const fingerprint = target.hostKeyFingerprint ?? target.hostKey?.fingerprint;
  if (fingerprint !== undefined) {
    return (
      <div title={fingerprint}>
        <div>{target.hostKeyFingerprint === undefined ? 'Trusted' : 'Pinned'}</div>
        <Box variant="code" fontSize="body-s">
          {shortFingerprint(fingerprint)}
        </Box>
      </div>
    );
  }
  return <Box color="text-status-inactive">Not known yet</Box>;
};
