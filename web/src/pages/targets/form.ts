import type { CreateTargetInput, Target, TargetProtocol, UpdateTargetInput, WinrmAuth, WinrmOptions, WinrmTransport } from '../../api/types';

/**
 * The target form's values and rules. The client checks only what a person can fix without the
 * API's help (required fields, number ranges, formats); everything else is the API's to say, on
 * the field its `details[].path` names (core/inventory/target-schema.ts).
 */
export interface TagRow {
  key: string;
  value: string;
}

export interface TargetFormValues {
  name: string;
  description: string;
  protocol: TargetProtocol;
  address: string;
  /** Empty: the protocol's default port. */
  port: string;
  transport: WinrmTransport;
  auth: WinrmAuth;
  verifyTls: boolean;
  /** PEM; empty: the system's CAs only. */
  caBundle: string;
  /** Empty: no credential. */
  credentialId: string;
  username: string;
  hostKeyFingerprint: string;
  tags: TagRow[];
  enabled: boolean;
}

export const targetFields = [
  'name',
  'description',
  'protocol',
  'address',
  'port',
  'winrm',
  'winrm.transport',
  'winrm.auth',
  'winrm.verifyTls',
  'winrm.caBundle',
  'credentialId',
  'username',
  'hostKeyFingerprint',
  'tags',
  'enabled',
] as const;
export type TargetField = (typeof targetFields)[number];

export const TAG_KEY = /^[A-Za-z0-9._\-/:]{1,128}$/;
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]$/;
export const BASIC_OVER_HTTP =
  'Basic authentication over HTTP would send the password in clear text (base64 is not encryption), so the API refuses it. Use HTTPS, or NTLM, whose messages are encrypted even over HTTP.';

/** The port a target gets when none is given (core/inventory/target-schema.ts defaultPort). */
export const defaultPortOf = (protocol: TargetProtocol, transport: WinrmTransport): number =>
  protocol === 'ssh' ? 22 : transport === 'http' ? 5985 : 5986;

export const emptyValues: TargetFormValues = {
  name: '',
  description: '',
  protocol: 'ssh',
  address: '',
  port: '',
  transport: 'https',
  auth: 'ntlm',
  verifyTls: true,
  caBundle: '',
  credentialId: '',
  username: '',
  hostKeyFingerprint: '',
  tags: [],
  enabled: true,
};

export const valuesOf = (t: Target): TargetFormValues => ({
  name: t.name,
  description: t.description,
  protocol: t.protocol,
  address: t.address,
  port: String(t.port),
  transport: t.winrm?.transport ?? 'https',
  auth: t.winrm?.auth ?? 'ntlm',
  verifyTls: t.winrm?.verifyTls ?? true,
  caBundle: t.winrm?.caBundle ?? '',
  credentialId: t.credentialId ?? '',
  username: t.username ?? '',
  hostKeyFingerprint: t.hostKeyFingerprint ?? '',
  tags: Object.entries(t.tags).map(([key, value]) => ({ key, value })),
  enabled: t.enabled,
});

export interface ClientErrors {
  fields: Partial<Record<TargetField, string>>;
  /** Per tag row: the problem with its key. */
  tagRows: (string | undefined)[];
}

export const validateTarget = (v: TargetFormValues): ClientErrors => {
  const fields: Partial<Record<TargetField, string>> = {};
  if (v.name === '') fields.name = 'Enter a name.';
  if (v.address.trim() === '') fields.address = 'Enter a host name or an IP address.';
  const port = v.port.trim();
  if (port !== '' && (!/^[0-9]+$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
    fields.port = 'Enter a port from 1 to 65535, or leave it empty for the default.';
  }
  if (v.protocol === 'winrm' && v.transport === 'http' && v.auth === 'basic') fields['winrm.auth'] = BASIC_OVER_HTTP;
  const fingerprint = v.hostKeyFingerprint.trim();
  if (v.protocol === 'ssh' && fingerprint !== '' && !FINGERPRINT.test(fingerprint)) {
    fields.hostKeyFingerprint = 'Enter an OpenSSH SHA256 fingerprint as ssh-keygen -lf prints it: SHA256: and 43 characters.';
  }
  const seen = new Set<string>();
  const tagRows = v.tags.map((row) => {
    if (row.key === '') return 'Enter a key, or remove the tag.';
    if (!TAG_KEY.test(row.key)) return "Use 1–128 letters, digits, '.', '_', '-', '/' and ':'.";
    if (seen.has(row.key)) return `The key ${row.key} is already used by another tag.`;
    seen.add(row.key);
    return undefined;
  });
  return { fields, tagRows };
};

export const hasErrors = (e: ClientErrors): boolean => Object.keys(e.fields).length > 0 || e.tagRows.some((r) => r !== undefined);

const tagsOf = (rows: TagRow[]): Record<string, string> => Object.fromEntries(rows.map((r) => [r.key, r.value]));

const winrmOf = (v: TargetFormValues): WinrmOptions => ({
  transport: v.transport,
  auth: v.auth,
  // Only HTTPS verifies anything; over HTTP the option keeps its default.
  verifyTls: v.transport === 'https' ? v.verifyTls : true,
  ...(v.transport === 'https' && v.verifyTls && v.caBundle.trim() !== '' ? { caBundle: v.caBundle.trim() } : {}),
});

export const createInputOf = (v: TargetFormValues): CreateTargetInput => {
  const port = v.port.trim();
  const fingerprint = v.hostKeyFingerprint.trim();
  const username = v.username.trim();
  return {
    name: v.name,
    address: v.address.trim(),
    protocol: v.protocol,
    ...(port === '' ? {} : { port: Number(port) }),
    ...(v.protocol === 'winrm' ? { winrm: winrmOf(v) } : {}),
    ...(v.credentialId === '' ? {} : { credentialId: v.credentialId }),
    ...(username === '' ? {} : { username }),
    ...(v.protocol === 'ssh' && fingerprint !== '' ? { hostKeyFingerprint: fingerprint } : {}),
    tags: tagsOf(v.tags),
    enabled: v.enabled,
    description: v.description,
  };
};

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
const sortedTags = (tags: Record<string, string>) => Object.fromEntries(Object.entries(tags).sort(([a], [b]) => a.localeCompare(b)));

/** What changed against the target as loaded: a PATCH with only those fields (null clears one), or undefined for nothing. */
export const patchOf = (base: Target, v: TargetFormValues): UpdateTargetInput | undefined => {
  const next = createInputOf(v);
  const patch: UpdateTargetInput = {};
  if (next.name !== base.name) patch.name = next.name;
  if (next.address !== base.address) patch.address = next.address;
  if (next.protocol !== base.protocol) patch.protocol = next.protocol;
  const port = next.port ?? defaultPortOf(v.protocol, v.transport);
  if (port !== base.port) patch.port = port;
  if (next.winrm !== undefined && !same(next.winrm, base.winrm)) patch.winrm = next.winrm;
  if (next.winrm === undefined && base.winrm !== undefined) patch.winrm = null;
  if (next.credentialId !== base.credentialId) patch.credentialId = next.credentialId ?? null;
  if (next.username !== base.username) patch.username = next.username ?? null;
  if (next.hostKeyFingerprint !== base.hostKeyFingerprint) patch.hostKeyFingerprint = next.hostKeyFingerprint ?? null;
  if (!same(sortedTags(next.tags ?? {}), sortedTags(base.tags))) patch.tags = next.tags ?? {};
  if (next.enabled !== base.enabled) patch.enabled = next.enabled ?? true;
  if (next.description !== base.description) patch.description = next.description ?? '';
  return Object.keys(patch).length === 0 ? undefined : { ...patch, version: base.version };
};
