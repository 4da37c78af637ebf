import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ButtonDropdown from '@cloudscape-design/components/button-dropdown';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Table, { type TableProps } from '@cloudscape-design/components/table';
import type { ReactNode } from 'react';
import type { Credential, Target } from '../../../api/types';
import type { ProjectAbilities } from '../../../app/access';
import { followLink } from '../../../app/router';
import { projectHref, targetHref } from '../../../app/routes';
import type { CursorPages } from '../../../app/use-cursor-pages';
import { CursorPagination, counterOf } from '../../../components/CursorPagination';
import { EnabledStatus, HostKeyCell, LastTestStatus, TagBadges, endpointOf, protocolText } from '../display';

const columns = (credentialOf: (id: string | undefined) => Credential | undefined): TableProps.ColumnDefinition<Target>[] => [
  {
    id: 'name',
    header: 'Name',
    isRowHeader: true,
    minWidth: 150,
    cell: (t) => (
      <Link href={targetHref(t.projectId, t.id)} onFollow={followLink}>
        {t.name}
      </Link>
    ),
  },
  { id: 'endpoint', header: 'Address', minWidth: 150, cell: (t) => <Box variant="code">{endpointOf(t)}</Box> },
  { id: 'protocol', header: 'Protocol', minWidth: 90, cell: protocolText },
  { id: 'tags', header: 'Tags', minWidth: 170, cell: (t) => <TagBadges tags={t.tags} /> },
  {
    id: 'credential',
    header: 'Credential',
    minWidth: 110,
    cell: (t) => {
      if (t.credentialId === undefined) return <Box color="text-status-inactive">None</Box>;
      const c = credentialOf(t.credentialId);
      return c === undefined ? (
        <Box variant="code">{t.credentialId}</Box>
      ) : (
        <Link href={projectHref(t.projectId, 'credentials')} onFollow={followLink}>
          {c.name}
        </Link>
      );
    },
  },
  { id: 'enabled', header: 'Enabled', minWidth: 125, cell: (t) => <EnabledStatus enabled={t.enabled} /> },
  { id: 'lastTest', header: 'Last test', minWidth: 150, cell: (t) => <LastTestStatus test={t.lastTest} /> },
  { id: 'hostKey', header: 'Host key', minWidth: 160, cell: (t) => <HostKeyCell target={t} /> },
];

export type TargetAction = 'test' | 'edit' | 'delete';

interface Props {
  pages: CursorPages<Target>;
  /** Shown instead of the loaded rows (nothing, while the filter is in error). */
  items: readonly Target[];
  credentialOf: (id: string | undefined) => Credential | undefined;
  abilities: ProjectAbilities;
  selected: Target | undefined;
  onSelect: (target: Target | undefined) => void;
  onAction: (action: TargetAction) => void;
  onCreate: () => void;
  onImport: () => void;
  onDiscover: () => void;
  onTestAll: () => void;
  testing: boolean;
  filter: ReactNode;
  empty: ReactNode;
}

export const TargetsTable = (props: Props) => {
  const { pages, abilities, selected } = props;
  const selectable = abilities.testTargets || abilities.manageTargets;
  const actions = [
    ...(abilities.testTargets ? [{ id: 'test', text: 'Test connection', disabled: selected === undefined }] : []),
    ...(abilities.manageTargets
      ? [
          { id: 'edit', text: 'Edit', disabled: selected === undefined },
          { id: 'delete', text: 'Delete', disabled: selected === undefined },
        ]
      : []),
  ];
  return (
    <Table<Target>
      variant="container"
      items={[...props.items]}
      columnDefinitions={columns(props.credentialOf)}
      trackBy="id"
      loading={pages.loading}
      loadingText="Loading targets"
      {...(selectable
        ? {
            selectionType: 'single' as const,
            selectedItems: selected === undefined ? [] : [selected],
            onSelectionChange: (event: { detail: TableProps.SelectionChangeDetail<Target> }) => {
              props.onSelect(event.detail.selectedItems[0]);
            },
          }
        : {})}
      wrapLines
      // Many columns: the names stay in view while the rest scrolls sideways.
      stickyColumns={{ first: 1 }}
      ariaLabels={{
        tableLabel: 'Targets',
        selectionGroupLabel: 'Target selection',
        itemSelectionLabel: (_, item) => `Select target ${item.name}`,
        allItemsSelectionLabel: () => 'Select all targets',
      }}
      renderAriaLive={({ firstIndex, lastIndex }) => `Displaying targets ${firstIndex} to ${lastIndex}`}
      header={
        <Header
          variant="h2"
          counter={pages.error === undefined ? counterOf(pages) : undefined}
          description="The hosts of this project. Jobs choose them by their tags."
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button iconName="refresh" ariaLabel="Refresh targets" onClick={() => void pages.reload()} disabled={pages.loading} />
              {abilities.testTargets && (
                <Button onClick={props.onTestAll} loading={props.testing} loadingText="Testing">
                  Test all matching
                </Button>
              )}
              {actions.length > 0 && (
                <ButtonDropdown
                  items={actions}
                  onItemClick={(event) => {
                    const id = event.detail.id;
                    if (id === 'test' || id === 'edit' || id === 'delete') props.onAction(id);
                  }}
                >
                  Actions
                </ButtonDropdown>
              )}
              {abilities.manageTargets && (
                <>
                  <Button onClick={props.onDiscover}>Discover</Button>
                  <Button onClick={props.onImport}>Import</Button>
                  <Button variant="primary" onClick={props.onCreate} data-testid="create-target">
                    Create target
                  </Button>
                </>
              )}
            </SpaceBetween>
          }
        >
          Targets
        </Header>
      }
      filter={props.filter}
      empty={props.empty}
      pagination={<CursorPagination pages={pages} label="Targets" />}
    />
  );
};
