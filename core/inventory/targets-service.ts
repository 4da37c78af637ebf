import type { Clock } from '../clock';
import { AppError, badRequest, notFound } from '../errors';
import { ConnectionTested, HostKeyChanged, TargetCreated, TargetDeleted, TargetUpdated } from '../events/catalog';
import type { IdGenerator } from '../ids';
import { actorOf, displayNameOf, type Principal } from '../identity/principal';
import type { Page } from '../pagination';
import type { ConnectionTester } from '../ports/connection-tester';
import type { NetworkScanner } from '../ports/network-scanner';
import { eventOf, type DomainEvent, type EventBus } from '../ports/event-bus';
import type { CredentialStore, TargetStore } from '../ports/inventory-store';
import type { CredentialVault } from '../ports/vault';
import type { CredentialKind } from './credential-schema';
import { loginsOf } from './credentials-service';
import { matchesSelector, type Selector } from './selector';
import { defaultPort, type CreateTargetInput, type Target, type UpdateTargetInput } from './target-schema';

export interface TargetDeps {
  targets: TargetStore;
  credentials: CredentialStore;
  vault: CredentialVault;
  tester: ConnectionTester;
  bus: EventBus;
  clock: Clock;
  ids: IdGenerator;
}

const ref = (t: Target) => ({ id: t.id, name: t.name, address: t.address, protocol: t.protocol });

/** The credential kinds each protocol can log in with. */
export const compatibleKinds: Readonly<Record<Target['protocol'], readonly CredentialKind[]>> = { ssh: ['ssh-password', 'ssh-key'], winrm: ['winrm-password'] };

const checkCredential = async (deps: Pick<TargetDeps, 'credentials'>, projectId: string, t: Pick<Target, 'protocol' | 'credentialId'>) => {
  if (t.credentialId === undefined) return;
  const credential = await deps.credentials.get(projectId, t.credentialId);
  if (!credential) throw new AppError('VALIDATION_FAILED', `Credential '${t.credentialId}' does not exist in this project.`, [{ location: 'body', path: 'credentialId', message: 'does not exist in this project' }]);
  if (!compatibleKinds[t.protocol].includes(credential.kind)) {
    throw new AppError('VALIDATION_FAILED', `A ${credential.kind} credential cannot log in over ${t.protocol}.`, [{ location: 'body', path: 'credentialId', message: `is ${credential.kind}, not usable over ${t.protocol}` }]);
  }
};

const mustGet = async (deps: Pick<TargetDeps, 'targets'>, projectId: string, targetId: string) => {
  const t = await deps.targets.get(projectId, targetId);
  if (!t) throw notFound('Target', targetId);
  return t;
};

export const getTarget = (deps: Pick<TargetDeps, 'targets'>, projectId: string, targetId: string) => mustGet(deps, projectId, targetId);

export interface TargetFilter {
  selector?: Selector | undefined;
  namePrefix?: string | undefined;
  protocol?: Target['protocol'] | undefined;
}

export const targetMatches = (t: Target, f: TargetFilter): boolean =>
  (f.selector === undefined || matchesSelector(f.selector, t.tags)) &&
  (f.namePrefix === undefined || t.name.toLowerCase().startsWith(f.namePrefix.toLowerCase())) &&
  (f.protocol === undefined || t.protocol === f.protocol);

/**
 * Filters run on our side (selectors are richer than DynamoDB filters), so lists page by target
 * id: the cursor is the last id returned, and a page is filled from as many store pages as needed.
 */
export const listTargets = async (
  deps: Pick<TargetDeps, 'targets'>,
  projectId: string,
  filter: TargetFilter,
  page: { limit: number; cursor?: string | undefined },
): Promise<Page<Target>> => {
  let after = page.cursor === undefined ? undefined : decodeTargetCursor(page.cursor);
  const items: Target[] = [];
  for (;;) {
    const batch = await deps.targets.listAfter(projectId, after, 100);
    for (const t of batch.items) {
      after = t.id;
      if (!targetMatches(t, filter)) continue;
      items.push(t);
      if (items.length === page.limit) return { items, nextCursor: encodeTargetCursor(t.id) };
    }
    if (!batch.more) return { items };
  }
};

const encodeTargetCursor = (id: string) => Buffer.from(JSON.stringify({ after: id })).toString('base64url');
const decodeTargetCursor = (cursor: string): string => {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof parsed.after === 'string' && /^tgt_[0-9A-Z]{26}$/.test(parsed.after)) return parsed.after;
  } catch {
    // fall through
  }
  throw new AppError('INVALID_CURSOR', 'The cursor is not one this API handed out.');
};

/** Every target a selector matches (jobs and bulk tests). */
export const selectTargets = async (deps: Pick<TargetDeps, 'targets'>, projectId: string, filter: TargetFilter): Promise<Target[]> => {
  const all: Target[] = [];
  let cursor: string | undefined;
  do {
    const page = await listTargets(deps, projectId, filter, { limit: 100, cursor });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return all;
};

export const createTarget = async (deps: TargetDeps, by: Principal, projectId: string, input: CreateTargetInput): Promise<Target> => {
  await checkCredential(deps, projectId, input);
  const now = deps.clock.now().toISOString();
  const target: Target = {
    ...input,
    id: deps.ids.next('tgt'),
    projectId,
    createdAt: now,
    createdBy: displayNameOf(by),
    updatedAt: now,
    updatedBy: displayNameOf(by),
    version: 1,
  };
  await deps.targets.create(target);
  await deps.bus.publish([eventOf(TargetCreated, { projectId, actor: actorOf(by), target: ref(target) })]);
  return target;
};

/** Merges a change; `null` clears an optional field. A protocol change without a port takes the new protocol's port. */
export const applyTargetChange = (current: Target, input: UpdateTargetInput): { next: Target; changed: string[] } => {
  const next: Record<string, unknown> = { ...current };
  const changed: string[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (key === 'version' || value === undefined) continue;
    if (JSON.stringify(current[key as keyof Target]) === JSON.stringify(value)) continue;
    changed.push(key);
    if (value === null) Reflect.deleteProperty(next, key);
    else next[key] = value;
  }
  const merged = next as Target;
  if (merged.protocol === 'ssh') Reflect.deleteProperty(merged, 'winrm');
  if (merged.protocol === 'winrm' && merged.winrm === undefined) throw badRequest("A WinRM target needs its 'winrm' options (transport, auth).");
  if (changed.includes('protocol') && input.port === undefined) merged.port = defaultPort(merged.protocol, merged.winrm);
  if (changed.includes('address') || changed.includes('port')) Reflect.deleteProperty(merged, 'hostKey');
  return { next: merged, changed };
};

export const updateTarget = async (deps: TargetDeps, by: Principal, projectId: string, targetId: string, input: UpdateTargetInput): Promise<Target> => {
  const current = await mustGet(deps, projectId, targetId);
  if (input.version !== undefined && input.version !== current.version) {
    throw new AppError('VERSION_CONFLICT', 'The target was changed by someone else; reload it and try again.', { expectedVersion: input.version, currentVersion: current.version });
  }
  const { next, changed } = applyTargetChange(current, input);
  if (changed.length === 0) return current;
  await checkCredential(deps, projectId, next);
  const saved: Target = { ...next, updatedAt: deps.clock.now().toISOString(), updatedBy: displayNameOf(by), version: current.version + 1 };
  await deps.targets.update(saved, current.version);
  await deps.bus.publish([eventOf(TargetUpdated, { projectId, actor: actorOf(by), target: ref(saved), changed })]);
  return saved;
};

export const deleteTarget = async (deps: TargetDeps, by: Principal, projectId: string, targetId: string): Promise<void> => {
  const current = await mustGet(deps, projectId, targetId);
  await deps.targets.delete(current);
  await deps.bus.publish([eventOf(TargetDeleted, { projectId, actor: actorOf(by), target: ref(current) })]);
};

/** An admin trusts the key the host presents now; the fingerprint is named so a key that changed again is not accepted blindly. */
export const acceptHostKey = async (deps: TargetDeps, by: Principal, projectId: string, targetId: string, fingerprint: string): Promise<Target> => {
  const current = await mustGet(deps, projectId, targetId);
  const now = deps.clock.now().toISOString();
  const { hostKeyFingerprint: _pin, ...rest } = current;
  const next: Target = {
    ...rest,
    hostKey: { fingerprint, acceptedAt: now, acceptedBy: displayNameOf(by) },
    updatedAt: now,
    updatedBy: displayNameOf(by),
    version: current.version + 1,
  };
  await deps.targets.update(next, current.version);
  await deps.bus.publish([eventOf(TargetUpdated, { projectId, actor: actorOf(by), target: ref(next), changed: ['hostKey'] })]);
  return next;
};

/** The fingerprint connections must see: a pin set by an admin, else the key trusted on first use. */
export const trustedFingerprint = (t: Target): string | undefined => t.hostKeyFingerprint ?? t.hostKey?.fingerprint;

/** `loginOf`: credentials already read, when testing many targets (`loginsOf`). */
export const testTarget = async (deps: TargetDeps, by: Principal, projectId: string, targetId: string, loginOf = loginsOf(deps, projectId)) => {
  const target = await mustGet(deps, projectId, targetId);
  const { credentialId } = target;
  if (credentialId === undefined) throw new AppError('UNPROCESSABLE', 'Give the target a credential before testing it.', { field: 'credentialId' });
  const found = await loginOf(credentialId);
  if (!found) throw new AppError('UNPROCESSABLE', `The target's credential '${credentialId}' no longer exists.`, { field: 'credentialId' });
  const { credential, material } = found;
  const trusted = trustedFingerprint(target);
  const result = await deps.tester.test({ target, username: target.username ?? credential.username, domain: credential.domain, material, trustedFingerprint: trusted });

  const now = deps.clock.now().toISOString();
  const lastTest = result.ok
    ? { at: now, ok: true, latencyMs: Math.round(result.latencyMs), os: result.os }
    : {
        at: now,
        ok: false,
        category: result.category,
        message: result.message.slice(0, 1024),
        ...(result.hostKeyFingerprint === undefined ? {} : { presentedFingerprint: result.hostKeyFingerprint }),
      };
  // Trust on first use: the first successful test records the key every later connection must see.
  const firstKey = result.ok && trusted === undefined && result.hostKeyFingerprint !== undefined;
  const next: Target = {
    ...target,
    lastTest,
    ...(firstKey && result.hostKeyFingerprint !== undefined
      ? { hostKey: { fingerprint: result.hostKeyFingerprint, acceptedAt: now, acceptedBy: 'trust-on-first-use' } }
      : {}),
    version: target.version + 1,
  };
  await deps.targets.update(next, target.version);
  const events: DomainEvent[] = [eventOf(ConnectionTested, { projectId, actor: actorOf(by), target: ref(target), ok: result.ok, ...(result.ok ? { latencyMs: lastTest.latencyMs } : { category: result.category }) })];
  if (!result.ok && result.category === 'HOST_KEY_MISMATCH' && trusted !== undefined && result.hostKeyFingerprint !== undefined) {
    events.push(eventOf(HostKeyChanged, { projectId, actor: actorOf(by), target: ref(target), trusted, presented: result.hostKeyFingerprint }));
  }
  await deps.bus.publish(events);
  return { target: next, result: { ...result, ...(result.ok ? { latencyMs: Math.round(result.latencyMs) } : {}) } };
};

/** Tests many targets with at most `concurrency` connections at once. */
export const testTargets = async (deps: TargetDeps, by: Principal, projectId: string, filter: TargetFilter, concurrency = 8) => {
  const targets = await selectTargets(deps, projectId, filter);
  const results: { targetId: string; name: string; ok: boolean; category?: string; message?: string; latencyMs?: number }[] = [];
  // Each credential read (and its secret fetched) once for all the targets that use it.
  const loginOf = loginsOf(deps, projectId);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const t = targets[next++];
      if (!t) break;
      try {
        const { result } = await testTarget(deps, by, projectId, t.id, loginOf);
        results.push(result.ok ? { targetId: t.id, name: t.name, ok: true, latencyMs: result.latencyMs } : { targetId: t.id, name: t.name, ok: false, category: result.category, message: result.message });
      } catch (e) {
        results.push({ targetId: t.id, name: t.name, ok: false, category: 'UNTESTABLE', message: e instanceof AppError ? e.message : 'The test could not run.' });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, targets.length) }, worker));
  return { results: results.sort((a, b) => a.name.localeCompare(b.name)) };
};

/** Candidates for the inventory: what answers in the network, with the targets that already have that address and port. */
export const discoverTargets = async (
  deps: Pick<TargetDeps, 'targets'> & { scanner: NetworkScanner },
  projectId: string,
  request: { cidr: string; ports: readonly number[] },
) => {
  const found = await deps.scanner.scan(request);
  const known = new Map<string, { id: string; name: string }[]>();
  for (const t of await selectTargets(deps, projectId, {})) {
    const key = `${t.address}:${t.port}`;
    known.set(key, [...(known.get(key) ?? []), { id: t.id, name: t.name }]);
  }
  return { candidates: found.map((c) => ({ ...c, existingTargets: known.get(`${c.address}:${c.port}`) ?? [] })) };
};

/** The targets that log in with a credential (it cannot be deleted while there are any). */
export const targetsUsingCredential = async (deps: Pick<TargetDeps, 'targets'>, projectId: string, credentialId: string) =>
  (await selectTargets(deps, projectId, {})).filter((t) => t.credentialId === credentialId).map((t) => ({ id: t.id, name: t.name }));
