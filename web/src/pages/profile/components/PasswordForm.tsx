import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState, type SubmitEvent } from 'react';
import { useFlash } from '../../../app/flash';
import { useServices } from '../../../app/services';
import { AuthError } from '../../../auth/session';
import { NewPasswordFields } from '../../../components/NewPasswordFields';

const SIGN_IN_AGAIN = 'Your password was changed, which ends every session. Sign in again with your new password.';

/**
 * ChangePassword with the session's access token. The identity provider then ends every session
 * of the user, this one included, so the console signs in again with the new password; when that
 * needs another step (an authenticator code), it signs out and says why.
 */
export const PasswordForm = ({ username }: { username: string }) => {
  const { session } = useServices();
  const flash = useFlash();
  const [current, setCurrent] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const currentError = submitted && current === '' ? 'Enter your current password.' : undefined;
  const passwordError =
    submitted && password === '' ? 'Enter a new password.' : submitted && password === current ? 'Choose a password different from the current one.' : undefined;
  const confirmError =
    submitted && confirm !== password ? 'The passwords do not match.' : submitted && confirm === '' ? 'Enter the new password again.' : undefined;

  const submit = async () => {
    setSubmitted(true);
    setError(undefined);
    if (current === '' || password === '' || password === current || confirm !== password) return;
    setPending(true);
    try {
      await session.changePassword(current, password);
    } catch (e) {
      setPending(false);
      if (e instanceof AuthError && e.code === 'NotAuthorizedException' && /incorrect username or password/i.test(e.message)) {
        setError('The current password is not correct.');
      } else {
        setError(e instanceof AuthError ? e.message : 'The password could not be changed.');
      }
      return;
    }
    try {
      const step = await session.signIn(username, password);
      if (step.kind !== 'signedIn') {
        session.signOut(SIGN_IN_AGAIN);
        return;
      }
    } catch {
      session.signOut(SIGN_IN_AGAIN);
      return;
    }
    setPending(false);
    setSubmitted(false);
    setCurrent('');
    setPassword('');
    setConfirm('');
    flash.notify({ type: 'success', content: 'Your password was changed. Your other sessions were signed out.' });
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void submit();
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Change password">
      <Form
        errorText={error}
        errorIconAriaLabel="Error"
        actions={
          <Button variant="primary" formAction="submit" loading={pending} loadingText="Changing password">
            Change password
          </Button>
        }
      >
        <Container header={<Header variant="h2" description="Changing it signs you out everywhere else.">Password</Header>}>
          <SpaceBetween size="l">
            {/* Lets password managers tie the new password to the right account. */}
            <input type="text" autoComplete="username" value={username} readOnly hidden />
            <FormField label="Current password" errorText={currentError}>
              <Input
                type="password"
                value={current}
                onChange={(event) => {
                  setCurrent(event.detail.value);
                }}
                autoComplete="current-password"
                ariaRequired
                invalid={currentError !== undefined}
              />
            </FormField>
            <NewPasswordFields
              password={password}
              confirm={confirm}
              onPassword={setPassword}
              onConfirm={setConfirm}
              passwordError={passwordError}
              confirmError={confirmError}
            />
          </SpaceBetween>
        </Container>
      </Form>
    </form>
  );
};
