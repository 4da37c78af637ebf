import FormField from '@cloudscape-design/components/form-field';
import Input, { type InputProps } from '@cloudscape-design/components/input';
import type { ReactNode } from 'react';

/** A labelled one-line input whose error (the client's check or the API's) is shown under it and marks it invalid. */
export const TextField = ({
  label,
  value,
  onChange,
  error,
  description,
  constraintText,
  type = 'text',
  inputMode,
  placeholder,
  autoFocus = false,
  required = false,
  disabled = false,
  autoComplete = false,
  spellcheck = false,
  stretch = false,
  testId,
}: {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: string | undefined;
  description?: ReactNode;
  constraintText?: ReactNode;
  type?: InputProps.Type;
  inputMode?: InputProps.InputMode;
  placeholder?: string;
  autoFocus?: boolean;
  required?: boolean;
  disabled?: boolean;
  /** false (the default) for everything but sign-in fields: a browser's suggestions do not belong in inventory forms. */
  autoComplete?: InputProps['autoComplete'];
  spellcheck?: boolean;
  stretch?: boolean;
  testId?: string;
}) => (
  <FormField label={label} errorText={error} description={description} constraintText={constraintText} stretch={stretch}>
    <Input
      value={value}
      onChange={(event) => {
        onChange(event.detail.value);
      }}
      type={type}
      {...(inputMode === undefined ? {} : { inputMode })}
      {...(placeholder === undefined ? {} : { placeholder })}
      {...(testId === undefined ? {} : { 'data-testid': testId })}
      autoFocus={autoFocus}
      ariaRequired={required}
      disabled={disabled}
      autoComplete={autoComplete}
      spellcheck={spellcheck}
      invalid={error !== undefined}
    />
  </FormField>
);

/** A field label that says the field may stay empty. */
export const optionalLabel = (label: string) => (
  <span>
    {label} <i>- optional</i>
  </span>
);
