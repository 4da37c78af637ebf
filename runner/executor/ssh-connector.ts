import type { SshConnectOptions } from '../ssh/client';
import { connectSshSession } from '../ssh/session';
import type { HostSession } from './types';

/**
 * A HostConnector over SSH: each call opens one session (runner/ssh/session.ts) to the target. The
 * run's signal cancels the connection attempt only; an open session stays usable for stopping steps.
 */
export const sshConnector =
  (opts: Omit<SshConnectOptions, 'signal'>): ((signal: AbortSignal) => Promise<HostSession>) =>
  (signal) =>
    connectSshSession({ ...opts, signal });
