import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Table from '@cloudscape-design/components/table';
import Tabs from '@cloudscape-design/components/tabs';
import { useState } from 'react';
import { messageOf } from '../../api/errors';
import { notificationsApi, type Channel, type ChannelWithSecret, type Delivery, type Rule, type TestSendResult } from '../../api/notifications';
import { useFlash } from '../../app/flash';
import { followLink } from '../../app/router';
import { runHref } from '../../app/routes';
import { useApi } from '../../app/services';
import { ConfirmModal } from '../../components/ConfirmModal';
import { CursorPagination, counterOf } from '../../components/CursorPagination';
import { DateTime } from '../../components/DateTime';
import { OneTimeSecretModal } from '../../components/OneTimeSecret';
import Link from '@cloudscape-design/components/link';
import { ProjectGate } from '../project/components/ProjectGate';
import { useProjectJobs } from '../schedules/hooks/use-schedules';
import { ChannelFormModal } from './components/ChannelFormModal';
import { eventLabels, RuleFormModal } from './components/RuleFormModal';
import { useChannels, useDeliveries, useRules } from './hooks/use-notifications';

/** A project's notifications (/projects/<id>/notifications): channels, rules and the delivery log; admins manage and test. */
export const NotificationsPage = ({ projectId }: { projectId: string }) => (
  <ProjectGate projectId={projectId}>{(project, abilities) => <Notifications projectId={project.id} canManage={abilities.manageNotifications} />}</ProjectGate>
);

const channelTarget = (c: Channel): string => (c.kind === 'email' ? (c.recipients ?? []).join(', ') : c.kind === 'webhook' ? (c.url ?? '') : (c.webhookUrlHint ?? ''));

const Notifications = ({ projectId, canManage }: { projectId: string; canManage: boolean }) => {
  const [tab, setTab] = useState('channels');
  const channels = useChannels(projectId);
  return (
    <SpaceBetween size="m">
      <Header variant="h1" description="Tell people and systems when runs start, succeed, fail, are cancelled or run too long.">
        Notifications
      </Header>
      <Tabs
        activeTabId={tab}
        onChange={(event) => {
          setTab(event.detail.activeTabId);
        }}
        ariaLabel="Notifications"
        tabs={[
          { id: 'channels', label: 'Channels', content: <Channels projectId={projectId} canManage={canManage} pages={channels} /> },
          { id: 'rules', label: 'Rules', content: <Rules projectId={projectId} canManage={canManage} channels={channels.all} /> },
          { id: 'deliveries', label: 'Delivery log', content: <Deliveries projectId={projectId} /> },
        ]}
      />
    </SpaceBetween>
  );
};

const Channels = ({ projectId, canManage, pages }: { projectId: string; canManage: boolean; pages: ReturnType<typeof useChannels> }) => {
  const api = useApi(notificationsApi);
  const flash = useFlash();
  const [editing, setEditing] = useState<Channel | 'new' | undefined>(undefined);
  const [secret, setSecret] = useState<ChannelWithSecret | undefined>(undefined);
  const [deleting, setDeleting] = useState<Channel | undefined>(undefined);
  const [testing, setTesting] = useState<string | undefined>(undefined);
  const [results, setResults] = useState<Record<string, { result: TestSendResult } | { failure: string }>>({});

  const test = async (c: Channel) => {
    setTesting(c.id);
    try {
      const result = await api.testChannel(projectId, c.id);
      setResults((r) => ({ ...r, [c.id]: { result } }));
    } catch (e) {
      setResults((r) => ({ ...r, [c.id]: { failure: messageOf(e) } }));
    } finally {
      setTesting(undefined);
    }
  };

  return (
    <>
      {pages.error !== undefined && (
        <Alert type="error" header="The channels could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <Table<Channel>
        items={pages.items}
        trackBy="id"
        loading={pages.loading}
        loadingText="Loading channels"
        wrapLines
        ariaLabels={{ tableLabel: 'Channels' }}
        header={
          <Header
            counter={counterOf(pages)}
            actions={
              canManage && (
                <Button variant="primary" data-testid="create-channel" onClick={() => { setEditing('new'); }}>
                  Create channel
                </Button>
              )
            }
          >
            Channels
          </Header>
        }
        empty={
          <Box textAlign="center" color="inherit">
            <b>No channels</b>
          </Box>
        }
        columnDefinitions={[
          { id: 'name', header: 'Name', isRowHeader: true, cell: (c) => c.name },
          { id: 'kind', header: 'Kind', cell: (c) => c.kind },
          { id: 'target', header: 'Sends to', cell: (c) => <span style={{ wordBreak: 'break-all' }}>{channelTarget(c)}</span> },
          { id: 'enabled', header: 'Enabled', cell: (c) => (c.enabled ? <StatusIndicator type="success">Enabled</StatusIndicator> : <StatusIndicator type="stopped">Disabled</StatusIndicator>) },
          {
            id: 'test',
            header: 'Last test',
            cell: (c) => {
              const outcome = results[c.id];
              if (outcome === undefined) return '-';
              if ('failure' in outcome) return <StatusIndicator type="error">{outcome.failure}</StatusIndicator>;
              const r = outcome.result;
              return r.status === 'sent' ? (
                <StatusIndicator type="success">Sent{r.reference === undefined ? '' : ` (${r.reference})`}</StatusIndicator>
              ) : (
                <StatusIndicator type="error">Failed: {r.error ?? 'unknown'}</StatusIndicator>
              );
            },
          },
          ...(canManage
            ? [
                {
                  id: 'actions',
                  header: 'Actions',
                  cell: (c: Channel) => (
                    <SpaceBetween direction="horizontal" size="xs">
                      <Button ariaLabel={`Send a test to ${c.name}`} loading={testing === c.id} onClick={() => void test(c)}>
                        Test
                      </Button>
                      <Button ariaLabel={`Edit ${c.name}`} onClick={() => { setEditing(c); }}>
                        Edit
                      </Button>
                      <Button ariaLabel={`Delete ${c.name}`} onClick={() => { setDeleting(c); }}>
                        Delete
                      </Button>
                    </SpaceBetween>
                  ),
                },
              ]
            : []),
        ]}
        pagination={<CursorPagination pages={pages} label="Channels" />}
      />
      {editing !== undefined && (
        <ChannelFormModal
          projectId={projectId}
          channel={editing === 'new' ? undefined : editing}
          onDismiss={() => { setEditing(undefined); }}
          onSaved={(saved) => {
            setEditing(undefined);
            flash.notify({ type: 'success', content: `Channel “${saved.name}” was saved.` });
            if (saved.signingSecret !== undefined) setSecret(saved);
            void pages.reload();
          }}
        />
      )}
      {secret?.signingSecret !== undefined && (
        <OneTimeSecretModal
          header="Webhook signing secret"
          intro={`Requests to ${secret.url ?? 'the webhook'} carry X-OpsConductor-Signature: sha256=<HMAC-SHA256 of the body with this secret>.`}
          label="Signing secret"
          value={secret.signingSecret}
          warningHeader="Copy it now"
          warning="It is shown only this once. Issue a new one by editing the channel if it is lost."
          copyLabel="Copy secret"
          onDone={() => { setSecret(undefined); }}
        />
      )}
      {deleting !== undefined && (
        <ConfirmModal
          header="Delete channel"
          confirmText="Delete"
          pendingText="Deleting"
          failureHeader="The channel could not be deleted"
          onDismiss={() => { setDeleting(undefined); }}
          onConfirm={async () => {
            await api.removeChannel(projectId, deleting.id);
            pages.remove(deleting.id);
            flash.notify({ type: 'success', content: `Channel “${deleting.name}” was deleted.` });
            setDeleting(undefined);
          }}
        >
          <Box variant="p">
            Delete the channel <b>{deleting.name}</b>? Rules must not name it any more.
          </Box>
        </ConfirmModal>
      )}
    </>
  );
};

const Rules = ({ projectId, canManage, channels }: { projectId: string; canManage: boolean; channels: Channel[] }) => {
  const pages = useRules(projectId);
  const { jobs } = useProjectJobs(projectId);
  const api = useApi(notificationsApi);
  const flash = useFlash();
  const [editing, setEditing] = useState<Rule | 'new' | undefined>(undefined);
  const [deleting, setDeleting] = useState<Rule | undefined>(undefined);
  const channelName = (id: string) => channels.find((c) => c.id === id)?.name ?? id;
  const jobName = (id: string) => jobs.find((j) => j.id === id)?.name ?? id;
  return (
    <>
      {pages.error !== undefined && (
        <Alert type="error" header="The rules could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <Table<Rule>
        items={pages.items}
        trackBy="id"
        loading={pages.loading}
        loadingText="Loading rules"
        wrapLines
        ariaLabels={{ tableLabel: 'Rules' }}
        header={
          <Header
            counter={counterOf(pages)}
            actions={
              canManage && (
                <Button variant="primary" data-testid="create-rule" onClick={() => { setEditing('new'); }}>
                  Create rule
                </Button>
              )
            }
          >
            Rules
          </Header>
        }
        empty={
          <Box textAlign="center" color="inherit">
            <b>No rules</b>
          </Box>
        }
        columnDefinitions={[
          { id: 'name', header: 'Name', isRowHeader: true, cell: (r) => r.name },
          { id: 'job', header: 'Job', cell: (r) => (r.jobId === undefined ? 'Every job' : jobName(r.jobId)) },
          { id: 'events', header: 'Events', cell: (r) => r.events.map((e) => (e === 'run.overdue' ? `Overdue after ${String(r.overdueAfterMinutes ?? '?')} min` : eventLabels[e])).join(', ') },
          { id: 'channels', header: 'Channels', cell: (r) => r.channelIds.map(channelName).join(', ') },
          { id: 'enabled', header: 'Enabled', cell: (r) => (r.enabled ? <StatusIndicator type="success">Enabled</StatusIndicator> : <StatusIndicator type="stopped">Disabled</StatusIndicator>) },
          ...(canManage
            ? [
                {
                  id: 'actions',
                  header: 'Actions',
                  cell: (r: Rule) => (
                    <SpaceBetween direction="horizontal" size="xs">
                      <Button ariaLabel={`Edit ${r.name}`} onClick={() => { setEditing(r); }}>
                        Edit
                      </Button>
                      <Button ariaLabel={`Delete ${r.name}`} onClick={() => { setDeleting(r); }}>
                        Delete
                      </Button>
                    </SpaceBetween>
                  ),
                },
              ]
            : []),
        ]}
        pagination={<CursorPagination pages={pages} label="Rules" />}
      />
      {editing !== undefined && (
        <RuleFormModal
          projectId={projectId}
          rule={editing === 'new' ? undefined : editing}
          jobs={jobs}
          channels={channels}
          onDismiss={() => { setEditing(undefined); }}
          onSaved={(saved) => {
            setEditing(undefined);
            flash.notify({ type: 'success', content: `Rule “${saved.name}” was saved.` });
            void pages.reload();
          }}
        />
      )}
      {deleting !== undefined && (
        <ConfirmModal
          header="Delete rule"
          confirmText="Delete"
          pendingText="Deleting"
          failureHeader="The rule could not be deleted"
          onDismiss={() => { setDeleting(undefined); }}
          onConfirm={async () => {
            await api.removeRule(projectId, deleting.id);
            pages.remove(deleting.id);
            flash.notify({ type: 'success', content: `Rule “${deleting.name}” was deleted.` });
            setDeleting(undefined);
          }}
        >
          <Box variant="p">
            Delete the rule <b>{deleting.name}</b>? Its delivery log stays.
          </Box>
        </ConfirmModal>
      )}
    </>
  );
};

const statusOf = (d: Delivery) =>
  d.status === 'sent' ? <StatusIndicator type="success">Sent</StatusIndicator> : d.status === 'failed' ? <StatusIndicator type="error">Failed</StatusIndicator> : <StatusIndicator type="pending">Pending</StatusIndicator>;

const Deliveries = ({ projectId }: { projectId: string }) => {
  const pages = useDeliveries(projectId);
  return (
    <>
      {pages.error !== undefined && (
        <Alert type="error" header="The delivery log could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <Table<Delivery>
        items={pages.items}
        trackBy="id"
        loading={pages.loading}
        loadingText="Loading deliveries"
        wrapLines
        ariaLabels={{ tableLabel: 'Delivery log' }}
        header={
          <Header counter={counterOf(pages)} actions={<Button iconName="refresh" ariaLabel="Refresh the delivery log" onClick={() => void pages.reload()} disabled={pages.loading} />}>
            Delivery log
          </Header>
        }
        empty={
          <Box textAlign="center" color="inherit">
            <b>Nothing sent yet</b>
          </Box>
        }
        columnDefinitions={[
          { id: 'time', header: 'Time', cell: (d) => <DateTime iso={d.updatedAt} /> },
          { id: 'event', header: 'Event', cell: (d) => eventLabels[d.event] },
          {
            id: 'run',
            header: 'Run',
            cell: (d) => (
              <Link href={runHref(projectId, d.runId)} onFollow={followLink}>
                {d.runId}
              </Link>
            ),
          },
          { id: 'channel', header: 'Channel', isRowHeader: true, cell: (d) => `${d.channelName} (${d.channelKind})` },
          { id: 'status', header: 'Status', cell: statusOf },
          { id: 'attempts', header: 'Attempts', cell: (d) => d.attempts },
          { id: 'error', header: 'Error', cell: (d) => d.error ?? '-' },
        ]}
        pagination={<CursorPagination pages={pages} label="Delivery log" />}
      />
    </>
  );
};
