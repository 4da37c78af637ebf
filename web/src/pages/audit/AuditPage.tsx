import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useState, type SubmitEvent } from 'react';
import { auditApi, type AuditExportFormat, type AuditFilter, type AuditRecord } from '../../api/audit';
import { messageOf } from '../../api/errors';
import { useFlash } from '../../app/flash';
import { useApi } from '../../app/services';
import { CursorPagination, counterOf } from '../../components/CursorPagination';
import { TextField, optionalLabel } from '../../components/TextField';
import { ProjectGate } from '../project/components/ProjectGate';
import { defaultFilterForm, filterOf, type FilterForm } from './components/filter';
import { useAudit } from './hooks/use-audit';

/** A project's audit log (/projects/<id>/audit): for its admins, filtered, paged, exported as CSV or JSON Lines. */
export const AuditPage = ({ projectId }: { projectId: string }) => (
  <ProjectGate projectId={projectId}>
    {(project, abilities) =>
      abilities.readAudit ? (
        <Audit projectId={project.id} />
      ) : (
        <ContentLayout header={<Header variant="h1">Audit</Header>}>
          <Container>
            <Box variant="p">The audit log is for project admins. Ask an admin of this project if you need to know who did what.</Box>
          </Container>
        </ContentLayout>
      )
    }
  </ProjectGate>
);

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

const actorText = (r: AuditRecord): string => {
  const name = r.actor.name ?? r.actor.id;
  return r.actor.type === 'apiKey' ? `API key ${name}` : r.actor.type === 'system' ? `System (${name})` : name;
};

const resourceText = (r: AuditRecord): string => (r.resource === undefined ? '-' : `${r.resource.type}: ${r.resource.name ?? r.resource.id}`);

/** Offers text as a file to save. */
const download = (text: string, filename: string, type: string) => {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => {
    URL.revokeObjectURL(url);
  }, 10_000);
};

const Audit = ({ projectId }: { projectId: string }) => {
  const api = useApi(auditApi);
  const flash = useFlash();
  const [form, setForm] = useState<FilterForm>(() => defaultFilterForm());
  const [errors, setErrors] = useState<Partial<Record<keyof FilterForm, string>>>({});
  const [filter, setFilter] = useState<AuditFilter>(() => {
    const first = filterOf(defaultFilterForm());
    return 'filter' in first ? first.filter : {};
  });
  const [exporting, setExporting] = useState<AuditExportFormat | undefined>(undefined);
  const pages = useAudit(projectId, filter, true);

  const apply = () => {
    const result = filterOf(form);
    if ('errors' in result) {
      setErrors(result.errors);
      return;
    }
    setErrors({});
    if (JSON.stringify(result.filter) === JSON.stringify(filter)) void pages.reload();
    else setFilter(result.filter);
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    apply();
  };

  const exportAs = async (format: AuditExportFormat) => {
    setExporting(format);
    try {
      const text = await api.exportAll(projectId, filter, format);
      download(text, `audit-${projectId}.${format}`, format === 'csv' ? 'text/csv' : 'application/x-ndjson');
    } catch (e) {
      flash.notify({ type: 'error', header: 'The audit log could not be exported', content: messageOf(e) });
    } finally {
      setExporting(undefined);
    }
  };

  const field = (key: keyof FilterForm, label: string, description: string, optional: boolean) => (
    <TextField
      label={optional ? optionalLabel(label) : label}
      value={form[key]}
      onChange={(v) => {
        setForm((f) => ({ ...f, [key]: v }));
        setErrors((e) => ({ ...e, [key]: undefined }));
      }}
      error={errors[key]}
      description={description}
      {...(optional ? {} : { placeholder: 'YYYY-MM-DD' })}
    />
  );

  return (
    <SpaceBetween size="m">
      {pages.error !== undefined && (
        <Alert type="error" header="The audit log could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <Table<AuditRecord>
        variant="full-page"
        items={pages.items}
        trackBy="eventId"
        loading={pages.loading}
        loadingText="Loading audit records"
        wrapLines
        ariaLabels={{ tableLabel: 'Audit log' }}
        renderAriaLive={({ firstIndex, lastIndex }) => `Displaying audit records ${firstIndex} to ${lastIndex}`}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={counterOf(pages)}
            description="Who did what in this project, and when, newest first."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button iconName="refresh" ariaLabel="Refresh audit log" onClick={apply} disabled={pages.loading} />
                <Button iconName="download" loading={exporting === 'csv'} disabled={exporting !== undefined} onClick={() => void exportAs('csv')}>
                  Export CSV
                </Button>
                <Button iconName="download" loading={exporting === 'jsonl'} disabled={exporting !== undefined} onClick={() => void exportAs('jsonl')}>
                  Export JSONL
                </Button>
              </SpaceBetween>
            }
          >
            Audit
          </Header>
        }
        filter={
          <form onSubmit={submit} noValidate aria-label="Filter the audit log">
            <SpaceBetween size="s">
              <ColumnLayout columns={5}>
                {field('from', 'From', 'First day (yours).', false)}
                {field('to', 'To', 'Last day, included.', false)}
                {field('actor', 'Actor', 'A user name or id.', true)}
                {field('action', 'Action', 'Like Job Created.', true)}
                {field('resource', 'Resource', 'An id, like job_….', true)}
              </ColumnLayout>
              <Button formAction="submit">Apply filters</Button>
            </SpaceBetween>
          </form>
        }
        empty={
          <Box textAlign="center" color="inherit">
            <b>No audit records</b>
            <Box variant="p" color="inherit">
              Nothing matches in this range.
            </Box>
          </Box>
        }
        columnDefinitions={[
          { id: 'time', header: 'Time', cell: (r) => <time dateTime={r.time}>{timeFormat.format(new Date(r.time))}</time> },
          { id: 'actor', header: 'Actor', cell: actorText },
          { id: 'action', header: 'Action', isRowHeader: true, cell: (r) => r.action },
          { id: 'resource', header: 'Resource', cell: resourceText },
          {
            id: 'outcome',
            header: 'Outcome',
            cell: (r) => (r.outcome === 'success' ? <StatusIndicator type="success">Success</StatusIndicator> : <StatusIndicator type="error">Denied</StatusIndicator>),
          },
          { id: 'requestId', header: 'Request id', cell: (r) => (r.requestId === undefined ? '-' : <Box variant="code">{r.requestId}</Box>) },
        ]}
        pagination={<CursorPagination pages={pages} label="Audit records" />}
      />
    </SpaceBetween>
  );
};
