import Box from '@cloudscape-design/components/box';
import Header from '@cloudscape-design/components/header';
import Table from '@cloudscape-design/components/table';
import type { RunHost } from '../../../api/runs';
import { RunStatusIndicator } from './status';

/** The run's hosts; the selected one's output shows below. */
export const HostsTable = ({ hosts, selected, onSelect }: { hosts: RunHost[]; selected: string | undefined; onSelect: (targetId: string) => void }) => {
  const current = hosts.find((h) => h.targetId === selected);
  return (
    <Table<RunHost>
      variant="container"
      items={hosts}
      trackBy="targetId"
      selectionType="single"
      selectedItems={current === undefined ? [] : [current]}
      onSelectionChange={(event) => {
        const item = event.detail.selectedItems[0];
        if (item !== undefined) onSelect(item.targetId);
      }}
      wrapLines
      ariaLabels={{
        tableLabel: 'Hosts',
        selectionGroupLabel: 'Host selection',
        itemSelectionLabel: (_, item) => `Show output of ${item.targetName}`,
        allItemsSelectionLabel: () => 'All hosts',
      }}
      header={<Header variant="h2" counter={`(${hosts.length})`}>Hosts</Header>}
      empty={<Box color="text-status-inactive">No hosts yet: the run is being planned.</Box>}
      columnDefinitions={[
        { id: 'name', header: 'Host', isRowHeader: true, cell: (h) => h.targetName },
        { id: 'address', header: 'Address', cell: (h) => h.address },
        { id: 'status', header: 'Status', cell: (h) => <RunStatusIndicator status={h.status} /> },
        { id: 'exitCode', header: 'Exit code', cell: (h) => (h.exitCode === undefined ? '—' : h.exitCode) },
        {
          id: 'error',
          header: 'Error',
          maxWidth: 400,
          cell: (h) => (h.errorMessage === undefined ? '—' : `${h.errorCategory === undefined ? '' : `${h.errorCategory}: `}${h.errorMessage}`),
        },
      ]}
    />
  );
};
