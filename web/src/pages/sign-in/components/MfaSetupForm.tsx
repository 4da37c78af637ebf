import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { useCallback, useEffect, useRef, useState, type SubmitEvent } from 'react';
import { useServices } from '../../../app/services';
import { AuthError, type Challenge } from '../../../auth/session';
import { TotpSetup, isTotpCode } from '../../../components/TotpSetup';

const codeMessage = (e: AuthError): string => {
  if (e.code === 'EnableSoftwareTokenMFAException' || e.code === 'CodeMismatchException') {
    return 'That code was not accepted. Enter the code the app shows now (check that the time on your device is right).';
  }
  if (e.code === 'NotAuthorizedException' || e.code === 'ExpiredCodeException') {
    return `${e.message} Go back and sign in again.`;
  }
  return e.message;
};

/**
 * MFA_SETUP: the installation requires MFA and this user has no authenticator yet. Associate a
 * new key with the challenge's session, show it as a QR code, verify the first code, then finish
 * the sign-in (RespondToAuthChallenge) with the session the verification answered.
 */
export const MfaSetupForm = ({
  challenge,
  onChallenge,
  onCancel,
}: {
  challenge: Challenge;
  onChallenge: (challenge: Challenge) => void;
  onCancel: () => void;
}) => {
  const { session } = useServices();
  const [setup, setSetup] = useState<{ secretCode: string; challenge: Challenge } | undefined>(undefined);
  const [starting, setStarting] = useState(true);
  const [startError, setStartError] = useState<string | undefined>(undefined);
  const [code, setCode] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  /** The association asked for this challenge (a session works once: StrictMode's second effect run must not ask again). */
  const started = useRef<Challenge | undefined>(undefined);

  const start = useCallback(
    async (from: Challenge) => {
      setStarting(true);
      setStartError(undefined);
      try {
        setSetup(await session.beginMfaSetup(from));
      } catch (e) {
        setStartError(e instanceof AuthError ? codeMessage(e) : 'The authenticator key could not be created.');
      } finally {
        setStarting(false);
      }
    },
    [session],
  );

  useEffect(() => {
    if (started.current === challenge) return;
    started.current = challenge;
    void start(challenge);
  }, [challenge, start]);

  const codeError = submitted && !isTotpCode(code) ? 'Enter the 6-digit code from your authenticator app.' : undefined;

  const submit = async () => {
    setSubmitted(true);
    setError(undefined);
    if (setup === undefined || !isTotpCode(code)) return;
    setPending(true);
    try {
      const step = await session.completeMfaSetup(setup.challenge, code);
      if (step.kind !== 'signedIn') {
        setPending(false);
        onChallenge(step);
      }
    } catch (e) {
      setPending(false);
      setError(e instanceof AuthError ? codeMessage(e) : 'The code could not be checked.');
    }
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void submit();
  };

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Set up multi-factor authentication">
      <Form
        errorText={error}
        errorIconAriaLabel="Error"
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            <Button variant="link" formAction="none" onClick={onCancel}>
              Back to sign in
            </Button>
            <Button variant="primary" formAction="submit" loading={pending} loadingText="Checking code" disabled={setup === undefined}>
              Verify and sign in
            </Button>
          </SpaceBetween>
        }
      >
        <Container
          header={
            <Header
              variant="h2"
              description={`OpsConductor requires an authenticator app for every account. Set one up to finish signing in as ${challenge.username}.`}
            >
              Set up multi-factor authentication
            </Header>
          }
        >
          {starting && <Spinner size="big" />}
          {startError !== undefined && (
            <Alert type="error" header="The setup could not start">
              {startError}
            </Alert>
          )}
          {setup !== undefined && (
            <TotpSetup username={challenge.username} secret={setup.secretCode} code={code} onCodeChange={setCode} codeError={codeError} />
          )}
        </Container>
      </Form>
    </form>
  );
};
