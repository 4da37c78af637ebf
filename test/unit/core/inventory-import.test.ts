import { AppError } from '../../../core/errors';
import { MAX_IMPORT_ROWS, parseInventory, type ImportFormat, type ImportRow } from '../../../core/inventory/import';

/**
 * docs/import.md, format by format: what each document turns into, which line every row reports, what is left
 * out with a warning, and which documents are refused as a whole (AppError 400) instead of row by row.
 */

const rowsOf = (format: ImportFormat, text: string): ImportRow[] => parseInventory(format, text).rows;

/** The AppError parsing throws; fails the test if the document is accepted. */
const documentError = (format: ImportFormat, text: string): AppError => {
  try {
    parseInventory(format, text);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error(`expected the ${format} document to be refused`);
};

const byName = (rows: ImportRow[]): Map<string, ImportRow> => new Map(rows.flatMap((r) => (r.input ? [[r.input.name, r]] : [])));

const defaults = { tags: {}, enabled: true, description: '' };

// ---------------------------------------------------------------------------------------------------------------

describe('CSV', () => {
  const header = 'name,address,port,protocol,username,credentialId,tags,description';

  it('reads the documented columns, with RFC 4180 quoting', () => {
    const text = [
      header,
      'web1,10.0.0.5,2222,ssh,deploy,crd_01JD0000000000000000000000,env=prod;role=web,plain',
      'web2,web2.example.com,,ssh,,,,"commas, ""quotes"" and',
      'a line break"',
      '"db,1",db1.example.com,,ssh,,,"owner=Jane Doe; tier = gold ;",',
      '',
    ].join('\r\n');
    const rows = rowsOf('csv', text);
    expect(rows.map((r) => [r.line, r.errors, r.input])).toEqual([
      [
        2,
        [],
        {
          name: 'web1',
          address: '10.0.0.5',
          port: 2222,
          protocol: 'ssh',
          username: 'deploy',
          credentialId: 'crd_01JD0000000000000000000000',
          tags: { env: 'prod', role: 'web' },
          enabled: true,
          description: 'plain',
        },
      ],
      [3, [], { name: 'web2', address: 'web2.example.com', port: 22, protocol: 'ssh', ...defaults, description: 'commas, "quotes" and\r\na line break' }],
      [5, [], { name: 'db,1', address: 'db1.example.com', port: 22, protocol: 'ssh', ...defaults, tags: { owner: 'Jane Doe', tier: 'gold' } }],
    ]);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['columns in another order and case', 'Protocol,ADDRESS,name\nssh,h1,n1', { name: 'n1', address: 'h1', protocol: 'ssh' }],
    ['spaces around cells and quotes', 'name , address,protocol\n  n1 , "h1" ,ssh', { name: 'n1', address: 'h1', protocol: 'ssh' }],
    ['a quote inside an unquoted cell', 'name,address,protocol,description\nn1,h1,ssh,5" disk', { description: '5" disk' }],
    ['LF line endings and blank lines', 'name,address,protocol\n\n\nn1,h1,ssh\n\n', { name: 'n1' }],
    ['a byte order mark', '\uFEFFname,address,protocol\nn1,h1,ssh', { name: 'n1' }],
    ['a tag without a value', 'name,address,protocol,tags\nn1,h1,ssh,decommissioned;env=', { tags: { decommissioned: '', env: '' } }],
    ['enabled and the pin', 'name,address,protocol,enabled,hostKeyFingerprint\nn1,h1,ssh,FALSE,SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s', { enabled: false, hostKeyFingerprint: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s' }],
    [
      'WinRM columns',
      'name,address,protocol,winrmTransport,winrmAuth,winrmVerifyTls\nwin1,10.0.0.9,winrm,https,basic,false',
      { protocol: 'winrm', port: 5986, winrm: { transport: 'https', auth: 'basic', verifyTls: false } },
    ],
    ['WinRM over http', 'name,address,protocol,winrmTransport,winrmAuth\nwin1,10.0.0.9,winrm,http,ntlm', { port: 5985, winrm: { transport: 'http', auth: 'ntlm', verifyTls: true } }],
    ['no trailing line break', 'name,address,protocol\nn1,h1,ssh', { name: 'n1' }],
  ])('reads %s', (_, text, expected) => {
    const [row, ...more] = rowsOf('csv', text);
    expect(more).toEqual([]);
    expect(row?.errors).toEqual([]);
    expect(row?.input).toMatchObject(expected);
  });

  it('reports each bad row with its line and fields, and keeps the good ones', () => {
    const text = [
      'name,address,port,protocol,tags',
      'ok1,10.0.0.1,,ssh,',
      'bad-address,http://x,,ssh,',
      '"multi',
      'line",10.0.0.2,70000,telnet,',
      'too,many,fields,ssh,,extra',
      'ok2,10.0.0.3,abc,ssh,a=1;a=2',
      'ok1,10.0.0.4,,ssh,',
      'ok3,10.0.0.5,,winrm,',
      'ok4,10.0.0.6,,ssh,bad key=1',
    ].join('\n');
    const rows = rowsOf('csv', text);
    expect(rows.map((r) => [r.line, r.input?.name, r.errors])).toEqual([
      [2, 'ok1', []],
      [3, undefined, [{ field: 'address', message: 'must be a host name or IP address, not a URL' }]],
      [
        4,
        undefined,
        [
          { field: 'name', message: 'must not contain control characters' },
          { field: 'port', message: 'must be from 1 to 65535' },
          { field: 'protocol', message: "must be 'ssh' or 'winrm'" },
        ],
      ],
      [6, undefined, [{ message: 'has 6 fields where the header has 5' }]],
      [
        7,
        undefined,
        [
          { field: 'tags.a', message: "the tag 'a' is given twice" },
          { field: 'port', message: 'must be a number' },
        ],
      ],
      [8, undefined, [{ field: 'name', message: "'ok1' is already the name of the target on line 2" }]],
      [9, undefined, [{ field: 'winrm', message: "is required when protocol is 'winrm' (transport, auth)" }]],
      [10, undefined, [{ field: 'tags.bad key', message: "tag key 'bad key' may contain only letters, digits, '.', '_', '-', '/' and ':'" }]],
    ]);
    expect(rows.every((r) => r.warnings.length === 0)).toBe(true);
  });

  it.each<[string, string, string]>([
    ['an empty document', '', 'the CSV is empty'],
    ['only blank lines', '\n\n', 'the CSV is empty'],
    ['no header', 'web1,10.0.0.5,22,ssh', 'the first line must be a header'],
    ['an unknown column', 'name,adress,protocol\nn,h,ssh', "unknown column 'adress' in the header"],
    ['a repeated column', 'name,address,protocol,name\nn,h,ssh,n', "names the column 'name' twice"],
    ['a missing required column', 'name,address\nn,h', 'the header must have the column protocol'],
    ['an unclosed quote', 'name,address,protocol\nn,"h,ssh\nm,h2,ssh', 'the quoted field opened on line 2 is never closed'],
    ['text after a closing quote', 'name,address,protocol\n"n"x,h,ssh', 'unexpected text after a closing quote on line 2'],
  ])('refuses %s', (_, text, message) => {
    const e = documentError('csv', text);
    expect(e.status).toBe(400);
    expect(e.message).toContain(message);
  });

  it('refuses more rows than one import may hold', () => {
    const text = ['name,address,protocol', ...Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `n${i},h${i},ssh`)].join('\n');
    expect(documentError('csv', text).message).toContain(`at most ${MAX_IMPORT_ROWS} targets`);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('JSON', () => {
  const targets = `[
  {"name": "web1", "address": "10.0.0.5", "protocol": "ssh", "tags": {"env": "prod"}},
  {
    "name": "win1",
    "address": "win1.corp.example",
    "protocol": "winrm",
    "winrm": {"transport": "http", "auth": "ntlm"}
  }
]`;

  it.each([
    ['an array', targets, 2],
    ['an object with targets', `{"version": 1,\n "targets": ${targets}}`, 3],
    ['targets as the last of repeated keys', `{"targets": [],\n "targets": ${targets}}`, 3],
  ])('reads %s', (_, text, firstLine) => {
    const rows = rowsOf('json', text);
    expect(rows.map((r) => [r.line, r.errors, r.input])).toEqual([
      [firstLine, [], { name: 'web1', address: '10.0.0.5', port: 22, protocol: 'ssh', ...defaults, tags: { env: 'prod' } }],
      [
        firstLine + 1,
        [],
        { name: 'win1', address: 'win1.corp.example', port: 5985, protocol: 'winrm', winrm: { transport: 'http', auth: 'ntlm', verifyTls: true }, ...defaults },
      ],
    ]);
  });

  it('reports each bad element with the line it starts on', () => {
    const text = `{"targets": [
  {"name": "a", "address": "a.example", "protocol": "ssh"},
  "b.example",
  null, 42, [1],
  {"name": "c", "address": "c.example:22", "protocol": "ssh", "password": "hunter2",
   "tags": {"k": "{[\\"not a bracket\\"]}"}},
  {"name": "a", "address": "a2.example", "protocol": "ssh"},
  {"name": "d", "address": "d.example", "protocol": "ssh", "port": "22", "tags": {"x": 1}}
]}`;
    const rows = rowsOf('json', text);
    expect(rows.map((r) => [r.line, r.input?.name, r.errors])).toEqual([
      [2, 'a', []],
      [3, undefined, [{ message: 'a target must be a JSON object' }]],
      [4, undefined, [{ message: 'a target must be a JSON object' }]],
      [4, undefined, [{ message: 'a target must be a JSON object' }]],
      [4, undefined, [{ message: 'a target must be a JSON object' }]],
      [
        5,
        undefined,
        [
          { field: 'address', message: 'must not include a port; set port instead' },
          { field: 'password', message: 'is not a target field' },
        ],
      ],
      [7, undefined, [{ field: 'name', message: "'a' is already the name of the target on line 2" }]],
      [
        8,
        undefined,
        [
          { field: 'port', message: 'must be a number' },
          { field: 'tags.x', message: 'a tag value must be a string' },
        ],
      ],
    ]);
  });

  it('imports an export again, leaving out what the server assigns', () => {
    const exported = {
      id: 'tgt_01JD0000000000000000000000',
      projectId: 'prj_01JD0000000000000000000000',
      name: 'web1',
      address: '10.0.0.5',
      port: 22,
      protocol: 'ssh',
      tags: {},
      enabled: true,
      description: '',
      hostKey: { fingerprint: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s', acceptedAt: '2026-11-25T10:00:00Z', acceptedBy: 'alice' },
      createdAt: '2026-11-25T10:00:00Z',
      createdBy: 'alice',
      updatedAt: '2026-11-25T10:00:00Z',
      updatedBy: 'alice',
      version: 4,
    };
    const [row] = rowsOf('json', JSON.stringify({ targets: [exported] }));
    expect(row?.input).toEqual({ name: 'web1', address: '10.0.0.5', port: 22, protocol: 'ssh', ...defaults });
    expect(row?.warnings.map((w) => [w.field, w.message.split(':')[0]])).toEqual(
      ['id', 'projectId', 'hostKey', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'version'].map((k) => ['ignored', k]),
    );
  });

  it('reads an empty list as no rows', () => {
    expect(rowsOf('json', '[]')).toEqual([]);
    expect(rowsOf('json', '{"targets": []}')).toEqual([]);
  });

  it.each([
    ['invalid JSON', '[{"name": }]', 'the JSON cannot be read'],
    ['a trailing comma', '[{"name": "a"},]', 'the JSON cannot be read'],
    ['a bare object', '{"name": "a", "address": "a", "protocol": "ssh"}', 'an array of targets or an object with a "targets" array'],
    ['a string', '"targets"', 'an array of targets or an object with a "targets" array'],
    ['targets that are no list', '{"targets": {"name": "a"}}', '"targets" must be an array'],
  ])('refuses %s', (_, text, message) => {
    const e = documentError('json', text);
    expect(e.status).toBe(400);
    expect(e.message).toContain(message);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('Ansible INI', () => {
  // Groups, nested children, vars at three levels, ranges, inline vars, ports in patterns, a host in several
  // groups, WinRM hosts and secrets that must stay out.
  const inventory = `# production inventory
bastion ansible_host=203.0.113.10 ansible_user=jump

[web]
web[01:03].example.com
web-canary.example.com:2222 canary=true # a comment
app1 ansible_host=10.0.0.21 ansible_port=2200 env=staging   # host var beats every group var

[db]
db-[a:b].example.com ansible_ssh_private_key_file=~/.ssh/db.pem ansible_become_pass=s3cret
app1

[prod:children]
web
db

[europe:children]
prod

[prod:vars]
env=prod
owner="Jane Doe"  # quotes and comment go
tier = gold

[europe:vars]
env=eu-wide
region=eu-west-1
ntp_password=do-not-tag

[web:vars]
tier=frontend
ansible_python_interpreter=/usr/bin/python3

[windows]
win[1:2] ansible_connection=winrm ansible_winrm_transport=kerberos,ntlm ansible_winrm_server_cert_validation=ignore
win3 ansible_host=10.0.0.93 ansible_port=5985 ansible_connection=winrm ansible_password='p a s s'
win4 ansible_connection=winrm ansible_winrm_transport=ssl ansible_winrm_scheme=https

[windows:vars]
ansible_user=CORP\\svc-ops
`;

  const rows = rowsOf('ansible-ini', inventory);
  const hosts = byName(rows);

  it('makes one row per host, in the order hosts first appear, with the line they first appear on', () => {
    expect(rows.map((r) => [r.line, r.input?.name, r.errors])).toEqual([
      [2, 'bastion', []],
      [5, 'web01.example.com', []],
      [5, 'web02.example.com', []],
      [5, 'web03.example.com', []],
      [6, 'web-canary.example.com', []],
      [7, 'app1', []],
      [10, 'db-a.example.com', []],
      [10, 'db-b.example.com', []],
      [35, 'win1', []],
      [35, 'win2', []],
      [36, 'win3', []],
      [37, 'win4', []],
    ]);
  });

  it('maps an ungrouped host with its connection variables', () => {
    expect(hosts.get('bastion')?.input).toEqual({ name: 'bastion', address: '203.0.113.10', port: 22, protocol: 'ssh', username: 'jump', ...defaults });
  });

  it('tags every group a host is in, parents included, and merges vars as Ansible does', () => {
    expect(hosts.get('web02.example.com')?.input).toEqual({
      name: 'web02.example.com',
      address: 'web02.example.com',
      port: 22,
      protocol: 'ssh',
      ...defaults,
      tags: {
        'ansible_group.europe': 'true',
        'ansible_group.prod': 'true',
        'ansible_group.web': 'true',
        // prod (a child of europe) beats europe; web (a child of prod) beats prod.
        env: 'prod',
        owner: 'Jane Doe',
        region: 'eu-west-1',
        tier: 'frontend',
      },
    });
  });

  it('unites the groups of a host listed in several, and lets host vars win', () => {
    expect(hosts.get('app1')?.input).toMatchObject({
      address: '10.0.0.21',
      port: 2200,
      tags: {
        'ansible_group.db': 'true',
        'ansible_group.europe': 'true',
        'ansible_group.prod': 'true',
        'ansible_group.web': 'true',
        env: 'staging',
        tier: 'frontend',
      },
    });
  });

  it('takes the port from a host pattern and inline vars as tags', () => {
    expect(hosts.get('web-canary.example.com')?.input).toMatchObject({ address: 'web-canary.example.com', port: 2222, tags: { canary: 'true' } });
  });

  it('maps WinRM hosts: scheme from the port, the first supported transport, certificate validation', () => {
    expect([hosts.get('win1')?.input, hosts.get('win3')?.input, hosts.get('win4')?.input]).toEqual([
      expect.objectContaining({ address: 'win1', port: 5986, protocol: 'winrm', username: 'CORP\\svc-ops', winrm: { transport: 'https', auth: 'ntlm', verifyTls: false } }),
      expect.objectContaining({ address: '10.0.0.93', port: 5985, protocol: 'winrm', winrm: { transport: 'http', auth: 'ntlm', verifyTls: true } }),
      expect.objectContaining({ port: 5986, winrm: { transport: 'https', auth: 'basic', verifyTls: true } }),
    ]);
  });

  it('leaves secrets and unmapped Ansible settings out, with a warning that never shows the value', () => {
    const warnings = (name: string) => hosts.get(name)?.warnings.map((w) => `${w.field ?? ''}|${w.message}`);
    expect(warnings('db-a.example.com')).toEqual([
      'ignored|ntp_password: secrets are not imported; keep them in a credential and set credentialId',
      'ignored|ansible_ssh_private_key_file: secrets are not imported; keep them in a credential and set credentialId',
      'ignored|ansible_become_pass: secrets are not imported; keep them in a credential and set credentialId',
    ]);
    expect(warnings('web01.example.com')).toEqual([
      'ignored|ntp_password: secrets are not imported; keep them in a credential and set credentialId',
      'ignored|ansible_python_interpreter: this Ansible setting is not imported',
    ]);
    expect(warnings('win3')).toEqual(['ignored|ansible_password: secrets are not imported; keep them in a credential and set credentialId']);
    const everything = JSON.stringify(rows);
    for (const secret of ['s3cret', 'p a s s', 'db.pem', 'do-not-tag']) expect(everything).not.toContain(secret);
  });

  it.each<[string, string, string[]]>([
    ['numeric with a step', 'h[1:7:3]', ['h1', 'h4', 'h7']],
    ['zero-padded', 'node[08:10].lab', ['node08.lab', 'node09.lab', 'node10.lab']],
    ['from 0 when the beginning is left out', 'h[:2]', ['h0', 'h1', 'h2']],
    ['letters', 'rack-[x:z]', ['rack-x', 'rack-y', 'rack-z']],
    ['lower to upper case letters', 'h[y:B]', ['hy', 'hz', 'hA', 'hB']],
    ['two ranges', 'r[1:2]-[a:b]', ['r1-a', 'r1-b', 'r2-a', 'r2-b']],
    ['an IPv4 range', '10.0.0.[1:3]', ['10.0.0.1', '10.0.0.2', '10.0.0.3']],
  ])('expands a host range: %s', (_, pattern, names) => {
    expect(rowsOf('ansible-ini', `[g]\n${pattern}`).map((r) => r.input?.name)).toEqual(names);
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['a bracketed IPv6 address with a port', '[2001:db8::5]:2222', { name: '2001:db8::5', address: '2001:db8::5', port: 2222 }],
    ['a bare IPv6 address', '2001:db8::6', { address: '2001:db8::6', port: 22 }],
    ['an IPv4 address with a port', '10.0.0.7:2022', { address: '10.0.0.7', port: 2022 }],
    ['legacy ansible_ssh_ names', 'h ansible_ssh_host=10.0.0.8 ansible_ssh_port=23 ansible_ssh_user=old', { address: '10.0.0.8', port: 23, username: 'old' }],
    ['paramiko as ssh', 'h ansible_connection=paramiko', { protocol: 'ssh' }],
    ['shell quoting in values', `h note="two words" other='it''s' esc=a\\ b`, { tags: { note: 'two words', other: 'its', esc: 'a b' } }],
    ['a Python string literal in a value', `h motto="'03#x'"`, { tags: { motto: '03#x' } }],
    ['an inline # comment', 'h env=prod #role=web', { tags: { env: 'prod' } }],
    ['a WinRM port that implies http', 'h ansible_connection=winrm ansible_port=5985 ansible_winrm_transport=ntlm', { winrm: { transport: 'http', auth: 'ntlm', verifyTls: true } }],
  ])('reads %s', (_, line, expected) => {
    const [row] = rowsOf('ansible-ini', `[g]\n${line}`);
    expect(row?.errors).toEqual([]);
    expect(row?.input).toMatchObject(expected);
  });

  it('reports what cannot become a target on the host row, naming the Ansible variable', () => {
    const text = `[g]
local1 ansible_connection=local
h2 ansible_host=10.0.0.256
h3 ansible_port=ssh
h4 ansible_connection=winrm ansible_winrm_transport=kerberos
h5 ansible_connection=winrm ansible_winrm_scheme=http ansible_winrm_transport=basic
h6 ansible_connection=winrm ansible_winrm_server_cert_validation=maybe
h7 novalue
h8 x="unclosed
bad_name ansible_host=10.0.0.9
h9 ${'long='.padEnd(300, 'x')} 'bad key=1'=x
`;
    const rows = rowsOf('ansible-ini', text);
    expect(rows.map((r) => [r.line, r.errors])).toEqual([
      [2, [{ field: 'protocol', message: "ansible_connection 'local' is not supported; OpsConductor connects over ssh or winrm" }]],
      [3, [{ field: 'address', message: 'is not a valid IPv4 address (four numbers 0–255 without leading zeros) (from ansible_host)' }]],
      [4, [{ field: 'port', message: 'must be a number (from ansible_port)' }]],
      [5, [{ field: 'winrm.auth', message: "ansible_winrm_transport 'kerberos' has no transport OpsConductor supports (basic, ntlm)" }]],
      [
        6,
        [
          {
            field: 'winrm.auth',
            message: "basic authentication over http would send the password in clear; use transport 'https' or auth 'ntlm' (from ansible_winrm_transport)",
          },
        ],
      ],
      [7, [{ field: 'winrm.verifyTls', message: "ansible_winrm_server_cert_validation must be 'validate' or 'ignore', found 'maybe'" }]],
      [8, [{ message: "line 8: expected key=value after the host name, found 'novalue'" }]],
      [9, [{ message: 'line 9: a double quote is not closed' }]],
      // The inventory name is the target name; a name is not an address, so bad_name is fine with ansible_host.
      [10, []],
      [11, []],
    ]);
    expect(rows[9]?.warnings.map((w) => w.message)).toEqual([
      'long: not imported as a tag, the value is longer than 256 characters',
      'bad key: not imported as a tag, the name cannot be a tag key',
    ]);
  });

  it('reports an invalid host name as the address when there is no ansible_host', () => {
    const [row] = rowsOf('ansible-ini', '[g]\nweb_1');
    expect(row?.errors).toEqual([{ field: 'address', message: expect.stringContaining('must be a host name') as unknown }]);
  });

  it('adds the problems of every line a host is on to its row', () => {
    const rows = rowsOf('ansible-ini', '[a]\nh1 x\n[b]\nh1 y\n');
    expect(rows).toEqual([
      {
        line: 2,
        errors: [
          { message: "line 2: expected key=value after the host name, found 'x'" },
          { message: "line 4: expected key=value after the host name, found 'y'" },
        ],
        warnings: [],
      },
    ]);
  });

  it('orders groups of the same depth by name, and lets later host lines win', () => {
    const text = '[b]\nh v=1 w=1\n[a]\nh w=2\n[a:vars]\nx=a\ny=a\n[b:vars]\nx=b\n[c]\nh\n[c:vars]\ny=c\n';
    expect(rowsOf('ansible-ini', text)[0]?.input?.tags).toEqual({
      'ansible_group.a': 'true',
      'ansible_group.b': 'true',
      'ansible_group.c': 'true',
      x: 'b',
      y: 'c',
      v: '1',
      w: '2',
    });
  });

  it('applies all:vars below every group, and accepts [all] and declarations after use', () => {
    const text = '[all:vars]\nenv=dev\nsite=hq\n[all]\nh1\n[p:children]\nq\n[q]\nh2\n[p:vars]\nenv=prod\n';
    expect(rowsOf('ansible-ini', text).map((r) => r.input?.tags)).toEqual([
      { env: 'dev', site: 'hq' },
      { 'ansible_group.p': 'true', 'ansible_group.q': 'true', env: 'prod', site: 'hq' },
    ]);
  });

  it('reads an empty inventory as no rows', () => {
    expect(rowsOf('ansible-ini', '# nothing here\n\n[empty]\n[empty:vars]\nx=1\n')).toEqual([]);
  });

  it.each<[string, string, string]>([
    ['an unknown section type', '[web:host]\nh', 'line 1: the section [web:host] has an unknown type'],
    ['a section with a space', '[web servers]\nh', "line 1: '[web servers]' is not a valid section"],
    ['vars for a group never declared', '[g]\nh\n[ghost:vars]\nx=1', "line 3: [ghost:vars] is for a group 'ghost', which is never declared"],
    ['a child group never declared', '[p:children]\nghost', "line 2: [p:children] includes the group 'ghost', which is never declared"],
    ['a vars line without =', '[g]\nh\n[g:vars]\njust text', 'line 4: expected key=value in [g:vars]'],
    ['a children line with spaces', '[g]\nh\n[p:children]\ng h', 'line 4: expected a group name in [p:children]'],
    ['a cycle of groups', '[a:children]\nb\n[b:children]\nc\n[c:children]\na\n', 'the groups form a cycle'],
    ['a group that contains itself', '[a:children]\na\n', 'the groups form a cycle (a → a)'],
    ['a host range with a bad step', '[g]\nh[1:5:0]', 'line 2: the step of the host range [1:5:0] must be a positive whole number'],
    ['a host range that ends before it begins', '[g]\nh[5:1]', 'line 2: the host range [5:1] must not end before it begins'],
    ['a host range of mixed widths', '[g]\nh[01:100]', 'line 2: the zero-padded host range [01:100] needs a beginning and end of the same width'],
    ['a host range of words', '[g]\nh[aa:zz]', 'must be numbers ([01:10]) or single letters ([a:f])'],
    ['an unclosed host range', '[g]\nh[1:3', "line 2: the host range in 'h[1:3' is not closed"],
    ['a host pattern ending in :', '[g]\nh:', "line 2: 'h:' ends in ':' without a port"],
    ['a YAML inventory', '# hosts\nall:\n  hosts:\n    h1:\n', 'line 2: this looks like a YAML inventory'],
    ['a YAML document marker', '---\nall:\n', 'this looks like a YAML inventory'],
    ['a range of too many hosts', '[g]\nh[0:99999999]', `line 2: 'h[0:99999999]' stands for more than ${MAX_IMPORT_ROWS} hosts`],
    ['ranges that multiply beyond the limit', '[g]\nh[0:999][0:99]', 'stands for more than'],
    ['too many hosts in all', `[g]\na[1:${MAX_IMPORT_ROWS}]\nb`, `at most ${MAX_IMPORT_ROWS} targets`],
  ])('refuses %s', (_, text, message) => {
    const e = documentError('ansible-ini', text);
    expect(e.status).toBe(400);
    expect(e.message).toContain(message);
  });
});
