import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useEffect, useState } from 'react';
import type { Challenge } from '../../auth/session';
import { CredentialsForm } from './components/CredentialsForm';
import { MfaSetupForm } from './components/MfaSetupForm';
import { NewPasswordForm } from './components/NewPasswordForm';
import { TotpForm } from './components/TotpForm';

/** Sign-in: username/email and password, then whatever challenge Cognito asks for. */
export const SignInPage = ({ notice }: { notice?: string }) => {
  const [challenge, setChallenge] = useState<Challenge | undefined>(undefined);

  useEffect(() => {
    document.title = 'Sign in · OpsConductor';
  }, []);

  const restart = () => {
    setChallenge(undefined);
  };

  return (
    <main>
      <Box padding={{ vertical: 'xxxl', horizontal: 'l' }}>
        <div style={{ maxWidth: challenge?.kind === 'MFA_SETUP' ? 560 : 440, margin: '0 auto' }}>
          <SpaceBetween size="l">
            <Box variant="h1" fontSize="display-l" textAlign="center">
              OpsConductor
            </Box>
            {notice !== undefined && challenge === undefined && <Alert type="info">{notice}</Alert>}
            {challenge === undefined && <CredentialsForm onChallenge={setChallenge} />}
            {challenge?.kind === 'NEW_PASSWORD_REQUIRED' && (
              <NewPasswordForm challenge={challenge} onChallenge={setChallenge} onCancel={restart} />
            )}
            {challenge?.kind === 'SOFTWARE_TOKEN_MFA' && <TotpForm challenge={challenge} onChallenge={setChallenge} onCancel={restart} />}
            {challenge?.kind === 'MFA_SETUP' && <MfaSetupForm challenge={challenge} onChallenge={setChallenge} onCancel={restart} />}
          </SpaceBetween>
        </div>
      </Box>
    </main>
  );
};
