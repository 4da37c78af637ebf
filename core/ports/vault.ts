import type { CredentialMaterial } from '../inventory/credential-schema';

/**
 * Where credential material lives: Secrets Manager on AWS (one secret per credential), an
 * encrypted file in the data folder locally. Nothing else ever stores it.
 */
export interface CredentialRef {
  projectId: string;
  credentialId: string;
}

export interface CredentialVault {
  /** Stores material as a new version and answers its id; the previous version stays readable for runs in flight. */
  put(ref: CredentialRef, material: CredentialMaterial): Promise<string>;
  /** The given version, or the current one. NOT_FOUND when there is none. */
  get(ref: CredentialRef, versionId?: string): Promise<CredentialMaterial>;
  /** Removes every version. */
  delete(ref: CredentialRef): Promise<void>;
}
