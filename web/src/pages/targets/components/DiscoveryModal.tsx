import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Link from '@cloudscape-design/components/link';
import Modal from '@cloudscape-design/components/modal';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useState, type SubmitEvent } from 'react';
import { messageOf } from '../../../api/errors';
import { targetsApi } from '../../../api/targets';
import type { CreateTargetInput, DiscoveredKind, DiscoveryCandidate, TargetProtocol } from '../../../api/types';
import { followLink } from '../../../app/router';
import { targetHref } from '../../../app/routes';
import { useApi } from '../../../app/services';
import { useApiForm } from '../../../app/use-api-form';
import { TextField } from '../../../components/TextField';
import type { ProjectCredentials } from '../../credentials/hooks/use-project-credentials';
import { compatibleKinds, kindLabels } from '../../credentials/kinds';
import { defaultPortOf } from '../form';

const kindText: Record<DiscoveredKind, string> = {
  ssh: 'SSH',
  'winrm-http': 'WinRM (HTTP)',
  'winrm-https': 'WinRM (HTTPS)',
  open: 'Open port (not SSH or WinRM)',
};

const DEFAULT_PORTS = '22, 5985, 5986';
const MIN_PREFIX = 22;
const fields = ['cidr', 'ports'] as const;

const cidrError = (cidr: string): string | undefined => {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
  if (m === null || m.slice(1, 5).some((o) => Number(o) > 255)) return 'Enter an IPv4 network in CIDR notation, e.g. 10.0.0.0/24.';
  if (Number(m[5]) > 32) return 'The prefix length is at most 32.';
  if (Number(m[5]) < MIN_PREFIX) return `Scan at most a /${MIN_PREFIX} (1024 addresses) at a time; split larger networks.`;
  return undefined;
};

const portsOf = (text: string): number[] | undefined => {
  const parts = text.split(/[\s,]+/).filter((p) => p !== '');
  if (parts.length === 0 || parts.length > 16) return undefined;
  const ports = parts.map(Number);
  return ports.every((p, i) => /^[0-9]+$/.test(parts[i] ?? '') && p >= 1 && p <= 65535) ? [...new Set(ports)] : undefined;
};

const protocolOf = (kind: DiscoveredKind): TargetProtocol | undefined => (kind === 'ssh' ? 'ssh' : kind === 'open' ? undefined : 'winrm');
const keyOf = (c: DiscoveryCandidate) => `${c.address}:${c.port}`;

/** The target a candidate becomes: named after its address (with the port or kind when that alone would repeat). */
const inputOf = (c: DiscoveryCandidate, chosen: readonly DiscoveryCandidate[], credentialId: string): CreateTargetInput | undefined => {
  const protocol = protocolOf(c.kind);
  if (protocol === undefined) return undefined;
  const transport = c.kind === 'winrm-http' ? 'http' : 'https';
  const sameAddress = chosen.filter((o) => o.address === c.address).length > 1;
  const name = sameAddress ? `${c.address}-${c.kind}` : c.port === defaultPortOf(protocol, transport) ? c.address : `${c.address}:${c.port}`;
  return {
    name,
    address: c.address,
    port: c.port,
    protocol,
    ...(protocol === 'winrm' ? { winrm: { transport, auth: 'ntlm' as const, verifyTls: true } } : {}),
    ...(credentialId === '' ? {} : { credentialId }),
  };
};

type Outcome = { ok: true; targetId: string; name: string } | { ok: false; message: string };

/**
 * Discovery: scan a network (at most a /22) for SSH and WinRM listeners, see which are already
 * in the inventory, and add the chosen ones as targets (named after their address), optionally
 * with a credential for each protocol.
 */
export const DiscoveryModal = ({
  projectId,
  credentials,
  onDismiss,
  onAdded,
}: {
  projectId: string;
  credentials: ProjectCredentials;
  onDismiss: () => void;
  onAdded: () => void;
}) => {
  const api = useApi(targetsApi);
  const [cidr, setCidr] = useState('');
  const [ports, setPorts] = useState(DEFAULT_PORTS);
  const form = useApiForm(fields);
  const [candidates, setCandidates] = useState<DiscoveryCandidate[] | undefined>(undefined);
  const [selected, setSelected] = useState<DiscoveryCandidate[]>([]);
  const [credentialFor, setCredentialFor] = useState<Record<TargetProtocol, string>>({ ssh: '', winrm: '' });
  const [adding, setAdding] = useState(false);
  const [outcomes, setOutcomes] = useState<Record<string, Outcome>>({});

  const cidrProblem = (form.submitted ? cidrError(cidr) : undefined) ?? form.serverErrors.cidr;
  const portsProblem = (form.submitted && portsOf(ports) === undefined ? 'Enter 1 to 16 ports from 1 to 65535, separated by commas.' : undefined) ?? form.serverErrors.ports;

  const scan = async (event: SubmitEvent) => {
    event.preventDefault();
    const list = portsOf(ports);
    await form.run(cidrError(cidr) !== undefined || list === undefined, async () => {
      const answer = await api.discover(projectId, { cidr: cidr.trim(), ports: list ?? [] });
      setCandidates(answer.candidates);
      setSelected(answer.candidates.filter((c) => c.kind !== 'open' && c.existingTargets.length === 0));
      setOutcomes({});
    });
  };

  const add = async () => {
    setAdding(true);
    const results: Record<string, Outcome> = {};
    for (const c of selected) {
      const protocol = protocolOf(c.kind);
      const input = inputOf(c, selected, protocol === undefined ? '' : credentialFor[protocol]);
      if (input === undefined) continue;
      try {
        const target = await api.create(projectId, input);
        results[keyOf(c)] = { ok: true, targetId: target.id, name: target.name };
      } catch (e) {
        results[keyOf(c)] = { ok: false, message: messageOf(e) };
      }
      setOutcomes({ ...results });
    }
    setAdding(false);
    setSelected([]);
    if (Object.values(results).some((r) => r.ok)) onAdded();
  };

  const protocolsChosen = new Set(selected.map((c) => protocolOf(c.kind)).filter((p) => p !== undefined));
  const credentialSelect = (protocol: TargetProtocol) => {
    const options: SelectProps.Option[] = [
      { value: '', label: 'No credential' },
      ...credentials.items.filter((c) => compatibleKinds[protocol].includes(c.kind)).map((c) => ({ value: c.id, label: c.name, description: kindLabels[c.kind] })),
    ];
    return (
      <FormField label={`Credential for new ${protocol === 'ssh' ? 'SSH' : 'WinRM'} targets`}>
        <Select
          selectedOption={options.find((o) => o.value === credentialFor[protocol]) ?? null}
          options={options}
          onChange={(event) => {
            setCredentialFor((c) => ({ ...c, [protocol]: event.detail.selectedOption.value ?? '' }));
          }}
        />
      </FormField>
    );
  };

  const added = Object.values(outcomes).filter((o) => o.ok).length;

  return (
    <Modal
      visible
      onDismiss={onDismiss}
      header="Discover targets"
      closeAriaLabel="Close dialog"
      size="max"
      footer={
        candidates !== undefined && (
          <Box float="right">
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" onClick={onDismiss}>
                {added > 0 ? 'Done' : 'Close'}
              </Button>
              <Button variant="primary" onClick={() => void add()} disabled={selected.length === 0} loading={adding} loadingText="Adding targets">
                {selected.length === 1 ? 'Add 1 target' : `Add ${selected.length} targets`}
              </Button>
            </SpaceBetween>
          </Box>
        )
      }
    >
      <SpaceBetween size="l">
        <form onSubmit={(event) => void scan(event)} noValidate aria-label="Scan a network">
          <Form
            errorText={form.formError}
            errorIconAriaLabel="Error"
            actions={
              <Button variant={candidates === undefined ? 'primary' : 'normal'} formAction="submit" loading={form.pending} loadingText="Scanning">
                {candidates === undefined ? 'Scan' : 'Scan again'}
              </Button>
            }
          >
            <ColumnLayout columns={2}>
              <TextField
                label="Network (CIDR)"
                value={cidr}
                onChange={(v) => {
                  setCidr(v);
                  form.clearField('cidr');
                }}
                error={cidrProblem}
                placeholder="10.0.0.0/24"
                constraintText={`IPv4, at most a /${MIN_PREFIX} (1024 addresses). One connection per address and port; nothing outside the network is contacted.`}
                autoFocus
                required
              />
              <TextField
                label="Ports"
                value={ports}
                onChange={(v) => {
                  setPorts(v);
                  form.clearField('ports');
                }}
                error={portsProblem}
                constraintText="Up to 16, separated by commas. SSH answers with its version line; 5985/5986 are probed for WinRM."
              />
            </ColumnLayout>
          </Form>
        </form>
        {candidates !== undefined && (
          <Table<DiscoveryCandidate>
            variant="embedded"
            items={candidates}
            trackBy={keyOf}
            selectionType="multi"
            selectedItems={selected}
            isItemDisabled={(c) => c.kind === 'open' || outcomes[keyOf(c)]?.ok === true}
            onSelectionChange={(event) => {
              setSelected(event.detail.selectedItems);
            }}
            wrapLines
            ariaLabels={{
              tableLabel: 'Discovered hosts',
              selectionGroupLabel: 'Host selection',
              itemSelectionLabel: (_, c) => `Select ${c.address} port ${c.port}`,
              allItemsSelectionLabel: () => 'Select all hosts',
            }}
            header={
              <Box variant="h3" padding={{ top: 'n' }}>
                {candidates.length === 1 ? '1 listener found' : `${candidates.length} listeners found`}
              </Box>
            }
            empty={<Box textAlign="center">Nothing answered on these ports in this network.</Box>}
            columnDefinitions={[
              { id: 'address', header: 'Address', isRowHeader: true, cell: (c) => <Box variant="code">{c.address}</Box> },
              { id: 'port', header: 'Port', cell: (c) => c.port },
              { id: 'kind', header: 'Service', cell: (c) => kindText[c.kind] },
              { id: 'banner', header: 'Banner', cell: (c) => (c.banner === undefined ? '' : <Box variant="code">{c.banner}</Box>) },
              {
                id: 'existing',
                header: 'In inventory',
                cell: (c) =>
                  c.existingTargets.length === 0 ? (
                    <Box color="text-status-inactive">No</Box>
                  ) : (
                    <SpaceBetween direction="horizontal" size="xxs">
                      <StatusIndicator type="info">Already in inventory:</StatusIndicator>
                      {c.existingTargets.map((t) => (
                        <Link key={t.id} href={targetHref(projectId, t.id)} onFollow={followLink}>
                          {t.name}
                        </Link>
                      ))}
                    </SpaceBetween>
                  ),
              },
              {
                id: 'outcome',
                header: 'Added',
                cell: (c) => {
                  const o = outcomes[keyOf(c)];
                  if (o === undefined) return '';
                  return o.ok ? (
                    <StatusIndicator type="success">
                      Added as{' '}
                      <Link href={targetHref(projectId, o.targetId)} onFollow={followLink}>
                        {o.name}
                      </Link>
                    </StatusIndicator>
                  ) : (
                    <StatusIndicator type="error">{o.message}</StatusIndicator>
                  );
                },
              },
            ]}
          />
        )}
        {candidates !== undefined && protocolsChosen.size > 0 && (
          <ColumnLayout columns={2}>
            {protocolsChosen.has('ssh') && credentialSelect('ssh')}
            {protocolsChosen.has('winrm') && credentialSelect('winrm')}
          </ColumnLayout>
        )}
        {candidates !== undefined && selected.some((c) => c.existingTargets.length > 0) && (
          <Alert type="warning">Some selected hosts are in the inventory already: adding them makes a second target for the same address and port.</Alert>
        )}
      </SpaceBetween>
    </Modal>
  );
};
