import { createContext, useContext, useMemo } from 'react';
import type { ApiClient } from '../api/client';
import type { Me } from '../api/types';
import type { AuthSession } from '../auth/session';
import type { RuntimeConfig } from './config';

export interface Services {
  config: RuntimeConfig;
  session: AuthSession;
  api: ApiClient;
}

export const ServicesContext = createContext<Services | null>(null);

export const useServices = (): Services => {
  const services = useContext(ServicesContext);
  if (services === null) throw new Error('useServices must be used inside <ServicesContext>');
  return services;
};

/** A typed API module (`projectsApi`, `usersApi`, …) over the app's client; pass a module-level factory. */
export const useApi = <T,>(factory: (api: ApiClient) => T): T => {
  const { api } = useServices();
  return useMemo(() => factory(api), [api, factory]);
};

/** The signed-in user (GET /v1/me); undefined while it loads. */
export const MeContext = createContext<Me | undefined>(undefined);
export const useMe = (): Me | undefined => useContext(MeContext);

/** Load GET /v1/me again (after a change to the caller's own roles, or to see new memberships). */
export const ReloadMeContext = createContext<() => Promise<void>>(() => Promise.resolve());
export const useReloadMe = (): (() => Promise<void>) => useContext(ReloadMeContext);
