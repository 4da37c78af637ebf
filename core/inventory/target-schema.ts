/**
 * Targets: the hosts jobs run on, as operators create and edit them (by hand, by import, from discovery)
 * and as they are stored. Linux hosts are reached over SSH, Windows hosts over WinRM.
 *
 * The schemas check what one target can check on its own. That a name is unique in its project and that
 * a credential exists (and suits the protocol) is for the service, which sees the other items.
 * docs/import.md describes how imported files map onto these fields.
 */
import { z } from 'zod';
import { idPattern } from '../ids';
import { ProjectId } from '../projects/schema';
import { CredentialId } from './credential-schema';
import { MAX_VALUE_LENGTH, SelectorText, tagKeyPattern } from './selector';

export const TargetId = z.string().regex(idPattern('tgt'), 'must be a target id (tgt_…)');

export const MAX_TARGET_NAME_LENGTH = 128;
export const MAX_TAGS = 50;
// One limit for tag values everywhere, so that every value a target carries can be written in a selector.
export const MAX_TAG_VALUE_LENGTH = MAX_VALUE_LENGTH;
export const MAX_DESCRIPTION_LENGTH = 1024;
export const MAX_HOSTNAME_LENGTH = 253;

const CONTROL = /\p{Cc}/u;

// Shown in lists and run logs and typed in CLIs: printable, without surrounding whitespace.
export const TargetName = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_TARGET_NAME_LENGTH, `must be at most ${MAX_TARGET_NAME_LENGTH} characters`)
  .refine((s) => s.trim() === s, 'must not start or end with whitespace')
  .refine((s) => !CONTROL.test(s), 'must not contain control characters');

// ---------------------------------------------------------------------------------------------------------------
// Addresses

// Octets without leading zeros: the C resolver reads `010` as octal 8, so `010.0.0.1` would reach another host.
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const HOST_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export const isIPv4 = (s: string): boolean => IPV4.test(s);

/** Textual IPv6 (RFC 4291 2.2): eight groups, one `::`, optionally an IPv4 tail; no brackets, no zone. */
export const isIPv6 = (s: string): boolean => {
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (lastColon === -1) return false;
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    // An embedded IPv4 address stands for the last two groups.
    if (!isIPv4(tail)) return false;
    text = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  if (halves.length === 1) {
    const groups = groupsOf(text);
    return groups.length === 8 && groups.every((g) => HEX_GROUP.test(g));
  }
  const groups = [...groupsOf(halves[0] ?? ''), ...groupsOf(halves[1] ?? '')];
  // `::` stands for at least one group of zeros.
  return groups.length <= 7 && groups.every((g) => HEX_GROUP.test(g));
};

/**
 * A host name per RFC 1123: dot-separated labels of letters, digits and inner hyphens, at most 63 characters each
 * and 253 in all. The last label may not be all digits (no top-level domain is), which keeps `10.0.0.256` and `123`
 * from passing as names that the resolver would then read as IPv4 addresses.
 */
export const isHostname = (s: string): boolean => {
  if (s.length === 0 || s.length > MAX_HOSTNAME_LENGTH) return false;
  const labels = s.split('.');
  return labels.every((l) => HOST_LABEL.test(l)) && !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
};

/** Why `s` is not a target address, in words that point at the usual mistakes; undefined when it is one. */
export const addressProblem = (s: string): string | undefined => {
  if (s.length === 0) return 'must not be empty';
  if (isIPv4(s) || isIPv6(s) || isHostname(s)) return undefined;
  if (/\s/.test(s)) return 'must not contain whitespace';
  if (/^[0-9.]+\/[0-9]+$/.test(s)) return 'must be one address, not a network; discovery finds the hosts in a network';
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(s) || s.includes('/')) return 'must be a host name or IP address, not a URL';
  if (s.includes('@')) return 'must not contain a user name; set username instead';
  if (s.startsWith('[')) {
    return /\]:[0-9]*$/.test(s)
      ? 'must not include a port; write the IPv6 address without brackets and set port'
      : 'write IPv6 addresses without brackets';
  }
  if (/^[^:]+:[0-9]*$/.test(s)) return 'must not include a port; set port instead';
  if (s.includes('%')) return 'IPv6 zone ids (%…) are not supported; use a global or unique-local address';
  if (s.includes(':')) return 'is not a valid IPv6 address';
  if (/^[0-9.]+$/.test(s)) return 'is not a valid IPv4 address (four numbers 0–255 without leading zeros)';
  if (CONTROL.test(s)) return 'must not contain control characters';
  if (/[^\x20-\x7e]/.test(s)) return 'must be ASCII; write internationalized names in their xn-- (punycode) form';
  if (s.length > MAX_HOSTNAME_LENGTH) return `a host name must be at most ${MAX_HOSTNAME_LENGTH} characters`;
  return 'must be a host name (letters, digits and hyphens in dot-separated labels of at most 63 characters, the last not all digits), an IPv4 address or an IPv6 address';
};

export const TargetAddress = z.string().superRefine((s, ctx) => {
  const problem = addressProblem(s);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: s });
});

// ---------------------------------------------------------------------------------------------------------------
// Connection

export const Port = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be from 1 to 65535')
  .max(65535, 'must be from 1 to 65535');

export const targetProtocols = ['ssh', 'winrm'] as const;
export const TargetProtocol = z.enum(targetProtocols, { error: "must be 'ssh' or 'winrm'" });
export type TargetProtocol = z.infer<typeof TargetProtocol>;

export const WinrmOptions = z
  .strictObject({
    transport: z.enum(['http', 'https'], { error: "must be 'http' or 'https'" }),
    auth: z.enum(['basic', 'ntlm'], { error: "must be 'basic' or 'ntlm'" }),
    /** Only for https: false accepts any certificate (self-signed listeners), at the price of trusting the network. */
    verifyTls: z.boolean({ error: 'must be true or false' }).default(true),
    /** Only for https: PEM certificates of the CA(s) that sign this host's certificate (an internal CA), trusted besides the system's. */
    caBundle: z
      .string()
      .max(65_536, 'must be at most 64 KiB')
      .refine((s) => /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/.test(s.trim()), 'must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)')
      .optional(),
  })
  // Basic over http puts the password on the wire in base64; NTLM over http at least encrypts the messages.
  .refine((w) => !(w.transport === 'http' && w.auth === 'basic'), {
    message: "basic authentication over http would send the password in clear; use transport 'https' or auth 'ntlm'",
    path: ['auth'],
  })
  .refine((w) => w.transport === 'https' || w.caBundle === undefined, { message: 'is only for transport https', path: ['caBundle'] });
export type WinrmOptions = z.infer<typeof WinrmOptions>;

export const defaultPorts = { ssh: 22, winrmHttp: 5985, winrmHttps: 5986 } as const;

/** The port a target uses when none is given: the protocol's (and for WinRM the transport's) listener. */
export const defaultPort = (protocol: TargetProtocol, winrm?: Pick<WinrmOptions, 'transport'>): number => {
  if (protocol === 'ssh') return defaultPorts.ssh;
  return winrm?.transport === 'http' ? defaultPorts.winrmHttp : defaultPorts.winrmHttps;
};

// No whitespace, as for a credential's username; `DOMAIN\user` and `user@domain` are fine.
export const TargetUsername = z
  .string()
  .min(1, 'must not be empty')
  .max(256, 'must be at most 256 characters')
  .refine((s) => !/[\p{Cc}\s]/u.test(s), 'must not contain whitespace or control characters');

/**
 * An SSH host key fingerprint as OpenSSH prints it (`ssh-keygen -lf`, `ssh -v`): `SHA256:` and the unpadded base64
 * of the 32-byte digest. 43 characters carry 258 bits, so the last one has its two low bits clear.
 */
export const HostKeyFingerprint = z
  .string()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]$/,
    'must be an OpenSSH SHA256 fingerprint, e.g. SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
  );

export const TargetDescription = z
  .string()
  .max(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`);

// ---------------------------------------------------------------------------------------------------------------
// Tags (docs/selectors.md: keys per tagKeyPattern, values printable and at most 256 characters)

const tagKeyProblem = (key: string): string =>
  key.length === 0 || key.length > 128
    ? `tag key '${key.slice(0, 40)}${key.length > 40 ? '…' : ''}' must be 1–128 characters`
    : `tag key '${key}' may contain only letters, digits, '.', '_', '-', '/' and ':'`;

const TagValue = z
  .string({ error: 'a tag value must be a string' })
  .max(MAX_TAG_VALUE_LENGTH, `a tag value must be at most ${MAX_TAG_VALUE_LENGTH} characters`)
  .refine((s) => !CONTROL.test(s), 'a tag value must not contain control characters');

const hasProtoKey = (v: unknown): boolean => typeof v === 'object' && v !== null && Object.hasOwn(v, '__proto__');

export const TargetTags = z
  // zod drops a `__proto__` key from records without a word (assigning it would replace the prototype); say so instead.
  .custom<Record<string, string>>((v) => !hasProtoKey(v), { message: "'__proto__' cannot be a tag key", path: ['__proto__'] })
  .pipe(
    z
      .record(z.string().regex(tagKeyPattern), TagValue, {
        error: (issue) =>
          issue.code === 'invalid_key'
            ? tagKeyProblem(typeof issue.input === 'string' ? issue.input : '')
            : 'must be an object of tag keys to string values',
      })
      .refine((tags) => Object.keys(tags).length <= MAX_TAGS, `at most ${MAX_TAGS} tags`),
  );

// ---------------------------------------------------------------------------------------------------------------
// Inputs

interface ProtocolFields {
  protocol?: TargetProtocol | undefined;
  winrm?: WinrmOptions | null | undefined;
  hostKeyFingerprint?: string | null | undefined;
}

/**
 * What the protocol implies for the other fields, as far as the given fields show it: WinRM needs its options,
 * SSH has none, and a host key belongs to SSH. On update only the fields sent are seen; the service checks the
 * merged target again.
 */
const checkProtocolFields = (v: ProtocolFields, ctx: z.RefinementCtx, creating: boolean): void => {
  const winrmGiven = v.winrm !== undefined && v.winrm !== null;
  if (v.protocol === 'winrm' && !winrmGiven && (creating || v.winrm === null)) {
    ctx.addIssue({ code: 'custom', path: ['winrm'], message: "is required when protocol is 'winrm' (transport, auth)" });
  }
  if (v.protocol === 'ssh' && winrmGiven) {
    ctx.addIssue({ code: 'custom', path: ['winrm'], message: "is only for protocol 'winrm'" });
  }
  if (v.protocol === 'winrm' && typeof v.hostKeyFingerprint === 'string') {
    ctx.addIssue({ code: 'custom', path: ['hostKeyFingerprint'], message: "is an SSH host key; it is only for protocol 'ssh'" });
  }
};

const targetFields = {
  name: TargetName,
  address: TargetAddress,
  port: Port.optional(),
  protocol: TargetProtocol,
  winrm: WinrmOptions.optional(),
  /** The credential runs log in with; its existence and kind are checked by the service. */
  credentialId: CredentialId.optional(),
  /** The login on this host when the credential does not fix one (one key shared by hosts with different users). */
  username: TargetUsername.optional(),
  tags: TargetTags.default({}),
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  description: TargetDescription.default(''),
  /** A pinned host key: connections to a host presenting another key fail instead of trusting it on first use. */
  hostKeyFingerprint: HostKeyFingerprint.optional(),
};

/** A target as a user creates it; the port defaults to the protocol's once the schema has run. */
export const CreateTargetInput = z
  .strictObject(targetFields)
  .superRefine((v, ctx) => {
    checkProtocolFields(v, ctx, true);
  })
  .transform((v) => ({ ...v, port: v.port ?? defaultPort(v.protocol, v.winrm) }));
export type CreateTargetInput = z.output<typeof CreateTargetInput>;

/**
 * A partial change. Fields not sent stay as they are; `null` clears an optional one (credential, username, WinRM
 * options, pinned host key); tags are replaced as a whole. Nothing is defaulted here: a stored port stays unless a
 * new one is sent, even when the protocol changes, so the service decides on the merged target.
 */
export const UpdateTargetInput = z
  .strictObject({
    name: TargetName.optional(),
    address: TargetAddress.optional(),
    port: Port.optional(),
    protocol: TargetProtocol.optional(),
    winrm: WinrmOptions.nullable().optional(),
    credentialId: CredentialId.nullable().optional(),
    username: TargetUsername.nullable().optional(),
    tags: TargetTags.optional(),
    enabled: z.boolean({ error: 'must be true or false' }).optional(),
    description: TargetDescription.optional(),
    hostKeyFingerprint: HostKeyFingerprint.nullable().optional(),
    /** The version the caller last saw; a mismatch answers 409 instead of overwriting a colleague's change. */
    version: z.number().int().positive().optional(),
  })
  .superRefine((v, ctx) => {
    if (Object.entries(v).every(([k, value]) => k === 'version' || value === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'at least one field to change is required' });
    }
    checkProtocolFields(v, ctx, false);
  });
export type UpdateTargetInput = z.output<typeof UpdateTargetInput>;

// ---------------------------------------------------------------------------------------------------------------
// Stored shape

/** The host key runs trust: accepted on first use or by an operator, compared on every later connection. */
export const AcceptedHostKey = z.object({
  fingerprint: HostKeyFingerprint,
  acceptedAt: z.iso.datetime(),
  acceptedBy: z.string(),
});
export type AcceptedHostKey = z.infer<typeof AcceptedHostKey>;

/** The outcome of the latest connection test, shown next to the target until the next one. */
export const LastConnectionTest = z.object({
  at: z.iso.datetime(),
  ok: z.boolean(),
  /**
   * On failure, the runner's connection error category (DNS, REFUSED, TIMEOUT, AUTH_FAILED, …). Kept an open
   * string here: core does not import the runner, and each protocol client may add its own.
   */
  category: z.string().min(1).max(64).optional(),
  message: z.string().max(1024).optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  /** What the host said it runs, e.g. `Ubuntu 24.04.1 LTS` or `Windows Server 2022 Datacenter`. */
  os: z.string().max(256).optional(),
  /** The host key the host presented, so an admin can accept it after a HOST_KEY_MISMATCH without testing again. */
  presentedFingerprint: z.string().max(128).optional(),
});
export type LastConnectionTest = z.infer<typeof LastConnectionTest>;

export const Target = z.object({
  id: TargetId,
  projectId: ProjectId,
  name: TargetName,
  address: TargetAddress,
  port: Port,
  protocol: TargetProtocol,
  winrm: WinrmOptions.optional(),
  credentialId: CredentialId.optional(),
  username: TargetUsername.optional(),
  tags: TargetTags,
  enabled: z.boolean(),
  description: TargetDescription,
  hostKeyFingerprint: HostKeyFingerprint.optional(),
  hostKey: AcceptedHostKey.optional(),
  lastTest: LastConnectionTest.optional(),
  createdAt: z.iso.datetime(),
  createdBy: z.string(),
  updatedAt: z.iso.datetime(),
  updatedBy: z.string(),
  version: z.number().int().positive(),
});
export type Target = z.infer<typeof Target>;

// ---------------------------------------------------------------------------------------------------------------
// Request shapes of the targets API

export const TargetPath = z.strictObject({ projectId: ProjectId, targetId: TargetId });

export const TargetListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().min(1).max(512).optional(),
  selector: SelectorText.optional(),
  namePrefix: z.string().min(1).max(MAX_TARGET_NAME_LENGTH).optional(),
  protocol: TargetProtocol.optional(),
});

export const AcceptHostKeyInput = z.strictObject({ fingerprint: HostKeyFingerprint });

export const TestTargetsInput = z.strictObject({ selector: SelectorText });

export const ImportTargetsInput = z.strictObject({
  format: z.enum(['csv', 'json', 'ansible-ini']),
  content: z.string().min(1),
  dryRun: z.boolean().default(false),
});

export const DiscoveryInput = z.strictObject({
  cidr: z.string().min(9).max(18),
  ports: z.array(Port).min(1).max(16).default([22, 5985, 5986]),
});
