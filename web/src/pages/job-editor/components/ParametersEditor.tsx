import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Checkbox from '@cloudscape-design/components/checkbox';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import type { ParameterType } from '../../../api/jobs';
import { TextField, optionalLabel } from '../../../components/TextField';
import { newParameter, type ParameterForm } from '../form';

const typeOptions: { value: ParameterType; label: string }[] = [
  { value: 'string', label: 'String' },
  { value: 'number', label: 'Number' },
  { value: 'boolean', label: 'Boolean' },
  { value: 'choice', label: 'Choice' },
];

/** The job's parameters: name, type, required, default, secure (and the values of a choice). */
export const ParametersEditor = ({
  parameters,
  onChange,
  errorOf,
}: {
  parameters: ParameterForm[];
  onChange: (parameters: ParameterForm[]) => void;
  errorOf: (path: string) => string | undefined;
}) => {
  const update = (index: number, patch: Partial<ParameterForm>) => {
    onChange(parameters.map((p, i) => (i === index ? { ...p, ...patch } : p)));
  };
  return (
    <SpaceBetween size="m">
      {parameters.length === 0 && <Box color="text-status-inactive">No parameters.</Box>}
      {parameters.map((p, i) => (
        <Container
          key={p.key}
          header={
            <Header
              variant="h3"
              actions={
                <Button
                  ariaLabel={`Remove parameter ${i + 1}`}
                  iconName="remove"
                  onClick={() => {
                    onChange(parameters.filter((_, j) => j !== i));
                  }}
                />
              }
            >
              {`Parameter ${i + 1}`}
            </Header>
          }
        >
          <SpaceBetween size="s">
            {errorOf(`parameters.${i}`) !== undefined && <FormField errorText={errorOf(`parameters.${i}`)} />}
            <ColumnLayout columns={3}>
              <TextField
                label="Parameter name"
                value={p.name}
                error={errorOf(`parameters.${i}.name`)}
                onChange={(name) => {
                  update(i, { name });
                }}
              />
              <FormField label="Type" errorText={errorOf(`parameters.${i}.type`)}>
                <Select
                  selectedOption={typeOptions.find((o) => o.value === p.type) ?? null}
                  options={typeOptions}
                  ariaLabel={`Type of parameter ${i + 1}`}
                  onChange={(event) => {
                    update(i, { type: event.detail.selectedOption.value as ParameterType });
                  }}
                />
              </FormField>
              <TextField
                label={optionalLabel('Default')}
                value={p.secure ? '' : p.defaultValue}
                disabled={p.secure}
                description={p.secure ? 'Secure parameters have no default.' : p.type === 'boolean' ? 'true or false' : undefined}
                error={errorOf(`parameters.${i}.default`)}
                onChange={(defaultValue) => {
                  update(i, { defaultValue });
                }}
              />
            </ColumnLayout>
            {p.type === 'choice' && (
              <TextField
                label="Allowed values"
                description="Comma-separated."
                value={p.allowed}
                error={errorOf(`parameters.${i}.allowed`)}
                onChange={(allowed) => {
                  update(i, { allowed });
                }}
              />
            )}
            <SpaceBetween direction="horizontal" size="l">
              <Checkbox
                checked={p.required}
                onChange={(event) => {
                  update(i, { required: event.detail.checked });
                }}
              >
                Required
              </Checkbox>
              <Checkbox
                checked={p.secure}
                description="Redacted from output, logs and events."
                onChange={(event) => {
                  update(i, { secure: event.detail.checked });
                }}
              >
                Secure
              </Checkbox>
            </SpaceBetween>
          </SpaceBetween>
        </Container>
      ))}
      <Button
        iconName="add-plus"
        onClick={() => {
          onChange([...parameters, newParameter()]);
        }}
      >
        Add parameter
      </Button>
    </SpaceBetween>
  );
};
