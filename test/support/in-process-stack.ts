import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Clock } from '../../core/clock';
import type { RateLimit } from '../../core/throttling';
import { startStack } from '../../local/stack';
import { cognito, request, signIn } from './http';
import { quietLogger } from './fakes';

/**
 * The local stack inside the test process, for tests that move the clock (API key expiry,
 * lockouts) or that drive many users. HTTP still goes over loopback like a real client's.
 */
export const ADMIN = { email: 'admin@example.com', password: 'CANARY-Adm1n!-passw0rd' };

/** Real time plus an offset the test controls: JWTs (checked against real time) stay valid. */
export const offsetClock = () => {
  let offset = 0;
  const clock: Clock & { advance(ms: number): void } = {
    now: () => new Date(Date.now() + offset),
    advance: (ms) => {
      offset += ms;
    },
  };
  return clock;
};

export const startInProcessStack = async (opts: { clock?: Clock; rateLimit?: RateLimit } = {}) => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'opsc-inproc-'));
  const stack = await startStack({
    dataDir,
    port: 0,
    logger: quietLogger(),
    admin: ADMIN,
    fastPasswordHashing: true,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.rateLimit ? { rateLimit: opts.rateLimit } : {}),
  });
  const adminToken = await signIn(stack.url, ADMIN.email, ADMIN.password);
  return {
    url: stack.url,
    dataDir,
    adminToken,
    runnerPid: () => stack.runnerPid(),
    /** The stack's audit store: tests seed records through it. */
    audit: stack.audit,
    close: async () => {
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** Invite a user as a global admin would, then sign them in through the new-password challenge. */
export const inviteAndSignIn = async (url: string, adminToken: string, username: string, opts: { admin?: boolean } = {}) => {
  const invited = await request(url, 'POST', '/v1/users', {
    token: adminToken,
    body: { username, email: `${username}@example.com`, admin: opts.admin ?? false },
  });
  if (invited.status !== 201) throw new Error(`invite ${username}: ${invited.status} ${invited.text}`);
  const temporaryPassword = String(invited.json().temporaryPassword);
  const first = await cognito(url, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: 'opsconductor-console',
    AuthParameters: { USERNAME: username, PASSWORD: temporaryPassword },
  });
  const password = `Pw-${username}-CANARY-9x!`;
  const answered = await cognito(url, 'RespondToAuthChallenge', {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    ClientId: 'opsconductor-console',
    Session: first.body.Session,
    ChallengeResponses: { USERNAME: username, NEW_PASSWORD: password },
  });
  const token = (answered.body.AuthenticationResult as { AccessToken?: string } | undefined)?.AccessToken;
  if (!token) throw new Error(`sign-in ${username}: ${JSON.stringify(answered.body)}`);
  return { token, password, temporaryPassword };
};
