import { useCallback } from 'react';
import { notificationsApi, type Channel, type Delivery, type Rule } from '../../../api/notifications';
import type { PageRequest } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useCursorPages } from '../../../app/use-cursor-pages';

const keyOf = (x: { id: string }) => x.id;

/** A project's notification channels, a page at a time (the first hundred: rules choose from them). */
export const useChannels = (projectId: string) => {
  const api = useApi(notificationsApi);
  const fetchPage = useCallback((page: PageRequest, signal: AbortSignal) => api.listChannels(projectId, page, signal), [api, projectId]);
  return useCursorPages<Channel>(fetchPage, keyOf, { pageSize: 100 });
};

export const useRules = (projectId: string) => {
  const api = useApi(notificationsApi);
  const fetchPage = useCallback((page: PageRequest, signal: AbortSignal) => api.listRules(projectId, page, signal), [api, projectId]);
  return useCursorPages<Rule>(fetchPage, keyOf);
};

export const useDeliveries = (projectId: string) => {
  const api = useApi(notificationsApi);
  const fetchPage = useCallback((page: PageRequest, signal: AbortSignal) => api.listDeliveries(projectId, page, signal), [api, projectId]);
  return useCursorPages<Delivery>(fetchPage, keyOf);
};
