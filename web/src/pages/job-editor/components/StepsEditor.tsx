import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Select from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import type { Interpreter, StepKind } from '../../../api/jobs';
import { TextField } from '../../../components/TextField';
import { newStep, type StepForm } from '../form';

const kindOptions: { value: StepKind; label: string }[] = [
  { value: 'command', label: 'Command' },
  { value: 'script', label: 'Script' },
  { value: 'powershell', label: 'PowerShell' },
];
const interpreterOptions: { value: Interpreter; label: string }[] = [
  { value: 'sh', label: 'sh' },
  { value: 'bash', label: 'bash' },
  { value: 'python3', label: 'python3' },
];

/** The job's steps, in order: kind, interpreter for scripts, content, timeout. */
export const StepsEditor = ({
  steps,
  onChange,
  errorOf,
}: {
  steps: StepForm[];
  onChange: (steps: StepForm[]) => void;
  errorOf: (path: string) => string | undefined;
}) => {
  const update = (index: number, patch: Partial<StepForm>) => {
    onChange(steps.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  };
  return (
    <SpaceBetween size="m">
      {steps.map((step, i) => {
        const label = `Step ${i + 1}`;
        const kind = kindOptions.find((o) => o.value === step.kind) ?? kindOptions[0];
        const interpreter = interpreterOptions.find((o) => o.value === step.interpreter) ?? interpreterOptions[0];
        return (
          <Container
            key={step.key}
            data-testid={`step-${i + 1}`}
            header={
              <Header
                variant="h3"
                actions={
                  <Button
                    ariaLabel={`Remove step ${i + 1}`}
                    iconName="remove"
                    disabled={steps.length === 1}
                    onClick={() => {
                      onChange(steps.filter((_, j) => j !== i));
                    }}
                  />
                }
              >
                {label}
              </Header>
            }
          >
            <SpaceBetween size="s">
              {errorOf(`steps.${i}`) !== undefined && <FormField errorText={errorOf(`steps.${i}`)} />}
              <ColumnLayout columns={3}>
                <FormField label="Kind">
                  <Select
                    selectedOption={kind ?? null}
                    options={kindOptions}
                    ariaLabel={`Kind of step ${i + 1}`}
                    onChange={(event) => {
                      update(i, { kind: event.detail.selectedOption.value as StepKind });
                    }}
                  />
                </FormField>
                {step.kind === 'script' && (
                  <FormField label="Interpreter" errorText={errorOf(`steps.${i}.interpreter`)}>
                    <Select
                      selectedOption={interpreter ?? null}
                      options={interpreterOptions}
                      ariaLabel={`Interpreter of step ${i + 1}`}
                      onChange={(event) => {
                        update(i, { interpreter: event.detail.selectedOption.value as Interpreter });
                      }}
                    />
                  </FormField>
                )}
                <TextField
                  label="Timeout (seconds)"
                  value={step.timeout}
                  inputMode="numeric"
                  error={errorOf(`steps.${i}.timeoutSeconds`)}
                  onChange={(timeout) => {
                    update(i, { timeout });
                  }}
                />
              </ColumnLayout>
              <FormField label={step.kind === 'command' ? 'Command' : 'Script'} errorText={errorOf(`steps.${i}.content`)} stretch>
                <Textarea
                  value={step.content}
                  rows={step.kind === 'command' ? 2 : 8}
                  spellcheck={false}
                  invalid={errorOf(`steps.${i}.content`) !== undefined}
                  onChange={(event) => {
                    update(i, { content: event.detail.value });
                  }}
                />
              </FormField>
            </SpaceBetween>
          </Container>
        );
      })}
      <Button
        iconName="add-plus"
        onClick={() => {
          onChange([...steps, newStep()]);
        }}
      >
        Add step
      </Button>
    </SpaceBetween>
  );
};
