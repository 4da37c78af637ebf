import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { useCallback, useEffect, useState } from 'react';
import { settingsApi } from '../../api/settings';
import type { MfaMode } from '../../api/types';
import { useApi, useMe, useServices } from '../../app/services';
import { AuthError, type Account } from '../../auth/session';
import { MfaPanel } from './components/MfaPanel';
import { PasswordForm } from './components/PasswordForm';

/** The signed-in user's own account (/profile): who they are, their password, their second factor. */
export const ProfilePage = () => {
  const me = useMe();
  const { session } = useServices();
  const settings = useApi(settingsApi);
  const [mode, setMode] = useState<MfaMode | undefined>(undefined);
  const [account, setAccount] = useState<Account | undefined>(undefined);
  const [accountError, setAccountError] = useState<string | undefined>(undefined);

  // The account as the identity provider has it (the email address, MFA settings): GetUser.
  const loadAccount = useCallback(async () => {
    setAccountError(undefined);
    try {
      setAccount(await session.getAccount());
    } catch (e) {
      setAccountError(e instanceof AuthError ? e.message : 'Your account could not be loaded.');
    }
  }, [session]);

  useEffect(() => {
    void loadAccount();
  }, [loadAccount]);

  useEffect(() => {
    const controller = new AbortController();
    settings.get(controller.signal).then(
      (s) => {
        setMode(s.mfa);
      },
      () => {
        // Without the installation's mode, turning MFA off is simply not offered.
      },
    );
    return () => {
      controller.abort();
    };
  }, [settings]);

  if (me === undefined) return <Spinner size="large" />;
  if (me.type !== 'user') {
    return (
      <ContentLayout header={<Header variant="h1">Profile</Header>}>
        <Alert type="info">This session belongs to the API key {me.name}, which has no profile.</Alert>
      </ContentLayout>
    );
  }

  return (
    <ContentLayout header={<Header variant="h1">Profile</Header>}>
      <SpaceBetween size="l">
        <Container header={<Header variant="h2">Account</Header>}>
          <KeyValuePairs
            columns={3}
            items={[
              { label: 'Username', value: me.username },
              { label: 'Email', value: account?.email ?? me.email ?? <Box color="text-status-inactive">{account === undefined ? '…' : 'None'}</Box> },
              { label: 'Global admin', value: me.admin ? 'Yes' : 'No' },
            ]}
          />
        </Container>
        <PasswordForm username={me.username} />
        <MfaPanel username={me.username} mode={mode} account={account} loadError={accountError} load={loadAccount} />
      </SpaceBetween>
    </ContentLayout>
  );
};
