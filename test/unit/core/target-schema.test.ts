import { createHash } from 'node:crypto';
import {
  addressProblem,
  CreateTargetInput,
  defaultPort,
  MAX_TAGS,
  Target,
  UpdateTargetInput,
} from '../../../core/inventory/target-schema';

/**
 * The target schemas field by field: which addresses pass and what a rejected one is told, the ports each
 * protocol defaults to, what the protocol requires of the WinRM options and the host key, the tag limits shared
 * with selectors, and what an update may say.
 */

const fingerprintOf = (text: string): string => `SHA256:${createHash('sha256').update(text).digest('base64').replace(/=+$/, '')}`;
const FINGERPRINT = fingerprintOf('host key');
const CREDENTIAL = 'crd_01JD0000000000000000000000';

const ssh = { name: 'web1', address: 'web1.example.com', protocol: 'ssh' } as const;
const winrm = { name: 'win1', address: '10.0.0.9', protocol: 'winrm', winrm: { transport: 'https', auth: 'ntlm' } } as const;

/** The issues of a failed parse as `path: message`, for compact expectations. */
const issuesOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): string[] =>
  (result.error?.issues ?? []).map((i) => `${i.path.map(String).join('.')}: ${i.message}`);

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n-----END CERTIFICATE-----';

describe('target address', () => {
  it.each([
    ['a one-label host name', 'web1'],
    ['a fully qualified name', 'web-01.prod.example.com'],
    ['labels starting with digits (RFC 1123)', '1web.3com.example'],
    ['upper case', 'WEB1.Example.COM'],
    ['a punycode name', 'xn--bcher-kva.example'],
    ['a 63-character label', `${'a'.repeat(63)}.example`],
    ['a 253-character name', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`],
    ['IPv4', '10.0.0.5'],
    ['IPv4 zeros', '0.0.0.0'],
    ['IPv4 broadcast', '255.255.255.255'],
    ['IPv6 loopback', '::1'],
    ['IPv6 compressed', '2001:db8::1'],
    ['IPv6 full', '2001:0db8:0000:0000:0000:ff00:0042:8329'],
    ['IPv6 trailing ::', 'fe80::'],
    ['IPv6 unspecified', '::'],
    ['IPv6 with an IPv4 tail', '::ffff:10.0.0.1'],
    ['IPv6 with seven groups and ::', '1:2:3:4:5:6:7::'],
    ['IPv6 with six groups and an IPv4 tail', '1:2:3:4:5:6:10.0.0.1'],
  ])('accepts %s: %s', (_, address) => {
    expect(addressProblem(address)).toBeUndefined();
    expect(CreateTargetInput.safeParse({ ...ssh, address }).success).toBe(true);
  });

  it.each([
    ['empty', '', 'must not be empty'],
    ['a space', 'web 1', 'must not contain whitespace'],
    ['a URL', 'http://web1.example.com', 'not a URL'],
    ['an ssh URL', 'ssh://root@web1', 'not a URL'],
    ['a path', 'web1/admin', 'not a URL'],
    ['a network', '10.0.0.0/24', 'not a network'],
    ['a user', 'root@web1', 'set username instead'],
    ['a host name with a port', 'web1:22', 'must not include a port'],
    ['IPv4 with a port', '10.0.0.5:2222', 'must not include a port'],
    ['bracketed IPv6', '[2001:db8::1]', 'without brackets'],
    ['bracketed IPv6 with a port', '[2001:db8::1]:22', 'must not include a port'],
    ['an IPv6 zone', 'fe80::1%eth0', 'zone ids'],
    ['two ::', '2001::db8::1', 'not a valid IPv6 address'],
    ['nine groups', '1:2:3:4:5:6:7:8:9', 'not a valid IPv6 address'],
    ['eight groups and ::', '1:2:3:4:5:6:7::8', 'not a valid IPv6 address'],
    ['a five-digit group', '12345::1', 'not a valid IPv6 address'],
    ['a bad IPv4 tail', '::ffff:10.0.0.256', 'not a valid IPv6 address'],
    ['an octet above 255', '10.0.0.256', 'not a valid IPv4 address'],
    ['a leading zero (octal to the resolver)', '010.0.0.1', 'not a valid IPv4 address'],
    ['three octets', '10.0.0', 'not a valid IPv4 address'],
    ['a bare number', '123', 'not a valid IPv4 address'],
    ['an all-digit last label', 'web.123', 'the last not all digits'],
    ['a leading hyphen', '-web', 'must be a host name'],
    ['a trailing hyphen', 'web-.example', 'must be a host name'],
    ['an empty label', 'a..b', 'must be a host name'],
    ['a trailing dot', 'web1.example.', 'must be a host name'],
    ['an underscore', 'web_1', 'must be a host name'],
    ['a 64-character label', `${'a'.repeat(64)}.example`, 'must be a host name'],
    ['a 254-character name', `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`, 'at most 253 characters'],
    ['non-ASCII', 'bücher.example', 'punycode'],
    ['a control character', 'web\u00001', 'control characters'],
  ])('rejects %s: %j', (_, address, message) => {
    expect(addressProblem(address)).toContain(message);
    const result = CreateTargetInput.safeParse({ ...ssh, address });
    expect(result.success).toBe(false);
    expect(issuesOf(result)).toEqual([expect.stringContaining(`address: `)]);
  });

  it('rejects a non-string address', () => {
    expect(issuesOf(CreateTargetInput.safeParse({ ...ssh, address: 10 }))).toEqual([expect.stringMatching(/^address: /)]);
  });
});

describe('create input: ports and protocols', () => {
  it.each([
    ['ssh', ssh, 22],
    ['winrm over https', winrm, 5986],
    ['winrm over http', { ...winrm, winrm: { transport: 'http', auth: 'ntlm' } }, 5985],
    ['an explicit port', { ...ssh, port: 2222 }, 2222],
    ['an explicit port on winrm', { ...winrm, port: 443 }, 443],
  ])('%s → port %i', (_, input, port) => {
    const result = CreateTargetInput.parse(input);
    expect(result.port).toBe(port);
  });

  it('matches defaultPort', () => {
    expect([defaultPort('ssh'), defaultPort('winrm', { transport: 'http' }), defaultPort('winrm', { transport: 'https' })]).toEqual([22, 5985, 5986]);
  });

  it.each([
    ['zero', 0, 'port: must be from 1 to 65535'],
    ['too large', 65536, 'port: must be from 1 to 65535'],
    ['a fraction', 22.5, 'port: must be a whole number'],
    ['a string', '22', 'port: must be a number'],
  ])('rejects a port that is %s', (_, port, issue) => {
    expect(issuesOf(CreateTargetInput.safeParse({ ...ssh, port }))).toEqual([issue]);
  });

  it('fills in the defaults', () => {
    expect(CreateTargetInput.parse(ssh)).toEqual({ ...ssh, port: 22, tags: {}, enabled: true, description: '' });
    expect(CreateTargetInput.parse(winrm).winrm).toEqual({ transport: 'https', auth: 'ntlm', verifyTls: true });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['winrm without its options', { ...ssh, protocol: 'winrm' }, ["winrm: is required when protocol is 'winrm' (transport, auth)"]],
    ['ssh with winrm options', { ...ssh, winrm: winrm.winrm }, ["winrm: is only for protocol 'winrm'"]],
    ['an unknown protocol', { ...ssh, protocol: 'telnet' }, ["protocol: must be 'ssh' or 'winrm'"]],
    ['no protocol', { name: 'x', address: 'x' }, ["protocol: must be 'ssh' or 'winrm'"]],
    [
      'basic over http',
      { ...winrm, winrm: { transport: 'http', auth: 'basic' } },
      ["winrm.auth: basic authentication over http would send the password in clear; use transport 'https' or auth 'ntlm'"],
    ],
    ['an unknown transport', { ...winrm, winrm: { transport: 'ftp', auth: 'ntlm' } }, ["winrm.transport: must be 'http' or 'https'"]],
    ['kerberos', { ...winrm, winrm: { transport: 'https', auth: 'kerberos' } }, ["winrm.auth: must be 'basic' or 'ntlm'"]],
    ['verifyTls as text', { ...winrm, winrm: { ...winrm.winrm, verifyTls: 'no' } }, ['winrm.verifyTls: must be true or false']],
    ['an unknown winrm option', { ...winrm, winrm: { ...winrm.winrm, port: 5986 } }, ['winrm: Unrecognized key: "port"']],
    ['a host key on winrm', { ...winrm, hostKeyFingerprint: FINGERPRINT }, ["hostKeyFingerprint: is an SSH host key; it is only for protocol 'ssh'"]],
    ['a CA bundle that is not PEM', { ...winrm, winrm: { ...winrm.winrm, caBundle: 'MIIB...' } }, ['winrm.caBundle: must be one or more PEM certificates (-----BEGIN CERTIFICATE-----)']],
    [
      'a CA bundle over http',
      { ...winrm, winrm: { transport: 'http', auth: 'ntlm', caBundle: `${PEM}\n` } },
      ['winrm.caBundle: is only for transport https'],
    ],
  ])('rejects %s', (_, input, issues) => {
    expect(issuesOf(CreateTargetInput.safeParse(input))).toEqual(issues);
  });

  it('keeps a CA bundle for an https target', () => {
    expect(CreateTargetInput.parse({ ...winrm, winrm: { transport: 'https', auth: 'ntlm', caBundle: `${PEM}\n${PEM}\n` } }).winrm).toEqual({
      transport: 'https',
      auth: 'ntlm',
      verifyTls: true,
      caBundle: `${PEM}\n${PEM}\n`,
    });
  });

  it('accepts basic over https and verifyTls false', () => {
    expect(CreateTargetInput.parse({ ...winrm, winrm: { transport: 'https', auth: 'basic', verifyTls: false } }).winrm).toEqual({
      transport: 'https',
      auth: 'basic',
      verifyTls: false,
    });
  });
});

describe('create input: other fields', () => {
  it.each<[string, Record<string, unknown>]>([
    ['a 128-character name', { name: 'n'.repeat(128) }],
    ['a name with spaces inside', { name: 'web 1 (primary)' }],
    ['a credential', { credentialId: CREDENTIAL }],
    ['a username', { username: 'deploy' }],
    ['a domain username', { username: 'CORP\\svc-ops' }],
    ['a UPN username', { username: 'svc-ops@corp.example' }],
    ['disabled', { enabled: false }],
    ['a 1024-character description', { description: 'd'.repeat(1024) }],
    ['a multi-line description', { description: 'line 1\nline 2' }],
    ['a pinned host key', { hostKeyFingerprint: FINGERPRINT }],
    ['the fingerprint from the message', { hostKeyFingerprint: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s' }],
  ])('accepts %s', (_, fields) => {
    expect(CreateTargetInput.safeParse({ ...ssh, ...fields }).success).toBe(true);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['an empty name', { name: '' }, 'name: must not be empty'],
    ['a 129-character name', { name: 'n'.repeat(129) }, 'name: must be at most 128 characters'],
    ['a padded name', { name: ' web1' }, 'name: must not start or end with whitespace'],
    ['a name with a tab', { name: 'web\t1' }, 'name: must not contain control characters'],
    ['a target id as credential', { credentialId: 'tgt_01JD0000000000000000000000' }, 'credentialId: must be a credential id (crd_…)'],
    ['an empty username', { username: '' }, 'username: must not be empty'],
    ['a username with a space', { username: 'de ploy' }, 'username: must not contain whitespace or control characters'],
    ['enabled as text', { enabled: 'yes' }, 'enabled: must be true or false'],
    ['a 1025-character description', { description: 'd'.repeat(1025) }, 'description: must be at most 1024 characters'],
    ['an MD5 fingerprint', { hostKeyFingerprint: 'MD5:16:27:ac:a5:76:28:2d:36:63:1b:56:4d:eb:df:a6:48' }, 'hostKeyFingerprint: must be an OpenSSH SHA256'],
    ['a padded fingerprint', { hostKeyFingerprint: `${FINGERPRINT}=` }, 'hostKeyFingerprint: must be an OpenSSH SHA256'],
    ['a fingerprint with impossible last bits', { hostKeyFingerprint: `${FINGERPRINT.slice(0, -1)}B` }, 'hostKeyFingerprint: must be an OpenSSH SHA256'],
    ['a lower-case prefix', { hostKeyFingerprint: FINGERPRINT.replace('SHA256', 'sha256') }, 'hostKeyFingerprint: must be an OpenSSH SHA256'],
    ['an unknown field', { password: 'hunter2' }, ': Unrecognized key: "password"'],
    ['a server-assigned field', { id: 'tgt_01JD0000000000000000000000' }, ': Unrecognized key: "id"'],
  ])('rejects %s', (_, fields, issue) => {
    const issues = issuesOf(CreateTargetInput.safeParse({ ...ssh, ...fields }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain(issue);
  });
});

describe('create input: tags', () => {
  const tagsOf = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, `v${i}`]));

  it.each<[string, Record<string, string>]>([
    ['none', {}],
    ['selector-style keys', { env: 'prod', 'k8s.io/role': 'web', 'team:payments': '', 'a_b-c.d': 'x' }],
    [`${MAX_TAGS} tags`, tagsOf(MAX_TAGS)],
    ['a 128-character key and a 256-character value', { ['k'.repeat(128)]: 'v'.repeat(256) }],
    ['values with spaces and punctuation', { owner: 'Jane Doe', note: 'a, b (c) = "d"' }],
  ])('accepts %s', (_, tags) => {
    expect(CreateTargetInput.parse({ ...ssh, tags }).tags).toEqual(tags);
  });

  it.each<[string, unknown, string]>([
    [`${MAX_TAGS + 1} tags`, tagsOf(MAX_TAGS + 1), `tags: at most ${MAX_TAGS} tags`],
    ['a key with a space', { 'two words': 'x' }, "tags.two words: tag key 'two words' may contain only letters, digits"],
    ['a key with =', { 'a=b': 'x' }, "tags.a=b: tag key 'a=b' may contain only"],
    ['an empty key', { '': 'x' }, 'tags.: tag key \'\' must be 1–128 characters'],
    ['a 129-character key', { ['k'.repeat(129)]: 'x' }, 'must be 1–128 characters'],
    ['a 257-character value', { k: 'v'.repeat(257) }, 'tags.k: a tag value must be at most 256 characters'],
    ['a line break in a value', { k: 'a\nb' }, 'tags.k: a tag value must not contain control characters'],
    ['a number as value', { k: 1 }, 'tags.k: a tag value must be a string'],
    ['a list', ['env=prod'], 'tags: must be an object of tag keys to string values'],
    ['text', 'env=prod', 'tags: must be an object of tag keys to string values'],
    // JSON.parse makes __proto__ an own key; zod would drop it without a word.
    ['__proto__ as a key', JSON.parse('{"__proto__": "x", "env": "prod"}'), "tags.__proto__: '__proto__' cannot be a tag key"],
  ])('rejects %s', (_, tags, issue) => {
    const issues = issuesOf(CreateTargetInput.safeParse({ ...ssh, tags }));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain(issue);
  });
});

describe('update input', () => {
  it.each<[string, Record<string, unknown>]>([
    ['one field', { enabled: false }],
    ['a field and the version', { description: '', version: 3 }],
    ['clearing the credential, username and pin', { credentialId: null, username: null, hostKeyFingerprint: null }],
    ['clearing the WinRM options on a switch to ssh', { protocol: 'ssh', winrm: null }],
    ['switching to winrm with options', { protocol: 'winrm', winrm: { transport: 'http', auth: 'ntlm' } }],
    // The stored target may already have WinRM options; the service checks the merged target.
    ['switching to winrm without options', { protocol: 'winrm' }],
    ['new WinRM options alone', { winrm: { transport: 'https', auth: 'basic' } }],
    ['replacing the tags', { tags: { env: 'prod' } }],
  ])('accepts %s', (_, input) => {
    expect(UpdateTargetInput.safeParse(input).success).toBe(true);
  });

  it('defaults nothing, not even the port', () => {
    expect(UpdateTargetInput.parse({ protocol: 'ssh' })).toEqual({ protocol: 'ssh' });
  });

  it.each<[string, unknown, string]>([
    ['nothing', {}, ': at least one field to change is required'],
    ['only the version', { version: 2 }, ': at least one field to change is required'],
    ['an unknown field', { enabled: true, colour: 'red' }, ': Unrecognized key: "colour"'],
    ['a server-assigned field', { enabled: true, createdBy: 'me' }, ': Unrecognized key: "createdBy"'],
    ['an invalid address', { address: 'web1:22' }, 'address: must not include a port'],
    ['ssh with WinRM options', { protocol: 'ssh', winrm: { transport: 'https', auth: 'ntlm' } }, "winrm: is only for protocol 'winrm'"],
    ['winrm while clearing its options', { protocol: 'winrm', winrm: null }, "winrm: is required when protocol is 'winrm'"],
    ['winrm with a host key', { protocol: 'winrm', hostKeyFingerprint: FINGERPRINT }, 'hostKeyFingerprint: is an SSH host key'],
    ['null for a required field', { name: null }, 'name: '],
    ['a version of 0', { enabled: true, version: 0 }, 'version: '],
  ])('rejects %s', (_, input, issue) => {
    const issues = issuesOf(UpdateTargetInput.safeParse(input));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain(issue);
  });
});

describe('stored target', () => {
  const stored = {
    id: 'tgt_01JD0000000000000000000000',
    projectId: 'prj_01JD0000000000000000000000',
    ...CreateTargetInput.parse({ ...ssh, credentialId: CREDENTIAL, username: 'deploy', tags: { env: 'prod' } }),
    hostKey: { fingerprint: FINGERPRINT, acceptedAt: '2026-11-25T10:00:00Z', acceptedBy: 'alice' },
    lastTest: { at: '2026-11-25T10:01:00Z', ok: false, category: 'AUTH_FAILED', message: 'Permission denied (publickey).', latencyMs: 84, os: 'Ubuntu 24.04.1 LTS' },
    createdAt: '2026-11-25T10:00:00Z',
    createdBy: 'alice',
    updatedAt: '2026-11-25T10:00:00Z',
    updatedBy: 'alice',
    version: 1,
  };

  it('parses a complete target', () => {
    expect(Target.parse(stored)).toEqual(stored);
  });

  it('parses a target that was never tested and has no trusted key', () => {
    const fresh: Record<string, unknown> = { ...stored };
    delete fresh.hostKey;
    delete fresh.lastTest;
    expect(Target.safeParse(fresh).success).toBe(true);
  });

  it.each<[string, Record<string, unknown>]>([
    ['an id of another kind', { id: 'prj_01JD0000000000000000000000' }],
    ['a missing port', { port: undefined }],
    ['a bad accepted fingerprint', { hostKey: { ...stored.hostKey, fingerprint: 'SHA256:x' } }],
    ['a negative latency', { lastTest: { ...stored.lastTest, latencyMs: -1 } }],
    ['a test time that is no timestamp', { lastTest: { ...stored.lastTest, at: 'yesterday' } }],
    ['version 0', { version: 0 }],
  ])('rejects %s', (_, change) => {
    expect(Target.safeParse({ ...stored, ...change }).success).toBe(false);
  });
});
