import type { Clock } from '../clock';
import { AppError, conflict, notFound } from '../errors';
import { CredentialCreated, CredentialDeleted, CredentialRotated } from '../events/catalog';
import type { IdGenerator } from '../ids';
import { actorOf, displayNameOf, type Principal } from '../identity/principal';
import type { Page } from '../pagination';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { CredentialStore } from '../ports/inventory-store';
import type { CredentialVault } from '../ports/vault';
import { materialOf, type CreateCredentialInput, type Credential, type CredentialMaterial, type RotateCredentialInput } from './credential-schema';

/** Reads a private key's public fingerprint, or says why the key cannot be used (the runner's SSH library knows). */
export type KeyInspector = (privateKey: string, passphrase?: string) => { ok: true; fingerprint: string } | { ok: false; message: string };

export interface CredentialDeps {
  credentials: CredentialStore;
  vault: CredentialVault;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
  inspectKey: KeyInspector;
  /** Targets that name a credential: it cannot be deleted while they do. */
  targetsUsingCredential: (projectId: string, credentialId: string) => Promise<{ id: string; name: string }[]>;
}

const ref = (c: Credential) => ({
  id: c.id,
  name: c.name,
  kind: c.kind,
  username: c.username,
  ...(c.publicKeyFingerprint === undefined ? {} : { publicKeyFingerprint: c.publicKeyFingerprint }),
});

const fingerprintOf = (deps: Pick<CredentialDeps, 'inspectKey'>, input: CreateCredentialInput): string | undefined => {
  if (input.kind !== 'ssh-key') return undefined;
  const inspected = deps.inspectKey(input.privateKey, input.passphrase);
  if (!inspected.ok) throw new AppError('VALIDATION_FAILED', inspected.message, [{ location: 'body', path: 'privateKey', message: inspected.message }]);
  return inspected.fingerprint;
};

const mustGet = async (deps: Pick<CredentialDeps, 'credentials'>, projectId: string, credentialId: string) => {
  const c = await deps.credentials.get(projectId, credentialId);
  if (!c) throw notFound('Credential', credentialId);
  return c;
};

export const listCredentials = (deps: Pick<CredentialDeps, 'credentials'>, projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Credential>> =>
  deps.credentials.list(projectId, page);

export const getCredential = (deps: Pick<CredentialDeps, 'credentials'>, projectId: string, credentialId: string) => mustGet(deps, projectId, credentialId);

/** Material goes to the vault first: a credential never exists in the table without it. */
export const createCredential = async (deps: CredentialDeps, by: Principal, projectId: string, input: CreateCredentialInput): Promise<Credential> => {
  const fingerprint = fingerprintOf(deps, input);
  const id = deps.ids.next('crd');
  const secretVersion = await deps.vault.put({ projectId, credentialId: id }, materialOf(input));
  const now = deps.clock.now().toISOString();
  const credential: Credential = {
    id,
    projectId,
    name: input.name,
    kind: input.kind,
    username: input.username,
    ...(input.kind === 'winrm-password' && input.domain !== undefined ? { domain: input.domain } : {}),
    description: input.description ?? '',
    ...(fingerprint === undefined ? {} : { publicKeyFingerprint: fingerprint }),
    secretVersion,
    createdAt: now,
    createdBy: displayNameOf(by),
    updatedAt: now,
    version: 1,
  };
  await deps.credentials.put(credential, 0);
  await deps.bus.publish([eventOf(CredentialCreated, { projectId, actor: actorOf(by), credential: ref(credential) })]);
  return credential;
};

export const rotateCredential = async (
  deps: CredentialDeps,
  by: Principal,
  projectId: string,
  credentialId: string,
  input: RotateCredentialInput,
): Promise<Credential> => {
  const current = await mustGet(deps, projectId, credentialId);
  if (input.kind !== current.kind) {
    throw new AppError('UNPROCESSABLE', `This credential is ${current.kind}; create a new credential for ${input.kind}.`, { field: 'kind' });
  }
  const fingerprint = fingerprintOf(deps, input);
  const secretVersion = await deps.vault.put({ projectId, credentialId }, materialOf(input));
  const now = deps.clock.now().toISOString();
  const { publicKeyFingerprint: _old, domain: _oldDomain, ...rest } = current;
  const next: Credential = {
    ...rest,
    name: input.name,
    username: input.username,
    ...(input.kind === 'winrm-password' && input.domain !== undefined ? { domain: input.domain } : {}),
    description: input.description ?? current.description,
    ...(fingerprint === undefined ? {} : { publicKeyFingerprint: fingerprint }),
    secretVersion,
    rotatedAt: now,
    updatedAt: now,
    version: current.version + 1,
  };
  await deps.credentials.put(next, current.version);
  await deps.bus.publish([eventOf(CredentialRotated, { projectId, actor: actorOf(by), credential: ref(next) })]);
  return next;
};

export const deleteCredential = async (deps: CredentialDeps, by: Principal, projectId: string, credentialId: string): Promise<void> => {
  const current = await mustGet(deps, projectId, credentialId);
  const users = await deps.targetsUsingCredential(projectId, credentialId);
  if (users.length > 0) throw conflict('Targets still use this credential; point them at another one first.', { targets: users });
  await deps.credentials.delete(current);
  await deps.vault.delete({ projectId, credentialId });
  await deps.bus.publish([eventOf(CredentialDeleted, { projectId, actor: actorOf(by), credential: ref(current) })]);
};

/** A credential with its secret, as connections use it. */
export interface Login {
  credential: Credential;
  material: CredentialMaterial;
}

/**
 * Reads each credential of a project (and fetches its current secret) once, however many hosts use
 * it: a run's batch or a bulk connection test. The hosts then share one material object, so the
 * runner parses its key once (a passphrase's key derivation costs 0.1–0.3 s of CPU). Undefined: the
 * credential no longer exists.
 */
export const loginsOf = (deps: { credentials: Pick<CredentialStore, 'get'>; vault: Pick<CredentialVault, 'get'> }, projectId: string) => {
  const logins = new Map<string, Promise<Login | undefined>>();
  return (credentialId: string): Promise<Login | undefined> => {
    let login = logins.get(credentialId);
    if (login === undefined) {
      login = deps.credentials.get(projectId, credentialId).then(async (credential) => (credential ? { credential, material: await deps.vault.get({ projectId, credentialId: credential.id }, credential.secretVersion) } : undefined));
      logins.set(credentialId, login);
    }
    return login;
  };
};
