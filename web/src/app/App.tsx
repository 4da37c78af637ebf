import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Spinner from '@cloudscape-design/components/spinner';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { ApiClient } from '../api/client';
import { messageOf } from '../api/errors';
import { getMe } from '../api/me';
import type { Me } from '../api/types';
import { AuthSession } from '../auth/session';
import { SignInPage } from '../pages/sign-in/SignInPage';
import type { RuntimeConfig } from './config';
import { FlashProvider } from './flash';
import { MeContext, ReloadMeContext, ServicesContext, type Services } from './services';
import { Shell } from './Shell';

const Centered = ({ children }: { children: ReactNode }) => (
  <main>
    <Box padding={{ vertical: 'xxxl', horizontal: 'l' }} textAlign="center">
      {children}
    </Box>
  </main>
);

/** Composition root of the console: one session, one API client, then sign-in or the shell. */
export const App = ({ config }: { config: RuntimeConfig }) => {
  const services = useMemo<Services>(() => {
    const session = new AuthSession(config);
    return { config, session, api: new ApiClient(config.apiBaseUrl, session) };
  }, [config]);
  const { session, api } = services;

  const subscribe = useCallback((listener: () => void) => session.subscribe(listener), [session]);
  const state = useSyncExternalStore(subscribe, () => session.state);
  const [restoring, setRestoring] = useState(true);
  const [me, setMe] = useState<Me | undefined>(undefined);
  const [meError, setMeError] = useState<string | undefined>(undefined);
  /** Bumped at every sign-in and sign-out, so a late answer for an earlier session is dropped. */
  const meGeneration = useRef(0);

  useEffect(() => {
    let live = true;
    void session.restore().finally(() => {
      if (live) setRestoring(false);
    });
    return () => {
      live = false;
    };
  }, [session]);

  useEffect(() => {
    meGeneration.current += 1;
    if (state.status !== 'signedIn') {
      setMe(undefined);
      setMeError(undefined);
      return;
    }
    const controller = new AbortController();
    getMe(api, controller.signal).then(
      (value) => {
        setMe(value);
        setMeError(undefined);
      },
      (e: unknown) => {
        if (!controller.signal.aborted) setMeError(messageOf(e));
      },
    );
    return () => {
      controller.abort();
    };
  }, [api, state.status]);

  const reloadMe = useCallback(async () => {
    const generation = meGeneration.current;
    try {
      const value = await getMe(api);
      if (generation !== meGeneration.current) return;
      setMe(value);
      setMeError(undefined);
    } catch (e) {
      if (generation === meGeneration.current) setMeError(messageOf(e));
    }
  }, [api]);

  let body;
  if (restoring && state.status === 'signedOut') {
    body = (
      <Centered>
        <Spinner size="large" />
        <Box variant="p">Loading OpsConductor…</Box>
      </Centered>
    );
  } else if (state.status === 'signedOut') {
    body = <SignInPage {...(state.reason === undefined ? {} : { notice: state.reason })} />;
  } else {
    body = (
      <MeContext.Provider value={me}>
        <ReloadMeContext.Provider value={reloadMe}>
          <FlashProvider>
            {meError !== undefined && (
              <Alert type="error" header="Your profile could not be loaded">
                {meError}
              </Alert>
            )}
            <Shell />
          </FlashProvider>
        </ReloadMeContext.Provider>
      </MeContext.Provider>
    );
  }

  return <ServicesContext.Provider value={services}>{body}</ServicesContext.Provider>;
};
