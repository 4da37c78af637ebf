import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import { PasswordHints } from '../pages/sign-in/components/PasswordHints';

/** "New password" with the policy hints, and its confirmation: the first sign-in and the profile ask the same way. */
export const NewPasswordFields = ({
  password,
  confirm,
  onPassword,
  onConfirm,
  passwordError,
  confirmError,
  autoFocus = false,
}: {
  password: string;
  confirm: string;
  onPassword: (value: string) => void;
  onConfirm: (value: string) => void;
  passwordError: string | undefined;
  confirmError: string | undefined;
  autoFocus?: boolean;
}) => (
  <>
    <FormField label="New password" errorText={passwordError} constraintText={<PasswordHints password={password} />}>
      <Input
        type="password"
        value={password}
        onChange={(event) => {
          onPassword(event.detail.value);
        }}
        autoComplete="new-password"
        autoFocus={autoFocus}
        ariaRequired
        invalid={passwordError !== undefined}
      />
    </FormField>
    <FormField label="Confirm new password" errorText={confirmError}>
      <Input
        type="password"
        value={confirm}
        onChange={(event) => {
          onConfirm(event.detail.value);
        }}
        autoComplete="new-password"
        ariaRequired
        invalid={confirmError !== undefined}
      />
    </FormField>
  </>
);
