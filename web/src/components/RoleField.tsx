import FormField from '@cloudscape-design/components/form-field';
import RadioGroup from '@cloudscape-design/components/radio-group';
import type { ProjectRole } from '../api/types';
import { roleDescriptions, roleLabels } from '../app/access';

/** Choose a project role; `roles` limits the choice (API keys are never admins). */
export const RoleField = <R extends ProjectRole>({
  value,
  onChange,
  roles,
  label = 'Role',
  errorText,
}: {
  value: R;
  onChange: (role: R) => void;
  roles: readonly R[];
  label?: string;
  errorText?: string | undefined;
}) => (
  <FormField label={label} errorText={errorText}>
    <RadioGroup
      value={value}
      onChange={(event) => {
        const role = roles.find((r) => r === event.detail.value);
        if (role !== undefined) onChange(role);
      }}
      items={roles.map((r) => ({ value: r, label: roleLabels[r], description: roleDescriptions[r] }))}
    />
  </FormField>
);
