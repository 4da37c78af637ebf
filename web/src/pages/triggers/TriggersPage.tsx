import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import { useState } from 'react';
import { messageOf } from '../../api/errors';
import { triggersApi, type Trigger } from '../../api/triggers';
import { useFlash } from '../../app/flash';
import { followLink } from '../../app/router';
import { jobHref } from '../../app/routes';
import { useApi, useServices } from '../../app/services';
import { ConfirmModal } from '../../components/ConfirmModal';
import { CursorPagination, counterOf } from '../../components/CursorPagination';
import { OneTimeSecretModal } from '../../components/OneTimeSecret';
import { ProjectGate } from '../project/components/ProjectGate';
import { useProjectJobs } from '../schedules/hooks/use-schedules';
import { TriggerFormModal } from './components/TriggerFormModal';
import { useCatalog, useTriggers } from './hooks/use-triggers';

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; trigger: Trigger }
  | { kind: 'delete'; trigger: Trigger }
  | { kind: 'secret'; trigger: Trigger; secret: string }
  | undefined;

/** A project's triggers (/projects/<id>/triggers): members read them, admins create, edit, enable/disable and delete them. */
export const TriggersPage = ({ projectId }: { projectId: string }) => (
  <ProjectGate projectId={projectId}>{(project, abilities) => <Triggers projectId={project.id} canManage={abilities.manageTriggers} />}</ProjectGate>
);

/** The webhook URL as a sender calls it: the API's base (the console's own origin when the API is served with it). */
const webhookUrlOf = (apiBaseUrl: string, t: Trigger): string => `${apiBaseUrl === '' ? window.location.origin : apiBaseUrl}${t.webhook.url}`;

const Triggers = ({ projectId, canManage }: { projectId: string; canManage: boolean }) => {
  const pages = useTriggers(projectId);
  const { jobs } = useProjectJobs(projectId);
  const catalog = useCatalog();
  const api = useApi(triggersApi);
  const { config } = useServices();
  const flash = useFlash();
  const [dialog, setDialog] = useState<Dialog>(undefined);
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const jobName = (id: string) => jobs.find((j) => j.id === id)?.name ?? id;

  const toggle = async (t: Trigger) => {
    setBusy(t.id);
    try {
      const updated = await api.update(projectId, t.id, { enabled: !t.enabled });
      pages.replace(updated);
      flash.notify({ type: 'success', content: `Trigger “${t.name}” was ${updated.enabled ? 'enabled' : 'disabled'}.` });
    } catch (e) {
      flash.notify({ type: 'error', header: `Trigger “${t.name}” could not be ${t.enabled ? 'disabled' : 'enabled'}`, content: messageOf(e) });
    } finally {
      setBusy(undefined);
    }
  };

  const rotate = async (t: Trigger) => {
    setBusy(t.id);
    try {
      const { webhookSecret, ...updated } = await api.rotateSecret(projectId, t.id);
      pages.replace(updated);
      setDialog({ kind: 'secret', trigger: updated, secret: webhookSecret });
    } catch (e) {
      flash.notify({ type: 'error', header: `The webhook secret of “${t.name}” could not be replaced`, content: messageOf(e) });
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <SpaceBetween size="m">
      {pages.error !== undefined && (
        <Alert type="error" header="The triggers could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <Table<Trigger>
        variant="full-page"
        items={pages.items}
        trackBy="id"
        loading={pages.loading}
        loadingText="Loading triggers"
        wrapLines
        ariaLabels={{ tableLabel: 'Triggers' }}
        renderAriaLive={({ firstIndex, lastIndex }) => `Displaying triggers ${firstIndex} to ${lastIndex}`}
        header={
          <Header
            variant="awsui-h1-sticky"
            counter={counterOf(pages)}
            description="Jobs started by events on the bus that match a pattern, or by signed webhooks."
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button iconName="refresh" ariaLabel="Refresh triggers" onClick={() => void pages.reload()} disabled={pages.loading} />
                {canManage && (
                  <Button
                    variant="primary"
                    data-testid="create-trigger"
                    onClick={() => {
                      setDialog({ kind: 'create' });
                    }}
                  >
                    Create trigger
                  </Button>
                )}
              </SpaceBetween>
            }
          >
            Triggers
          </Header>
        }
        empty={
          <Box textAlign="center" color="inherit">
            <b>No triggers</b>
            <Box variant="p" color="inherit">
              {canManage ? 'Create one to run a job when an event arrives.' : 'A project admin can create one to run a job when an event arrives.'}
            </Box>
          </Box>
        }
        columnDefinitions={[
          { id: 'name', header: 'Name', isRowHeader: true, cell: (t) => t.name },
          {
            id: 'job',
            header: 'Job',
            cell: (t) => (
              <Link href={jobHref(projectId, t.jobId)} onFollow={followLink}>
                {jobName(t.jobId)}
              </Link>
            ),
          },
          {
            id: 'pattern',
            header: 'Event pattern',
            cell: (t) => (
              <Box variant="code">
                <span style={{ wordBreak: 'break-all' }}>{t.pattern}</span>
              </Box>
            ),
          },
          { id: 'mapping', header: 'Mapped parameters', cell: (t) => (Object.keys(t.inputMapping).length === 0 ? '-' : Object.keys(t.inputMapping).join(', ')) },
          {
            id: 'webhook',
            header: 'Webhook',
            cell: (t) => (t.webhook.enabled ? <Box variant="code">{t.webhook.url}</Box> : '-'),
          },
          {
            id: 'enabled',
            header: 'Enabled',
            cell: (t) => (t.enabled ? <StatusIndicator type="success">Enabled</StatusIndicator> : <StatusIndicator type="stopped">Disabled</StatusIndicator>),
          },
          ...(canManage
            ? [
                {
                  id: 'actions',
                  header: 'Actions',
                  cell: (t: Trigger) => (
                    <SpaceBetween direction="horizontal" size="xs">
                      <Button
                        ariaLabel={`Edit ${t.name}`}
                        onClick={() => {
                          setDialog({ kind: 'edit', trigger: t });
                        }}
                      >
                        Edit
                      </Button>
                      <Button ariaLabel={`${t.enabled ? 'Disable' : 'Enable'} ${t.name}`} loading={busy === t.id} onClick={() => void toggle(t)}>
                        {t.enabled ? 'Disable' : 'Enable'}
                      </Button>
                      {t.webhook.enabled && (
                        <Button ariaLabel={`Replace the webhook secret of ${t.name}`} onClick={() => void rotate(t)}>
                          New secret
                        </Button>
                      )}
                      <Button
                        ariaLabel={`Delete ${t.name}`}
                        onClick={() => {
                          setDialog({ kind: 'delete', trigger: t });
                        }}
                      >
                        Delete
                      </Button>
                    </SpaceBetween>
                  ),
                },
              ]
            : []),
        ]}
        pagination={<CursorPagination pages={pages} label="Triggers" />}
      />
      {(dialog?.kind === 'create' || dialog?.kind === 'edit') && (
        <TriggerFormModal
          projectId={projectId}
          jobs={jobs}
          catalog={catalog.entries}
          {...(dialog.kind === 'edit' ? { trigger: dialog.trigger } : {})}
          onDismiss={() => {
            setDialog(undefined);
          }}
          onSaved={({ webhookSecret, ...saved }, created) => {
            if (created) void pages.reload();
            else pages.replace(saved);
            flash.notify({ type: 'success', content: `Trigger “${saved.name}” was ${created ? 'created' : 'saved'}.` });
            setDialog(webhookSecret === undefined ? undefined : { kind: 'secret', trigger: saved, secret: webhookSecret });
          }}
        />
      )}
      {dialog?.kind === 'secret' && (
        <OneTimeSecretModal
          header="Webhook secret"
          intro={
            <>
              Senders sign each call to <Box variant="code">{webhookUrlOf(config.apiBaseUrl, dialog.trigger)}</Box> with this secret: an{' '}
              <Box variant="code">X-OpsConductor-Signature</Box> of <Box variant="code">sha256=</Box> and the HMAC-SHA256 of{' '}
              <Box variant="code">&lt;timestamp&gt;.&lt;body&gt;</Box>, with <Box variant="code">X-OpsConductor-Timestamp</Box> and{' '}
              <Box variant="code">X-OpsConductor-Delivery</Box> headers (docs/triggers.md).
            </>
          }
          label="Webhook secret"
          value={dialog.secret}
          copyLabel="Copy secret"
          warningHeader="Copy the secret now"
          warning="OpsConductor keeps it sealed and never shows it again. If it is lost, replace it with a new one (the old one stops working at once)."
          onDone={() => {
            setDialog(undefined);
          }}
        />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmModal
          header="Delete trigger"
          confirmText="Delete"
          pendingText="Deleting"
          failureHeader="The trigger could not be deleted"
          onDismiss={() => {
            setDialog(undefined);
          }}
          onConfirm={async () => {
            await api.remove(projectId, dialog.trigger.id);
            pages.remove(dialog.trigger.id);
            flash.notify({ type: 'success', content: `Trigger “${dialog.trigger.name}” was deleted.` });
            setDialog(undefined);
          }}
        >
          <Box variant="p">
            Delete the trigger <b>{dialog.trigger.name}</b>? Events stop starting its job, and its webhook stops answering; runs it started are kept.
          </Box>
        </ConfirmModal>
      )}
    </SpaceBetween>
  );
};
