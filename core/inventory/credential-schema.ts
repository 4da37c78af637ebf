import { z } from 'zod';
import { idPattern } from '../ids';
import { ProjectId } from '../projects/schema';

/**
 * Credentials: metadata in the table, material (passwords, private keys) in the vault only.
 * The API takes material on create and rotate and never gives it back.
 */
export const credentialKinds = ['ssh-password', 'ssh-key', 'winrm-password'] as const;
export const CredentialKind = z.enum(credentialKinds);
export type CredentialKind = z.infer<typeof CredentialKind>;

const Name = z
  .string()
  .min(1)
  .max(128)
  .refine((s) => s.trim() === s && !/\p{Cc}/u.test(s), 'must be printable without surrounding whitespace');
const Username = z.string().min(1).max(256).refine((s) => !/[\p{Cc}\s]/u.test(s), 'must not contain whitespace');
const Secret = z.string().min(1).max(16_384);
const PrivateKey = z
  .string()
  .max(16_384)
  .refine((s) => /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(s), 'must be an OpenSSH or PEM private key');

/** What the vault holds for each kind. */
export const CredentialMaterial = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('ssh-password'), password: Secret }),
  z.strictObject({ kind: z.literal('ssh-key'), privateKey: PrivateKey, passphrase: Secret.optional() }),
  z.strictObject({ kind: z.literal('winrm-password'), password: Secret }),
]);
export type CredentialMaterial = z.infer<typeof CredentialMaterial>;

const common = { name: Name, username: Username, description: z.string().max(1024).optional() };

export const CreateCredentialInput = z.discriminatedUnion('kind', [
  z.strictObject({ ...common, kind: z.literal('ssh-password'), password: Secret }),
  z.strictObject({ ...common, kind: z.literal('ssh-key'), privateKey: PrivateKey, passphrase: Secret.optional() }),
  z.strictObject({ ...common, kind: z.literal('winrm-password'), password: Secret, domain: z.string().max(256).optional() }),
]);
export type CreateCredentialInput = z.infer<typeof CreateCredentialInput>;

export const CredentialId = z.string().regex(idPattern('crd'), 'must be a credential id (crd_…)');

/** The metadata everyone with read access sees. */
export const Credential = z.object({
  id: CredentialId,
  projectId: z.string(),
  name: Name,
  kind: CredentialKind,
  username: Username,
  domain: z.string().optional(),
  description: z.string(),
  /** For ssh-key: the public key's SHA256 fingerprint, so people can tell keys apart without seeing them. */
  publicKeyFingerprint: z.string().optional(),
  /** The vault version runs use; rotation makes a new one and keeps the previous for runs in flight. */
  secretVersion: z.string(),
  createdAt: z.string(),
  createdBy: z.string(),
  rotatedAt: z.string().optional(),
  updatedAt: z.string(),
  version: z.number().int().positive(),
});
export type Credential = z.infer<typeof Credential>;

export const materialOf = (input: CreateCredentialInput): CredentialMaterial => {
  switch (input.kind) {
    case 'ssh-password':
      return { kind: input.kind, password: input.password };
    case 'ssh-key':
      return { kind: input.kind, privateKey: input.privateKey, ...(input.passphrase === undefined ? {} : { passphrase: input.passphrase }) };
    case 'winrm-password':
      return { kind: input.kind, password: input.password };
  }
};

/** Rotation replaces the material (and may fix the login); the kind stays what it was. */
export const RotateCredentialInput = CreateCredentialInput;
export type RotateCredentialInput = CreateCredentialInput;

export const CredentialPath = z.strictObject({ projectId: ProjectId, credentialId: CredentialId });
