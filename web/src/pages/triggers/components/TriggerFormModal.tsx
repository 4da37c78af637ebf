import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Checkbox from '@cloudscape-design/components/checkbox';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import type { Job } from '../../../api/jobs';
import { JobField } from '../../../components/JobField';
import { triggersApi, type CatalogEntry, type Trigger, type TriggerWithSecret } from '../../../api/triggers';
import { useApi } from '../../../app/services';
import { useApiForm } from '../../../app/use-api-form';
import { FormModal } from '../../../components/FormModal';
import { TextField } from '../../../components/TextField';
import { usePatternTest } from '../hooks/use-pattern-test';
import { customSampleEvent, sampleEventOf } from './sample-event';

const fields = ['name', 'jobId', 'pattern', 'inputMapping', 'parameters', 'enabled', 'confirmDangerous', 'webhook'] as const;
const CUSTOM = '__custom__';

const examplePattern = JSON.stringify({ source: ['com.example.ci'], 'detail-type': ['Deploy Requested'] }, null, 2);

/** Only the rows with a path: an empty field leaves its parameter to the fixed value or the job's default. */
const mappingOf = (paths: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(paths).filter(([, p]) => p.trim() !== '').map(([k, p]) => [k, p.trim()]));

const showValue = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Create or edit a trigger: an event pattern checked by the API as it is typed, a JSONPath per job
 * parameter, and a live test of both against a sample event (one of the catalog's, or an outside
 * system's). A webhook secret the API answers is handed to `onSaved`, to be shown once.
 */
export const TriggerFormModal = ({
  projectId,
  jobs,
  catalog,
  trigger,
  onSaved,
  onDismiss,
}: {
  projectId: string;
  jobs: Job[];
  catalog: CatalogEntry[];
  /** The trigger to edit; a new one when absent. */
  trigger?: Trigger;
  onSaved: (trigger: TriggerWithSecret, created: boolean) => void;
  onDismiss: () => void;
}) => {
  const api = useApi(triggersApi);
  const form = useApiForm(fields);
  const [name, setName] = useState(trigger?.name ?? '');
  const [jobId, setJobId] = useState<string | undefined>(trigger?.jobId);
  const [webhook, setWebhook] = useState(trigger?.webhook.enabled ?? false);
  const [pattern, setPattern] = useState(trigger?.pattern ?? examplePattern);
  const [paths, setPaths] = useState<Record<string, string>>(trigger?.inputMapping ?? {});
  const [enabled, setEnabled] = useState(trigger?.enabled ?? true);
  const [confirmDangerous, setConfirmDangerous] = useState(trigger?.confirmDangerous ?? false);
  const [sampleKey, setSampleKey] = useState(CUSTOM);
  const [sample, setSample] = useState(customSampleEvent);

  const job = jobs.find((j) => j.id === jobId);
  const mappable = (job?.parameters ?? []).filter((p) => p.secure !== true);
  // Paths for parameters of another job (the job was changed) are not sent.
  const mapping = mappingOf(Object.fromEntries(Object.entries(paths).filter(([k]) => mappable.some((p) => p.name === k))));
  const test = usePatternTest(pattern, sample, mapping);
  const dangerous = (job?.warnings.length ?? 0) > 0;

  const clientErrors = {
    name: name.trim() === '' ? 'Enter a name' : undefined,
    jobId: jobId === undefined ? 'Choose a job' : undefined,
    pattern: pattern.trim() === '' && !webhook ? 'Enter an event pattern (only a webhook trigger may leave it empty)' : undefined,
  };
  const shown = (field: keyof typeof clientErrors) => form.serverErrors[field] ?? (form.submitted ? clientErrors[field] : undefined);
  const patternError = shown('pattern') ?? test.patternError;

  const sampleOptions = [
    { value: CUSTOM, label: "An outside system's event", description: 'com.example.ci, as another account might put it on the bus' },
    ...catalog.map((e) => ({ value: `${e.source}|${e.detailType}`, label: e.detailType, description: e.source })),
  ];

  const submit = () => {
    const invalid = Object.values(clientErrors).some((e) => e !== undefined);
    void form.run(invalid, async () => {
      const body = {
        name: name.trim(),
        jobId: jobId ?? '',
        ...(pattern.trim() === '' ? {} : { pattern }),
        inputMapping: mapping,
        enabled,
        webhook: { enabled: webhook },
        ...(dangerous || confirmDangerous ? { confirmDangerous } : {}),
      };
      const saved = trigger === undefined ? await api.create(projectId, { ...body, parameters: {} }) : await api.update(projectId, trigger.id, body);
      onSaved(saved, trigger === undefined);
    });
  };

  return (
    <FormModal
      header={trigger === undefined ? 'Create trigger' : `Edit trigger ${trigger.name}`}
      submitText={trigger === undefined ? 'Create trigger' : 'Save'}
      pendingText="Saving trigger"
      pending={form.pending}
      error={form.formError}
      onSubmit={submit}
      onDismiss={onDismiss}
      size="max"
      submitTestId="save-trigger"
    >
      <ColumnLayout columns={2}>
        <TextField
          label="Name"
          value={name}
          onChange={(v) => {
            setName(v);
            form.clearField('name');
          }}
          error={shown('name')}
          required
          autoFocus
          testId="trigger-name"
        />
        <JobField
          jobs={jobs}
          selected={job}
          description="The job a matching event starts, on the job's own targets."
          errorText={shown('jobId')}
          testId="trigger-job"
          onChange={(id) => {
            setJobId(id);
            form.clearField('jobId');
          }}
        />
      </ColumnLayout>
      <FormField errorText={form.serverErrors.webhook} description="Other systems call a URL of this trigger, signing each call with a secret shown once.">
        <Checkbox
          checked={webhook}
          onChange={(event) => {
            setWebhook(event.detail.checked);
          }}
          data-testid="trigger-webhook"
        >
          Accept signed webhooks
        </Checkbox>
      </FormField>
      <ColumnLayout columns={2}>
        <FormField
          label="Event pattern"
          errorText={patternError}
          description={
            webhook
              ? 'An EventBridge event pattern. Leave it empty to match this trigger’s own webhook calls (Webhook Received).'
              : 'An EventBridge event pattern, checked as you type.'
          }
          stretch
        >
          <Textarea
            value={pattern}
            rows={12}
            spellcheck={false}
            invalid={patternError !== undefined}
            ariaLabel="Event pattern"
            data-testid="trigger-pattern"
            onChange={(event) => {
              setPattern(event.detail.value);
              form.clearField('pattern');
            }}
          />
        </FormField>
        <FormField label="Sample event" errorText={test.eventError} description="Pick one from the event catalog or an outside system’s, then edit it." stretch>
          <SpaceBetween size="xs">
            <Select
              data-testid="trigger-sample"
              selectedOption={sampleOptions.find((o) => o.value === sampleKey) ?? null}
              options={sampleOptions}
              filteringType="auto"
              ariaLabel="Sample event type"
              onChange={(event) => {
                const key = event.detail.selectedOption.value ?? CUSTOM;
                setSampleKey(key);
                const entry = catalog.find((e) => `${e.source}|${e.detailType}` === key);
                setSample(entry === undefined ? customSampleEvent : sampleEventOf(entry));
              }}
            />
            <Textarea
              value={sample}
              rows={9}
              spellcheck={false}
              ariaLabel="Sample event"
              invalid={test.eventError !== undefined}
              data-testid="trigger-sample-event"
              onChange={(event) => {
                setSample(event.detail.value);
              }}
            />
          </SpaceBetween>
        </FormField>
      </ColumnLayout>
      <FormField
        label="Input mapping"
        errorText={form.serverErrors.inputMapping ?? test.mappingError}
        description="A JSONPath on the event for each job parameter it should fill, like $.detail.version. Empty fields keep the job’s default. Secure parameters cannot come from events."
      >
        {job === undefined ? (
          <Box color="text-status-inactive">Choose a job to map its parameters.</Box>
        ) : mappable.length === 0 ? (
          <Box color="text-status-inactive">This job has no parameters to map.</Box>
        ) : (
          <ColumnLayout columns={2}>
            {mappable.map((p) => (
              <FormField key={p.name} label={`${p.name}${p.required === true ? ' (required)' : ''}`} description={p.description}>
                <Input
                  value={paths[p.name] ?? ''}
                  placeholder={`$.detail.${p.name}`}
                  ariaLabel={`JSONPath for ${p.name}`}
                  data-testid={`mapping-${p.name}`}
                  onChange={(event) => {
                    setPaths((m) => ({ ...m, [p.name]: event.detail.value }));
                    form.clearField('inputMapping');
                  }}
                />
              </FormField>
            ))}
          </ColumnLayout>
        )}
      </FormField>
      <FormField label="Test against the sample event">
        <div data-testid="trigger-test-result" aria-live="polite">
          {pattern.trim() === '' ? (
            <Box color="text-status-inactive">The webhook default pattern matches this trigger’s own webhook calls.</Box>
          ) : test.loading ? (
            <StatusIndicator type="loading">Testing</StatusIndicator>
          ) : test.error !== undefined ? (
            <StatusIndicator type="error">{test.error}</StatusIndicator>
          ) : test.result === undefined ? (
            <StatusIndicator type="warning">Fix the pattern to test it</StatusIndicator>
          ) : test.result.match ? (
            <SpaceBetween size="xs">
              <StatusIndicator type="success">Matched: this event would start the job</StatusIndicator>
              {Object.keys(test.result.parameters ?? {}).length === 0 ? (
                <Box variant="small">No parameters mapped from it.</Box>
              ) : (
                <ul style={{ margin: 0 }} aria-label="Mapped parameters">
                  {Object.entries(test.result.parameters ?? {}).map(([k, v]) => (
                    <li key={k}>
                      <Box variant="code">{k}</Box> = <Box variant="code">{showValue(v)}</Box>
                    </li>
                  ))}
                </ul>
              )}
            </SpaceBetween>
          ) : (
            <StatusIndicator type="stopped">Not matched: this event would start nothing</StatusIndicator>
          )}
        </div>
      </FormField>
      <FormField errorText={form.serverErrors.enabled}>
        <Checkbox
          checked={enabled}
          onChange={(event) => {
            setEnabled(event.detail.checked);
          }}
        >
          Enabled: start the job for matching events from now on
        </Checkbox>
      </FormField>
      {dangerous && (
        <FormField errorText={form.serverErrors.confirmDangerous} description="The job has commands flagged as dangerous: running it on events takes a project admin’s confirmation.">
          <Checkbox
            checked={confirmDangerous}
            onChange={(event) => {
              setConfirmDangerous(event.detail.checked);
              form.clearField('confirmDangerous');
            }}
          >
            I confirm the job’s dangerous commands may run on events
          </Checkbox>
        </FormField>
      )}
      {trigger !== undefined && trigger.webhook.enabled && !webhook && (
        <Alert type="warning">Turning webhooks off forgets the secret: turning them on again issues a new one.</Alert>
      )}
    </FormModal>
  );
};
