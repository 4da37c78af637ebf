import type { Principal } from '../identity/principal';

/**
 * API Gateway meters and throttles requests by a usage-plan API key, which the authorizer names
 * (`usageIdentifierKey`) for each caller: one per user and one per project API key. Locally the
 * gateway's token buckets do the same job, so the local stack has no usage keys.
 */
export interface UsageKeys {
  /** The usage-plan key value for this caller, created on first use. */
  keyFor(principal: Principal): Promise<string>;
}
