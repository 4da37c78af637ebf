import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState, type SubmitEvent } from 'react';
import { useServices } from '../../../app/services';
import { AuthError, type Challenge } from '../../../auth/session';

export const CredentialsForm = ({ onChallenge }: { onChallenge: (challenge: Challenge) => void }) => {
  const { session } = useServices();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const usernameError = submitted && username.trim() === '' ? 'Enter your username or email address.' : undefined;
  const passwordError = submitted && password === '' ? 'Enter your password.' : undefined;

  const submit = async () => {
    setSubmitted(true);
    setError(undefined);
    if (username.trim() === '' || password === '') return;
    setPending(true);
    try {
      const step = await session.signIn(username.trim(), password);
      // On success the session's state changes and the app leaves this page.
      if (step.kind !== 'signedIn') {
        setPending(false);
        onChallenge(step);
      }
    } catch (e) {
      setPending(false);
      setError(e instanceof AuthError ? e.message : 'Sign-in failed.');
    }
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void submit();
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Sign in">
      <Form
        errorText={error}
        errorIconAriaLabel="Error"
        actions={
          <Button variant="primary" formAction="submit" loading={pending} loadingText="Signing in">
            Sign in
          </Button>
        }
      >
        <Container header={<Header variant="h2">Sign in</Header>}>
          <SpaceBetween size="l">
            <FormField label="Username or email" errorText={usernameError}>
              <Input
                value={username}
                onChange={(event) => {
                  setUsername(event.detail.value);
                }}
                autoComplete="username"
                spellcheck={false}
                autoFocus
                ariaRequired
                invalid={usernameError !== undefined}
              />
            </FormField>
            <FormField label="Password" errorText={passwordError}>
              <Input
                type="password"
                value={password}
                onChange={(event) => {
                  setPassword(event.detail.value);
                }}
                autoComplete="current-password"
                ariaRequired
                invalid={passwordError !== undefined}
              />
            </FormField>
          </SpaceBetween>
        </Container>
      </Form>
    </form>
  );
};
