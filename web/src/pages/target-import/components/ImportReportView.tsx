import Box from '@cloudscape-design/components/box';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator, { type StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import type { ImportIssue, ImportReport } from '../../../api/types';

type Row = ImportReport['rows'][number];

const actions: Record<Row['action'], { type: StatusIndicatorProps.Type; dry: string; done: string }> = {
  create: { type: 'success', dry: 'Will be created', done: 'Created' },
  update: { type: 'info', dry: 'Will be updated', done: 'Updated' },
  unchanged: { type: 'stopped', dry: 'Unchanged', done: 'Unchanged' },
  error: { type: 'error', dry: 'Error: not imported', done: 'Error: not imported' },
};

const Issues = ({ issues }: { issues: ImportIssue[] }) =>
  issues.length === 0 ? null : (
    <ul style={{ margin: 0, paddingInlineStart: 16 }}>
      {issues.map((issue, i) => (
        <li key={i}>{issue.field === undefined ? issue.message : `${issue.field}: ${issue.message}`}</li>
      ))}
    </ul>
  );

/** An import's report, dry run or real: the counts, then every row with its action, errors and warnings. */
export const ImportReportView = ({ report }: { report: ImportReport }) => {
  const dry = report.dryRun;
  return (
    <SpaceBetween size="l">
      <KeyValuePairs
        columns={4}
        items={[
          { label: dry ? 'To create' : 'Created', value: <span data-testid="import-created">{report.created}</span> },
          { label: dry ? 'To update' : 'Updated', value: <span data-testid="import-updated">{report.updated}</span> },
          { label: 'Unchanged', value: <span data-testid="import-unchanged">{report.unchanged}</span> },
          { label: dry ? 'Would fail' : 'Failed', value: <span data-testid="import-failed">{report.failed}</span> },
        ]}
      />
      <Table<Row>
        variant="borderless"
        items={report.rows}
        trackBy={(r) => `${r.line}:${r.name ?? ''}`}
        wrapLines
        ariaLabels={{ tableLabel: dry ? 'Dry run rows' : 'Imported rows' }}
        header={
          <Box variant="h3" padding={{ top: 'n' }}>
            Rows ({report.rows.length})
          </Box>
        }
        empty={<Box textAlign="center">The document holds no targets.</Box>}
        columnDefinitions={[
          { id: 'line', header: 'Line', cell: (r) => r.line, width: 80 },
          { id: 'name', header: 'Name', isRowHeader: true, minWidth: 200, cell: (r) => r.name ?? <Box color="text-status-inactive">—</Box> },
          {
            id: 'action',
            header: dry ? 'What would happen' : 'Result',
            minWidth: 180,
            cell: (r) => <StatusIndicator type={actions[r.action].type}>{dry ? actions[r.action].dry : actions[r.action].done}</StatusIndicator>,
          },
          { id: 'errors', header: 'Errors', minWidth: 200, cell: (r) => <Issues issues={r.errors} /> },
          { id: 'warnings', header: 'Warnings', minWidth: 200, cell: (r) => <Issues issues={r.warnings} /> },
        ]}
      />
    </SpaceBetween>
  );
};
