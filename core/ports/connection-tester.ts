import type { CredentialMaterial } from '../inventory/credential-schema';
import type { Target } from '../inventory/target-schema';

/**
 * Can the runner reach a target, trust its host key and log in? Implemented by the runner's
 * protocol clients; on AWS it runs where the runner's network reaches the hosts.
 */
export type ConnectionTestResult =
  | { ok: true; latencyMs: number; os: string; hostKeyFingerprint?: string }
  | { ok: false; category: string; message: string; hostKeyFingerprint?: string };

export interface ConnectionTester {
  /** `domain`: a winrm-password credential's Windows domain, when it has one. */
  test(input: { target: Target; username: string; domain?: string | undefined; material: CredentialMaterial; trustedFingerprint?: string | undefined }): Promise<ConnectionTestResult>;
}
