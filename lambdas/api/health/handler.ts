import { apiHandler, json, publicOperation, type HttpDeps } from '../http';

/** Liveness for load balancers and the local stack's start-up wait. No auth, no data. */
export const makeHealthHandler = (deps: HttpDeps) =>
  apiHandler('health', { getHealth: publicOperation({ handle: () => json({ status: 'ok' }) }) }, deps);
