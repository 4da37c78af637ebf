import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import RadioGroup from '@cloudscape-design/components/radio-group';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import { useCallback, useEffect, useState, type SubmitEvent } from 'react';
import { messageOf } from '../../api/errors';
import { settingsApi } from '../../api/settings';
import type { MfaMode, Settings } from '../../api/types';
import { isGlobalAdmin } from '../../app/access';
import { useFlash } from '../../app/flash';
import { useApi, useMe } from '../../app/services';

export const mfaModes: Record<MfaMode, { label: string; description: string }> = {
  optional: {
    label: 'Optional',
    description: 'People may turn on an authenticator app on their profile page.',
  },
  required: {
    label: 'Required',
    description: 'Everyone must use an authenticator app. People without one set it up at their next sign-in.',
  },
};

/** Installation-wide settings (/settings): global admins change them, everyone else may read them. */
export const SettingsPage = () => {
  const api = useApi(settingsApi);
  const me = useMe();
  const admin = isGlobalAdmin(me);
  const flash = useFlash();
  const [settings, setSettings] = useState<Settings | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [mfa, setMfa] = useState<MfaMode | undefined>(undefined);
  const [pending, setPending] = useState(false);
  const [saveError, setSaveError] = useState<string | undefined>(undefined);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoadError(undefined);
      try {
        const value = await api.get(signal);
        if (signal?.aborted === true) return;
        setSettings(value);
        setMfa(value.mfa);
      } catch (e) {
        if (signal?.aborted !== true) setLoadError(messageOf(e));
      }
    },
    [api],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => {
      controller.abort();
    };
  }, [load]);

  const save = async () => {
    if (mfa === undefined || settings === undefined || mfa === settings.mfa) return;
    setPending(true);
    setSaveError(undefined);
    try {
      const saved = await api.update({ mfa });
      setSettings(saved);
      setMfa(saved.mfa);
      flash.notify({ type: 'success', content: `Multi-factor authentication is now ${mfaModes[saved.mfa].label.toLowerCase()}.` });
    } catch (e) {
      setSaveError(messageOf(e));
    } finally {
      setPending(false);
    }
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void save();
  };

  let body;
  if (loadError !== undefined) {
    body = (
      <Alert type="error" header="Settings could not be loaded" action={<Button onClick={() => void load()}>Retry</Button>}>
        {loadError}
      </Alert>
    );
  } else if (settings === undefined || mfa === undefined || me === undefined) {
    body = <Spinner size="large" />;
  } else if (!admin) {
    body = (
      <Container header={<Header variant="h2">Multi-factor authentication</Header>}>
        <SpaceBetween size="s">
          <Box variant="p">
            <b>{mfaModes[settings.mfa].label}</b>: {mfaModes[settings.mfa].description}
          </Box>
          <Box variant="small">Only global administrators change settings.</Box>
        </SpaceBetween>
      </Container>
    );
  } else {
    body = (
      <form onSubmit={onSubmit} noValidate aria-label="Settings">
        <Form
          errorText={saveError}
          errorIconAriaLabel="Error"
          actions={
            <Button variant="primary" formAction="submit" loading={pending} loadingText="Saving" disabled={mfa === settings.mfa}>
              Save
            </Button>
          }
        >
          <Container header={<Header variant="h2">Multi-factor authentication</Header>}>
            <SpaceBetween size="l">
              <FormField label="Authenticator app (TOTP) at sign-in">
                <RadioGroup
                  value={mfa}
                  onChange={(event) => {
                    const value = event.detail.value;
                    if (value === 'optional' || value === 'required') setMfa(value);
                  }}
                  items={(['optional', 'required'] as const).map((m) => ({ value: m, label: mfaModes[m].label, description: mfaModes[m].description }))}
                />
              </FormField>
              {mfa === 'required' && settings.mfa !== 'required' && (
                <Alert type="warning">
                  Everyone without an authenticator app, you included, will have to set one up at their next sign-in. Sessions already open
                  are not affected.
                </Alert>
              )}
            </SpaceBetween>
          </Container>
        </Form>
      </form>
    );
  }

  return (
    <ContentLayout header={<Header variant="h1" description="Settings for the whole installation.">Settings</Header>}>
      {body}
    </ContentLayout>
  );
};
