import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { useState, type SubmitEvent } from 'react';
import type { MfaMode } from '../../../api/types';
import { useFlash } from '../../../app/flash';
import { useServices } from '../../../app/services';
import { AuthError, type Account } from '../../../auth/session';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { TotpSetup, isTotpCode } from '../../../components/TotpSetup';

const authMessage = (e: unknown, fallback: string): string => (e instanceof AuthError ? e.message : fallback);

const codeMessage = (e: unknown): string =>
  e instanceof AuthError && (e.code === 'EnableSoftwareTokenMFAException' || e.code === 'CodeMismatchException')
    ? 'That code was not accepted. Enter the code the app shows now (check that the time on your device is right).'
    : authMessage(e, 'The code could not be checked.');

/**
 * The user's second factor: whether an authenticator app (TOTP) is on (GetUser), setting one up
 * (AssociateSoftwareToken → QR code → VerifySoftwareToken → SetUserMFAPreference), replacing it,
 * and turning it off when the installation leaves MFA optional.
 */
export const MfaPanel = ({
  username,
  mode,
  account,
  loadError,
  load,
}: {
  username: string;
  mode: MfaMode | undefined;
  /** GetUser's answer; undefined while it loads. */
  account: Account | undefined;
  loadError: string | undefined;
  /** Ask GetUser again (after a change). */
  load: () => Promise<void>;
}) => {
  const { session } = useServices();
  const flash = useFlash();
  /** The new key while it is being set up; it exists only here until verified. */
  const [secret, setSecret] = useState<string | undefined>(undefined);
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | undefined>(undefined);
  const [code, setCode] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [verifying, setVerifying] = useState(false);
  const [verifyError, setVerifyError] = useState<string | undefined>(undefined);
  const [confirmOff, setConfirmOff] = useState(false);

  const start = async () => {
    setStarting(true);
    setStartError(undefined);
    setCode('');
    setSubmitted(false);
    setVerifyError(undefined);
    try {
      setSecret(await session.associateSoftwareToken());
    } catch (e) {
      setStartError(authMessage(e, 'The setup could not start.'));
    } finally {
      setStarting(false);
    }
  };

  const cancel = () => {
    setSecret(undefined);
    setCode('');
    setVerifyError(undefined);
  };

  const codeError = submitted && !isTotpCode(code) ? 'Enter the 6-digit code from your authenticator app.' : undefined;

  const verify = async () => {
    setSubmitted(true);
    setVerifyError(undefined);
    if (!isTotpCode(code)) return;
    setVerifying(true);
    try {
      await session.verifySoftwareToken(code);
      await session.setTotpMfa(true);
    } catch (e) {
      setVerifying(false);
      setVerifyError(codeMessage(e));
      return;
    }
    setVerifying(false);
    const replaced = account?.totpEnabled === true;
    cancel();
    await load();
    flash.notify({
      type: 'success',
      content: replaced
        ? 'Your new authenticator app is set up; the old one no longer works.'
        : 'Multi-factor authentication is on: you will be asked for a code from your authenticator app at sign-in.',
    });
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void verify();
  };

  const turnOff = async () => {
    await session.setTotpMfa(false).catch((e: unknown) => {
      throw new Error(authMessage(e, 'Multi-factor authentication could not be turned off.'));
    });
    setConfirmOff(false);
    await load();
    flash.notify({ type: 'success', content: 'Multi-factor authentication is off.' });
  };

  const required = mode === 'required';
  const enabled = account?.totpEnabled === true;

  let state;
  if (loadError !== undefined) {
    state = (
      <Alert type="error" header="Your MFA settings could not be loaded" action={<Button onClick={() => void load()}>Retry</Button>}>
        {loadError}
      </Alert>
    );
  } else if (account === undefined) {
    state = <Spinner />;
  } else {
    state = (
      <KeyValuePairs
        columns={2}
        items={[
          {
            label: 'Authenticator app',
            value: enabled ? (
              <StatusIndicator type="success">On{account.totpPreferred ? ' (asked for at sign-in)' : ''}</StatusIndicator>
            ) : (
              <StatusIndicator type="stopped">Off</StatusIndicator>
            ),
          },
          {
            label: 'For this installation',
            value: mode === undefined ? '…' : required ? 'Required for everyone' : 'Optional',
          },
        ]}
      />
    );
  }

  const actions =
    account === undefined || secret !== undefined ? undefined : (
      <SpaceBetween direction="horizontal" size="xs">
        {enabled && (
          <Button
            onClick={() => {
              setConfirmOff(true);
            }}
            disabled={required || mode === undefined}
            {...(required ? { disabledReason: 'Your administrators require multi-factor authentication.' } : {})}
          >
            Turn off
          </Button>
        )}
        <Button variant={enabled ? 'normal' : 'primary'} onClick={() => void start()} loading={starting} loadingText="Starting setup">
          {enabled ? 'Replace authenticator app' : 'Set up authenticator app'}
        </Button>
      </SpaceBetween>
    );

  return (
    <Container
      header={
        <Header variant="h2" description="A code from an app on your phone, asked for at sign-in after your password." actions={actions}>
          Multi-factor authentication
        </Header>
      }
    >
      <SpaceBetween size="l">
        {state}
        {startError !== undefined && (
          <Alert type="error" header="The setup could not start">
            {startError}
          </Alert>
        )}
        {secret !== undefined && (
          <form onSubmit={onSubmit} noValidate aria-label="Set up authenticator app">
            <Form
              header={<Header variant="h3">{enabled ? 'Replace your authenticator app' : 'Set up an authenticator app'}</Header>}
              errorText={verifyError}
              errorIconAriaLabel="Error"
              actions={
                <SpaceBetween direction="horizontal" size="xs">
                  <Button variant="link" formAction="none" onClick={cancel}>
                    Cancel
                  </Button>
                  <Button variant="primary" formAction="submit" loading={verifying} loadingText="Checking code">
                    Verify and turn on
                  </Button>
                </SpaceBetween>
              }
            >
              <TotpSetup username={username} secret={secret} code={code} onCodeChange={setCode} codeError={codeError} />
            </Form>
          </form>
        )}
        {enabled && required && secret === undefined && (
          <Box variant="small">Your administrators require multi-factor authentication, so it cannot be turned off.</Box>
        )}
      </SpaceBetween>
      {confirmOff && (
        <ConfirmModal
          header="Turn off multi-factor authentication"
          confirmText="Turn off"
          pendingText="Turning off"
          failureHeader="Multi-factor authentication is still on"
          onDismiss={() => {
            setConfirmOff(false);
          }}
          onConfirm={turnOff}
        >
          <Box variant="p">Sign in with your password only from now on? Anyone who learns your password can then sign in as you.</Box>
        </ConfirmModal>
      )}
    </Container>
  );
};
