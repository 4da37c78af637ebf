import { createContext, useContext } from 'react';
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

/** The signed-in user (GET /v1/me); undefined while it loads. */
export const MeContext = createContext<Me | undefined>(undefined);
export const useMe = (): Me | undefined => useContext(MeContext);
