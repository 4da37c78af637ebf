import Autosuggest from '@cloudscape-design/components/autosuggest';
import Checkbox from '@cloudscape-design/components/checkbox';
import FormField from '@cloudscape-design/components/form-field';
import RadioGroup from '@cloudscape-design/components/radio-group';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import type { Job } from '../../../api/jobs';
import { JobField } from '../../../components/JobField';
import { schedulesApi, type OverlapPolicy, type Schedule } from '../../../api/schedules';
import { useApi } from '../../../app/services';
import { useApiForm } from '../../../app/use-api-form';
import { FormModal } from '../../../components/FormModal';
import { TextField } from '../../../components/TextField';
import { useFirePreview } from '../hooks/use-fire-preview';
import { FireTimes } from './FireTimes';

const fields = ['name', 'jobId', 'expression', 'timezone', 'overlap', 'enabled', 'parameters', 'confirmDangerous'] as const;

const browserZone = (): string => {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch {
    return 'UTC';
  }
};

const commonZones = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Paris',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Tokyo',
  'Asia/Singapore',
  'Asia/Kolkata',
  'Australia/Sydney',
];

/** The parameters as typed: a JSON object, or why not. */
const parseParameters = (text: string): { value: Record<string, unknown> } | { error: string } => {
  if (text.trim() === '') return { value: {} };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return { value: parsed as Record<string, unknown> };
    return { error: 'Must be a JSON object, like {"version": "1.2.3"}' };
  } catch {
    return { error: 'Must be valid JSON, like {"version": "1.2.3"}' };
  }
};

/** "Create schedule": a job started on an expression in a time zone, its next fire times previewed as it is typed. */
export const ScheduleFormModal = ({
  projectId,
  jobs,
  onCreated,
  onDismiss,
}: {
  projectId: string;
  jobs: Job[];
  onCreated: (schedule: Schedule) => void;
  onDismiss: () => void;
}) => {
  const api = useApi(schedulesApi);
  const form = useApiForm(fields);
  const [name, setName] = useState('');
  const [jobId, setJobId] = useState<string | undefined>(undefined);
  const [expression, setExpression] = useState('');
  const [timezone, setTimezone] = useState(browserZone);
  const [overlap, setOverlap] = useState<OverlapPolicy>('skip');
  const [enabled, setEnabled] = useState(true);
  const [confirmDangerous, setConfirmDangerous] = useState(false);
  const [parameters, setParameters] = useState('{}');
  const preview = useFirePreview(expression, timezone);

  const params = parseParameters(parameters);
  const clientErrors = {
    name: name.trim() === '' ? 'Enter a name' : undefined,
    jobId: jobId === undefined ? 'Choose a job' : undefined,
    expression: expression.trim() === '' ? 'Enter an expression' : undefined,
    parameters: 'error' in params ? params.error : undefined,
  };
  const shown = (field: keyof typeof clientErrors) => form.serverErrors[field] ?? (form.submitted ? clientErrors[field] : undefined);
  const selectedJob = jobs.find((j) => j.id === jobId);
  const dangerous = (selectedJob?.warnings.length ?? 0) > 0;

  const submit = () => {
    const invalid = Object.values(clientErrors).some((e) => e !== undefined);
    void form.run(invalid, async () => {
      const created = await api.create(projectId, {
        name: name.trim(),
        jobId: jobId ?? '',
        parameters: 'value' in params ? params.value : {},
        expression: expression.trim(),
        timezone: timezone.trim() === '' ? 'UTC' : timezone.trim(),
        enabled,
        overlap,
        ...(dangerous ? { confirmDangerous } : {}),
      });
      onCreated(created);
    });
  };

  return (
    <FormModal
      header="Create schedule"
      submitText="Create schedule"
      pendingText="Creating schedule"
      pending={form.pending}
      error={form.formError}
      onSubmit={submit}
      onDismiss={onDismiss}
      size="large"
      submitTestId="save-schedule"
    >
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
      />
      <JobField
        jobs={jobs}
        selected={selectedJob}
        description="The job a fire starts. It must name targets."
        errorText={shown('jobId')}
        testId="schedule-job"
        onChange={(id) => {
          setJobId(id);
          form.clearField('jobId');
        }}
      />
      <TextField
        label="Expression"
        value={expression}
        onChange={(v) => {
          setExpression(v);
          form.clearField('expression');
        }}
        error={shown('expression') ?? preview.expressionError}
        description="cron(minutes hours day-of-month month day-of-week year), rate(1 hour), at(2030-01-01T09:00:00), or a Unix cron line."
        placeholder="cron(0 3 * * ? *)"
        required
        testId="schedule-expression"
      />
      <FormField
        label="Time zone"
        errorText={form.serverErrors.timezone ?? preview.timezoneError}
        description="An IANA time zone: the expression's hours are in it, daylight saving included."
      >
        <Autosuggest
          value={timezone}
          options={commonZones.map((z) => ({ value: z }))}
          onChange={(event) => {
            setTimezone(event.detail.value);
            form.clearField('timezone');
          }}
          enteredTextLabel={(v) => `Use "${v}"`}
          clearAriaLabel="Clear time zone"
          placeholder="UTC"
          invalid={(form.serverErrors.timezone ?? preview.timezoneError) !== undefined}
          data-testid="schedule-timezone"
        />
      </FormField>
      <FormField label="Next five fire times" description="In your time zone, and in UTC.">
        <FireTimes preview={preview} />
      </FormField>
      <FormField label="When a fire finds the previous run still going" errorText={form.serverErrors.overlap}>
        <RadioGroup
          value={overlap}
          onChange={(event) => {
            setOverlap(event.detail.value === 'allow' ? 'allow' : 'skip');
          }}
          items={[
            { value: 'skip', label: 'Skip the fire', description: 'No new run while the one the previous fire started is queued or running.' },
            { value: 'allow', label: 'Start another run', description: 'Runs may overlap.' },
          ]}
        />
      </FormField>
      <FormField
        label="Parameters"
        errorText={shown('parameters')}
        description="The job's parameters for every run, as a JSON object ({} for none). Secure parameters cannot be scheduled."
      >
        <Textarea
          value={parameters}
          rows={3}
          spellcheck={false}
          invalid={shown('parameters') !== undefined}
          onChange={(event) => {
            setParameters(event.detail.value);
            form.clearField('parameters');
          }}
        />
      </FormField>
      <FormField errorText={form.serverErrors.enabled}>
        <Checkbox
          checked={enabled}
          onChange={(event) => {
            setEnabled(event.detail.checked);
          }}
        >
          Enabled: fire on schedule from now on
        </Checkbox>
      </FormField>
      {dangerous && (
        <FormField errorText={form.serverErrors.confirmDangerous} description="The job has commands flagged as dangerous: scheduling it takes your confirmation.">
          <Checkbox
            checked={confirmDangerous}
            onChange={(event) => {
              setConfirmDangerous(event.detail.checked);
              form.clearField('confirmDangerous');
            }}
          >
            I confirm the job’s dangerous commands may run unattended
          </Checkbox>
        </FormField>
      )}
    </FormModal>
  );
};
