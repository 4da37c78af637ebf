import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState, type SubmitEvent } from 'react';
import { useServices } from '../../../app/services';
import { AuthError, type Challenge } from '../../../auth/session';
import { NewPasswordFields } from '../../../components/NewPasswordFields';

/** NEW_PASSWORD_REQUIRED: the first sign-in with a temporary password. */
export const NewPasswordForm = ({
  challenge,
  onChallenge,
  onCancel,
}: {
  challenge: Challenge;
  onChallenge: (challenge: Challenge) => void;
  onCancel: () => void;
}) => {
  const { session } = useServices();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const passwordError = submitted && password === '' ? 'Enter a new password.' : undefined;
  const confirmError =
    submitted && confirm !== password ? 'The passwords do not match.' : submitted && confirm === '' ? 'Enter the new password again.' : undefined;

  const submit = async () => {
    setSubmitted(true);
    setError(undefined);
    if (password === '' || confirm !== password) return;
    setPending(true);
    try {
      const step = await session.completeNewPassword(challenge, password);
      if (step.kind !== 'signedIn') {
        setPending(false);
        onChallenge(step);
      }
    } catch (e) {
      setPending(false);
      if (e instanceof AuthError && (e.code === 'NotAuthorizedException' || e.code === 'ExpiredCodeException')) {
        // The challenge session lasts a few minutes; after that only a fresh sign-in helps.
        setError(`${e.message} Go back and sign in again with your temporary password.`);
      } else {
        setError(e instanceof AuthError ? e.message : 'The new password could not be set.');
      }
    }
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void submit();
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Choose a new password">
      <Form
        errorText={error}
        errorIconAriaLabel="Error"
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" formAction="none" onClick={onCancel}>
              Back to sign in
            </Button>
            <Button variant="primary" formAction="submit" loading={pending} loadingText="Setting password">
              Set password and sign in
            </Button>
          </SpaceBetween>
        }
      >
        <Container
          header={
            <Header variant="h2" description={`You are signing in as ${challenge.username} with a temporary password.`}>
              Choose a new password
            </Header>
          }
        >
          <SpaceBetween size="l">
            <NewPasswordFields
              password={password}
              confirm={confirm}
              onPassword={setPassword}
              onConfirm={setConfirm}
              passwordError={passwordError}
              confirmError={confirmError}
              autoFocus
            />
          </SpaceBetween>
        </Container>
      </Form>
    </form>
  );
};
