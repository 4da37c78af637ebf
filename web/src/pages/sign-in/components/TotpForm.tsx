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

/** SOFTWARE_TOKEN_MFA: the code from the user's authenticator app. */
export const TotpForm = ({
  challenge,
  onChallenge,
  onCancel,
}: {
  challenge: Challenge;
  onChallenge: (challenge: Challenge) => void;
  onCancel: () => void;
}) => {
  const { session } = useServices();
  const [code, setCode] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const codeError = submitted && !/^[0-9]{6}$/.test(code) ? 'Enter the 6-digit code from your authenticator app.' : undefined;

  const submit = async () => {
    setSubmitted(true);
    setError(undefined);
    if (!/^[0-9]{6}$/.test(code)) return;
    setPending(true);
    try {
      const step = await session.answerTotp(challenge, code);
      if (step.kind !== 'signedIn') {
        setPending(false);
        onChallenge(step);
      }
    } catch (e) {
      setPending(false);
      setError(e instanceof AuthError ? e.message : 'The code could not be checked.');
    }
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void submit();
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Enter authentication code">
      <Form
        errorText={error}
        errorIconAriaLabel="Error"
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" formAction="none" onClick={onCancel}>
              Back to sign in
            </Button>
            <Button variant="primary" formAction="submit" loading={pending} loadingText="Checking code">
              Verify
            </Button>
          </SpaceBetween>
        }
      >
        <Container header={<Header variant="h2">Enter authentication code</Header>}>
          <FormField label="Authentication code" errorText={codeError} constraintText="6 digits from your authenticator app.">
            <Input
              value={code}
              onChange={(event) => {
                setCode(event.detail.value.replace(/\s+/g, ''));
              }}
              inputMode="numeric"
              autoComplete="one-time-code"
              autoFocus
              ariaRequired
              invalid={codeError !== undefined}
            />
          </FormField>
        </Container>
      </Form>
    </form>
  );
};
