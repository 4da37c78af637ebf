import Checkbox from '@cloudscape-design/components/checkbox';
import FormField from '@cloudscape-design/components/form-field';
import Select from '@cloudscape-design/components/select';
import Toggle from '@cloudscape-design/components/toggle';
import { useState } from 'react';
import { ApiError, fieldErrors, messageOf } from '../../../api/errors';
import type { Job, JobParameter } from '../../../api/jobs';
import { runsApi, type Run } from '../../../api/runs';
import { useApi } from '../../../app/services';
import { FormModal } from '../../../components/FormModal';
import { TextField, optionalLabel } from '../../../components/TextField';

type Value = string | boolean;

const initialValue = (p: JobParameter): Value => {
  if (p.type === 'boolean') return p.default === true;
  if (p.default !== undefined) return String(p.default);
  if (p.type === 'choice' && p.required === true) return p.allowed?.[0] ?? '';
  return '';
};

/** What is sent for a parameter: undefined leaves it out (the job's default applies, or the API says it is required). */
const sentValue = (p: JobParameter, value: Value): string | number | boolean | undefined => {
  if (p.type === 'boolean') return value === true;
  if (typeof value !== 'string' || value === '') return undefined;
  if (p.type === 'number') {
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  }
  return value;
};

/**
 * Starts a run of a job: a field per parameter (by its type), the confirmation of the job's
 * dangerous commands when it has any, and an Idempotency-Key made once per dialog, so submitting
 * again after a lost answer gets the same run rather than a second one.
 */
export const RunJobModal = ({ job, onDismiss, onStarted }: { job: Job; onDismiss: () => void; onStarted: (run: Run) => void }) => {
  const api = useApi(runsApi);
  const [values, setValues] = useState<Record<string, Value>>(() => Object.fromEntries(job.parameters.map((p) => [p.name, initialValue(p)])));
  const [confirm, setConfirm] = useState(false);
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const dangerous = job.warnings.length > 0;

  const submit = async () => {
    setPending(true);
    setErrors({});
    setFormError(undefined);
    const parameters: Record<string, string | number | boolean> = {};
    for (const p of job.parameters) {
      const v = sentValue(p, values[p.name] ?? '');
      if (v !== undefined) parameters[p.name] = v;
    }
    try {
      const run = await api.start(job.projectId, job.id, { parameters, ...(dangerous ? { confirmDangerous: confirm } : {}) }, idempotencyKey);
      onStarted(run);
    } catch (e) {
      setPending(false);
      if (e instanceof ApiError && e.issues.length > 0) {
        const fields = [...job.parameters.map((p) => `parameters.${p.name}`), 'confirmDangerous'];
        const { '': rest, ...byField } = fieldErrors(e.issues, fields);
        setErrors(byField);
        setFormError(rest ?? (Object.keys(byField).length > 0 ? 'Some values need changes.' : messageOf(e)));
      } else {
        setFormError(messageOf(e));
      }
    }
  };

  const set = (name: string, value: Value) => {
    setValues((v) => ({ ...v, [name]: value }));
  };

  return (
    <FormModal
      header={`Run ${job.name}`}
      submitText="Start run"
      pendingText="Starting"
      pending={pending}
      error={formError}
      onSubmit={() => void submit()}
      onDismiss={onDismiss}
      submitDisabled={dangerous && !confirm}
      submitTestId="start-run"
    >
      {job.parameters.length === 0 && <span>This job has no parameters.</span>}
      {job.parameters.map((p) => {
        const label = p.required === true ? p.name : optionalLabel(p.name);
        const error = errors[`parameters.${p.name}`];
        const value = values[p.name] ?? '';
        const description = p.description;
        if (p.type === 'boolean') {
          return (
            <FormField key={p.name} label={p.name} description={description} errorText={error}>
              <Toggle
                checked={value === true}
                onChange={(event) => {
                  set(p.name, event.detail.checked);
                }}
              >
                {value === true ? 'true' : 'false'}
              </Toggle>
            </FormField>
          );
        }
        if (p.type === 'choice') {
          const options = [...(p.required === true ? [] : [{ value: '', label: '(default)' }]), ...(p.allowed ?? []).map((a) => ({ value: a, label: a }))];
          return (
            <FormField key={p.name} label={label} description={description} errorText={error}>
              <Select
                selectedOption={options.find((o) => o.value === value) ?? null}
                options={options}
                ariaLabel={p.name}
                onChange={(event) => {
                  set(p.name, event.detail.selectedOption.value ?? '');
                }}
              />
            </FormField>
          );
        }
        return (
          <TextField
            key={p.name}
            label={label}
            description={description}
            value={typeof value === 'string' ? value : ''}
            type={p.secure === true ? 'password' : p.type === 'number' ? 'number' : 'text'}
            {...(p.type === 'number' ? { inputMode: 'decimal' as const } : {})}
            error={error}
            required={p.required === true}
            onChange={(v) => {
              set(p.name, v);
            }}
          />
        );
      })}
      {dangerous && (
        <FormField
          label="Dangerous commands"
          description={`This job has ${job.warnings.length} dangerous command${job.warnings.length === 1 ? '' : 's'}: ${job.warnings.map((w) => w.title).join('; ')}. Only a project admin can confirm them.`}
          errorText={errors.confirmDangerous}
        >
          <Checkbox
            checked={confirm}
            onChange={(event) => {
              setConfirm(event.detail.checked);
            }}
          >
            I have reviewed the dangerous commands and want to run them
          </Checkbox>
        </FormField>
      )}
    </FormModal>
  );
};
