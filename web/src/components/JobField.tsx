import FormField from '@cloudscape-design/components/form-field';
import Select from '@cloudscape-design/components/select';
import type { Job } from '../api/jobs';

/** Choose one of the project's jobs (schedules and triggers start one). */
export const JobField = ({
  jobs,
  selected,
  onChange,
  description,
  errorText,
  testId,
}: {
  jobs: readonly Pick<Job, 'id' | 'name'>[];
  selected: Pick<Job, 'id' | 'name'> | undefined;
  onChange: (jobId: string | undefined) => void;
  description: string;
  errorText: string | undefined;
  testId: string;
}) => (
  <FormField label="Job" errorText={errorText} description={description}>
    <Select
      data-testid={testId}
      selectedOption={selected === undefined ? null : { value: selected.id, label: selected.name }}
      options={jobs.map((j) => ({ value: j.id, label: j.name }))}
      placeholder="Choose a job"
      empty="No jobs in this project"
      invalid={errorText !== undefined}
      onChange={(event) => {
        onChange(event.detail.selectedOption.value);
      }}
    />
  </FormField>
);
