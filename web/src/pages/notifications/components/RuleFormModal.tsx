import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Checkbox from '@cloudscape-design/components/checkbox';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Multiselect from '@cloudscape-design/components/multiselect';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import { formErrorsOf, messageOf } from '../../../api/errors';
import type { Job } from '../../../api/jobs';
import { notificationEvents, notificationsApi, type Channel, type NotificationEvent, type Rule } from '../../../api/notifications';
import { useApi } from '../../../app/services';
import { useApiForm } from '../../../app/use-api-form';
import { FormModal } from '../../../components/FormModal';
import { TextField } from '../../../components/TextField';

const fields = ['name', 'jobId', 'events', 'channelIds', 'overdueAfterMinutes', 'template.subject', 'template.body'] as const;

export const eventLabels: Record<NotificationEvent, string> = {
  'run.started': 'Started',
  'run.succeeded': 'Succeeded',
  'run.failed': 'Failed (or timed out)',
  'run.cancelled': 'Cancelled',
  'run.overdue': 'Overdue (running too long)',
};

const ALL_JOBS = '';

/** "Create rule" and "Edit rule": which run events of the project or one job notify which channels, with a template previewed before saving. */
export const RuleFormModal = ({
  projectId,
  rule,
  jobs,
  channels,
  onSaved,
  onDismiss,
}: {
  projectId: string;
  rule?: Rule | undefined;
  jobs: Job[];
  channels: Channel[];
  onSaved: (rule: Rule) => void;
  onDismiss: () => void;
}) => {
  const api = useApi(notificationsApi);
  const form = useApiForm(fields);
  const [name, setName] = useState(rule?.name ?? '');
  const [jobId, setJobId] = useState(rule?.jobId ?? ALL_JOBS);
  const [events, setEvents] = useState<NotificationEvent[]>(rule?.events ?? ['run.failed']);
  const [channelIds, setChannelIds] = useState<string[]>(rule?.channelIds ?? []);
  const [overdue, setOverdue] = useState(rule?.overdueAfterMinutes === undefined ? '30' : String(rule.overdueAfterMinutes));
  const [subject, setSubject] = useState(rule?.template.subject ?? '');
  const [body, setBody] = useState(rule?.template.body ?? '');
  const [preview, setPreview] = useState<{ subject: string; body: string } | { error: string } | undefined>(undefined);
  const [previewing, setPreviewing] = useState(false);

  const overdueMinutes = Number(overdue);
  const wantsOverdue = events.includes('run.overdue');
  const clientErrors = {
    name: name.trim() === '' ? 'Enter a name' : undefined,
    events: events.length === 0 ? 'Choose at least one event' : undefined,
    channelIds: channelIds.length === 0 ? 'Choose at least one channel' : undefined,
    overdueAfterMinutes: wantsOverdue && (!Number.isInteger(overdueMinutes) || overdueMinutes < 1) ? 'Enter whole minutes, 1 or more' : undefined,
  };
  const shown = (field: keyof typeof clientErrors) => form.serverErrors[field] ?? (form.submitted ? clientErrors[field] : undefined);
  const template = { ...(subject.trim() === '' ? {} : { subject }), ...(body.trim() === '' ? {} : { body }) };

  const submit = () => {
    const invalid = Object.values(clientErrors).some((e) => e !== undefined);
    void form.run(invalid, async () => {
      const common = { name: name.trim(), events, channelIds, template, enabled: rule?.enabled ?? true };
      if (rule === undefined) {
        onSaved(
          await api.createRule(projectId, {
            ...common,
            ...(jobId === ALL_JOBS ? {} : { jobId }),
            ...(wantsOverdue ? { overdueAfterMinutes: overdueMinutes } : {}),
          }),
        );
      } else {
        onSaved(await api.updateRule(projectId, rule.id, { ...common, jobId: jobId === ALL_JOBS ? null : jobId, overdueAfterMinutes: wantsOverdue ? overdueMinutes : null }));
      }
    });
  };

  const runPreview = async () => {
    setPreviewing(true);
    try {
      setPreview(await api.preview(projectId, { event: events[0] ?? 'run.failed', template }));
    } catch (e) {
      const errors = formErrorsOf(e, fields);
      setPreview({ error: errors.byField['template.subject'] ?? errors.byField['template.body'] ?? messageOf(e) });
    } finally {
      setPreviewing(false);
    }
  };

  const jobOptions = [{ value: ALL_JOBS, label: 'Every job of the project' }, ...jobs.map((j) => ({ value: j.id, label: j.name }))];
  const channelOptions = channels.map((c) => ({ value: c.id, label: c.name, description: c.kind }));
  const header = rule === undefined ? 'Create rule' : 'Edit rule';
  return (
    <FormModal header={header} submitText={rule === undefined ? 'Create rule' : 'Save'} pendingText="Saving" pending={form.pending} error={form.formError} onSubmit={submit} onDismiss={onDismiss} size="large" submitTestId="save-rule">
      <TextField label="Name" value={name} onChange={setName} error={shown('name')} autoFocus />
      <FormField label="Job" errorText={form.serverErrors.jobId}>
        <Select
          selectedOption={jobOptions.find((o) => o.value === jobId) ?? null}
          onChange={(event) => {
            setJobId(event.detail.selectedOption.value ?? ALL_JOBS);
          }}
          options={jobOptions}
          ariaLabel="Job"
        />
      </FormField>
      <FormField label="Events" errorText={shown('events')}>
        <div role="group" aria-label="Events">
          <ColumnLayout columns={3} variant="text-grid">
            {notificationEvents.map((e) => (
              <Checkbox
                key={e}
                checked={events.includes(e)}
                onChange={(event) => {
                  setEvents((current) => (event.detail.checked ? notificationEvents.filter((x) => x === e || current.includes(x)) : current.filter((x) => x !== e)));
                }}
              >
                {eventLabels[e]}
              </Checkbox>
            ))}
          </ColumnLayout>
        </div>
      </FormField>
      {wantsOverdue && (
        <TextField label="Overdue after (minutes)" value={overdue} onChange={setOverdue} error={shown('overdueAfterMinutes')} type="number" inputMode="numeric" />
      )}
      <FormField label="Channels" errorText={shown('channelIds')} description={channels.length === 0 ? 'Create a channel first.' : undefined}>
        <Multiselect
          selectedOptions={channelOptions.filter((o) => channelIds.includes(o.value))}
          onChange={(event) => {
            setChannelIds(event.detail.selectedOptions.map((o) => o.value ?? '').filter((v) => v !== ''));
          }}
          options={channelOptions}
          placeholder="Choose channels"
          ariaLabel="Channels"
          deselectAriaLabel={(o) => `Remove ${o.label ?? ''}`}
        />
      </FormField>
      <Container header={<Header variant="h3" description="Liquid; empty parts use the event's default. Variables: docs/notifications.md (run, job, project, counts, run.url).">Template</Header>}>
        <SpaceBetween size="s">
          <TextField label="Subject" value={subject} onChange={setSubject} error={form.serverErrors['template.subject']} placeholder="[{{ project.name }}] {{ job.name }} {{ run.status }}" />
          <FormField label="Body" errorText={form.serverErrors['template.body']}>
            <Textarea
              value={body}
              onChange={(event) => {
                setBody(event.detail.value);
              }}
              rows={5}
              ariaLabel="Body"
              placeholder="{{ counts.failed }} of {{ counts.total }} hosts failed. {{ run.url }}"
            />
          </FormField>
          <Button formAction="none" loading={previewing} onClick={() => void runPreview()} data-testid="preview-template">
            Preview
          </Button>
          {preview !== undefined &&
            ('error' in preview ? (
              <Alert type="error" header="The template does not render">
                {preview.error}
              </Alert>
            ) : (
              <div role="region" aria-label="Preview">
                <Box variant="h4">{preview.subject}</Box>
                <Box variant="pre">
                  <span data-testid="preview-body">{preview.body}</span>
                </Box>
              </div>
            ))}
        </SpaceBetween>
      </Container>
    </FormModal>
  );
};
