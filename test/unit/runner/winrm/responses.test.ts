import { NS } from '../../../../runner/winrm/namespaces';
import { bodyOf, childElements, parseCommandId, parseReceive, parseResponse, parseShellId, WinRmFault } from '../../../../runner/winrm/responses';
import { ConnectionError } from '../../../../runner/connection-error';
import { decodeClixmlStderr } from '../../../../runner/winrm/powershell';
import { listWinrmVectors, readWinrmVectorText } from '../../../support/winrm-vectors';

/**
 * Every recorded response, parsed with the values the vectors' README states for it. The table must
 * name every `*.response.xml` file, so a vector added later cannot go unchecked.
 */

type Receive = {
  kind: 'receive';
  stdout?: string | Buffer | ((s: string) => void);
  stderr?: string | ((s: string) => void);
  state: 'running' | 'done';
  exitCode?: number;
};
type Expectation =
  | { kind: 'create'; shellId: string }
  | { kind: 'command'; commandId: string }
  | Receive
  | { kind: 'fault'; code: string | undefined; subcode?: string; wsmanCode?: number; machine?: string; timedOut?: boolean; check?: (f: WinRmFault) => void }
  | { kind: 'empty'; element: 'SignalResponse' | 'SendResponse' | null };

const signal = { kind: 'empty', element: 'SignalResponse' } as const;
const send = { kind: 'empty', element: 'SendResponse' } as const;
const deleted = { kind: 'empty', element: null } as const;
const timedOut = (machine: string): Expectation => ({ kind: 'fault', code: 'Receiver', subcode: 'TimedOut', wsmanCode: 2150858793, machine, timedOut: true });
const shell = (shellId: string): Expectation => ({ kind: 'create', shellId });
const command = (commandId: string): Expectation => ({ kind: 'command', commandId });

const expected: Record<string, Expectation> = {
  'masterzen-winrm/01-create-shell-with-shell-info.response.xml': shell('67A74734-DD32-4F10-89DE-49A060483810'),
  'masterzen-winrm/02-command-fault-filename-too-long-2147942606.response.xml': {
    kind: 'fault',
    code: 'Receiver',
    subcode: 'InternalError',
    wsmanCode: 2147942606,
    machine: '52.12.219.136',
    check: (f) => {
      expect(f.providerFault).toEqual({ provider: 'Shell cmd plugin', path: '%systemroot%\\system32\\winrscmd.dll', message: 'The filename or extension is too long.' });
    },
  },
  'masterzen-winrm/02-command.response.xml': command('1A6DEE6B-EC68-4DD6-87E9-030C0048ECC4'),
  'masterzen-winrm/03-receive-done-exit0.response.xml': { kind: 'receive', state: 'done', exitCode: 0, stdout: '', stderr: '' },
  'masterzen-winrm/03-receive-done-exit123.response.xml': { kind: 'receive', state: 'done', exitCode: 123, stdout: '', stderr: '' },
  'masterzen-winrm/03-receive-fault-timedout-2150858793.response.xml': timedOut('127.0.0.1'),
  'masterzen-winrm/03-receive-running-stdout-only.response.xml': { kind: 'receive', state: 'running', stdout: "That's all folks!!!", stderr: '' },
  'masterzen-winrm/03-receive-running-stdout-stderr.response.xml': { kind: 'receive', state: 'running', stdout: "That's all folks!!!", stderr: "This is stderr, I'm pretty sure!" },
  'pypsrp-faults/90-fault-mustunderstand-notunderstood-header.response.xml': {
    kind: 'fault',
    code: 'MustUnderstand',
    check: (f) => {
      expect(f.subcode).toBeUndefined();
      expect(f.wsmanCode).toBeUndefined();
      expect(f.reason).toMatch(/^The WS-Management service cannot process a SOAP header in the request that is marked as mustUnderstand/);
    },
  },
  'pypsrp-faults/91-fault-invalidparameter-87-providerfault.response.xml': {
    kind: 'fault',
    code: 'Sender',
    subcode: 'InvalidParameter',
    wsmanCode: 87,
    machine: 'SERVER2016.domain.local',
    check: (f) => {
      expect(f.providerFault).toEqual({ provider: 'Shell cmd plugin', path: '%systemroot%\\system32\\winrscmd.dll', message: 'The parameter is incorrect.' });
      expect(f.faultDetail).toBe('http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidValue');
    },
  },
  'pypsrp-faults/92-fault-schemavalidationerror-2150858817.response.xml': {
    kind: 'fault',
    code: 'Sender',
    subcode: 'SchemaValidationError',
    wsmanCode: 2150858817,
    machine: 'SERVER2008.domain.local',
    check: (f) => {
      expect(f.wsmanMessage).toContain('The SOAP packet contains an element Argument that is invalid.');
      expect(f.providerFault).toBeUndefined();
    },
  },
  'pypsrp-faults/93-fault-no-reason-unknown-code.response.xml': {
    kind: 'fault',
    code: 'Unknown',
    check: (f) => {
      expect(f.reason).toBeUndefined();
      expect(f.message).toBe('WinRM fault Unknown: no reason given');
    },
  },
  'pywinrm/01-create-shell.response.xml': shell('11111111-1111-1111-1111-111111111113'),
  'pywinrm/02-command.response.xml': command('11111111-1111-1111-1111-111111111114'),
  'pywinrm/03-receive-ipconfig-done-exit0.response.xml': {
    kind: 'receive',
    state: 'done',
    exitCode: 0,
    stderr: '',
    stdout: (s) => {
      expect(Buffer.byteLength(s)).toBe(3416);
      expect(s.startsWith('\r\nWindows IP Configuration\r\n\r\n   Host Name . . . . . . . . . . . . : WINDOWS-HOST')).toBe(true);
    },
  },
  'pywinrm/04-signal-terminate.response.xml': signal,
  'pywinrm/05-delete-shell.response.xml': deleted,
  'pywinrm/10-ps-command.response.xml': command('11111111-1111-1111-1111-111111111124'),
  'pywinrm/11-ps-receive-stderr-clixml-done-exit1.response.xml': {
    kind: 'receive',
    state: 'done',
    exitCode: 1,
    stdout: '',
    stderr: (s) => {
      expect(Buffer.byteLength(s)).toBe(481);
      expect(s.startsWith('#< CLIXML\r\n<Objs Version="1.1.0.1"')).toBe(true);
      expect(decodeClixmlStderr(s)).toBe(
        'Write-Error "Error" : Error\r\n' +
          '    + CategoryInfo          : NotSpecified: (:) [Write-Error], WriteErrorExcep \r\n' +
          '   tion\r\n' +
          '    + FullyQualifiedErrorId : Microsoft.PowerShell.Commands.WriteErrorExceptio \r\n' +
          '   n\r\n' +
          ' \r\n',
      );
    },
  },
  'pywinrm/20-stdin-command-cmd.response.xml': command('11111111-1111-1111-1111-111111111111'),
  'pywinrm/21-stdin-send.response.xml': send,
  'pywinrm/22-stdin-receive-multi-stream-done-exit0.response.xml': {
    kind: 'receive',
    state: 'done',
    exitCode: 0,
    stderr: '',
    stdout:
      'Microsoft Windows [Version 10.0.17763.107]\r\n(c) 2018 Microsoft Corporation. All rights reserved.\r\n\r\nC:\\Users\\rweber>echo hello world && exit\r\nhello world \r\n',
  },
  'pywinrm/23-stdin-signal-terminate.response.xml': signal,
  'pywinrm/90-fault-timedout-2150858793.response.xml': timedOut('server2022.domain.test'),
  'pywinrm/91-fault-wmierror-internalerror-0x803381a6.response.xml': {
    kind: 'fault',
    code: 'Receiver',
    subcode: 'InternalError',
    check: (f) => {
      expect(f.wmiErrorCode).toBe(0x803381a6);
      expect(f.wsmanCode).toBeUndefined();
      expect(f.wsmanMessage).toBe('WMI Message.');
      expect(f.message).toContain('0x803381A6');
    },
  },
  'pypsrp-winrs/bad-cmd-id/03-receive.fault.response.xml': {
    kind: 'fault',
    code: 'Sender',
    subcode: 'InvalidSelectors',
    wsmanCode: 2150858843,
    machine: '192.168.56.15',
    check: (f) => {
      expect(f.faultDetail).toBe('http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors');
      expect(f.wsmanMessage).toContain('a command identifier that does not exist');
    },
  },
  'pypsrp-winrs/environment/03-receive.response.xml': {
    kind: 'receive',
    state: 'done',
    exitCode: 0,
    stderr: '',
    stdout: (s) => {
      expect(s).toContain('env1=var1\r\n');
      expect(s).toContain('1234=5678\r\n');
      expect(s).toContain('_-(){}[]<>*+-/\\?"!@#$^&|;:i,.`~0=_-(){}[]<>*+-/\\?"!@#$^&|;:i,.`~0\r\n');
    },
  },
  'pypsrp-winrs/extra-opts/03-receive.response.xml': { kind: 'receive', state: 'done', exitCode: 0, stdout: 'C:\\Windows\r\n', stderr: '' },
  'pypsrp-winrs/fail-poll-process/02-receive.fault.response.xml': {
    kind: 'fault',
    code: 'Sender',
    subcode: 'InvalidParameter',
    wsmanCode: 87,
    machine: '127.0.0.1',
    check: (f) => {
      expect(f.providerFault?.message).toBe('The parameter is incorrect.');
    },
  },
  'pypsrp-winrs/no-cmd-shell/02-command.fault.response.xml': {
    kind: 'fault',
    code: 'Receiver',
    subcode: 'InternalError',
    wsmanCode: 2147942402,
    machine: 'server2008r2.domain.local',
    check: (f) => {
      expect(f.providerFault?.message).toBe('The system cannot find the file specified.');
    },
  },
  'pypsrp-winrs/no-cmd-shell/03-command.response.xml': command('F1363DFB-B5F9-4FDF-AC84-F67D2A886704'),
  'pypsrp-winrs/no-cmd-shell/04-receive.response.xml': { kind: 'receive', state: 'done', exitCode: 0, stdout: 'hi\n', stderr: '' },
  'pypsrp-winrs/noprofile/03-receive.response.xml': {
    kind: 'receive',
    state: 'done',
    exitCode: 0,
    stderr: '',
    stdout: (s) => {
      expect(s).toContain('USERPROFILE=C:\\Users\\Default\r\n');
    },
  },
  'pypsrp-winrs/operation-timeout/03-receive.response.xml': { kind: 'receive', state: 'running', stdout: 'hi\n' },
  'pypsrp-winrs/operation-timeout/04-receive.fault.response.xml': timedOut('192.168.56.11'),
  'pypsrp-winrs/operation-timeout/05-receive.fault.response.xml': timedOut('192.168.56.11'),
  'pypsrp-winrs/operation-timeout/06-receive.response.xml': { kind: 'receive', state: 'done', exitCode: 0, stdout: 'hi again\n', stderr: '' },
  'pypsrp-winrs/send/05-receive.response.xml': { kind: 'receive', state: 'done', exitCode: 0, stdout: 'output 1\noutput 2\n', stderr: '' },
  'pypsrp-winrs/standard/03-receive.response.xml': { kind: 'receive', state: 'done', exitCode: 0, stdout: 'hi\r\n', stderr: '' },
  'pypsrp-winrs/stderr-rc/03-receive.response.xml': { kind: 'receive', state: 'done', exitCode: 1, stdout: 'out \r\n', stderr: 'err \r\n' },
  'pypsrp-winrs/unicode/03-receive.response.xml': {
    kind: 'receive',
    state: 'done',
    exitCode: 0,
    stderr: '',
    stdout: Buffer.from('e38193e38293e381abe381a1e381af0a', 'hex'),
  },
};

// The recorded sessions' remaining messages, with ids from their own files.
const sessionIds: Record<string, { shellId: string; commandId: string | undefined }> = {
  'bad-cmd-id': { shellId: 'CCF84E0D-D0B5-4CFB-95B5-BCF3BFE15F36', commandId: '644983A8-4292-4922-97E9-D569C2170784' },
  environment: { shellId: '58B89A37-84F9-4874-8999-AA7578B34ABE', commandId: '5879C5BD-FCDB-4F87-9FCF-D1B8870B661C' },
  'extra-opts': { shellId: 'CBA3E536-A3A2-4B88-9ED3-4919930E15C2', commandId: '9132F099-E87C-4B08-98C0-0706D2426E6B' },
  'fail-poll-process': { shellId: '8ABEA8D2-0438-4D75-A594-55DCA786B4E1', commandId: undefined },
  'no-cmd-shell': { shellId: 'F15E6BF4-8A64-41F7-BDDE-13F83D9D22DD', commandId: undefined },
  noprofile: { shellId: '7A271A26-8366-47DD-8B8C-807E1D1C614F', commandId: 'FF1FEC9F-9093-4DFF-9EC5-D487B67FDB9A' },
  'operation-timeout': { shellId: '849551A1-CEC2-4ABD-8B62-652AD1053E9B', commandId: 'D644AE56-61E5-4C1A-A135-E599B76B3035' },
  send: { shellId: '0D6FCA9D-2D40-44C3-B691-E665BE7AA687', commandId: 'B0973E54-434E-4D99-B4BE-ADE584CE3BFB' },
  standard: { shellId: '4283CBDC-3706-415B-88BD-B385F3E51A53', commandId: 'CF84C20A-0A35-43FA-AF78-0B4711DA5F30' },
  'stderr-rc': { shellId: '44AF9A2C-624E-4975-AB20-CEB406E440B9', commandId: 'D37A8327-79AD-452F-BE0D-4B99A96B4A0B' },
  unicode: { shellId: '3C225977-02C6-42E5-9D66-5BBDAB4859B1', commandId: '1B922CC0-CE49-4A7E-AC46-B01C472B49A9' },
};
for (const [scenario, ids] of Object.entries(sessionIds)) {
  for (const file of listWinrmVectors('.response.xml').filter((f) => f.startsWith(`pypsrp-winrs/${scenario}/`))) {
    if (file in expected) continue;
    const op = /\d\d-([a-z_-]+?)(?:\.fault)?\.response\.xml$/.exec(file)?.[1];
    if (op === 'create-shell') expected[file] = shell(ids.shellId);
    else if (op === 'command' && ids.commandId !== undefined) expected[file] = command(ids.commandId);
    else if (op === 'signal-ctrl_c') expected[file] = signal;
    else if (op === 'send') expected[file] = send;
    else if (op === 'delete-shell') expected[file] = deleted;
  }
}

const text = (b: Buffer | undefined): string => (b ?? Buffer.alloc(0)).toString('utf8');

describe('WinRM responses: every recorded vector', () => {
  it('has an expectation for every response file', () => {
    expect(listWinrmVectors('.response.xml').filter((f) => !(f in expected))).toEqual([]);
  });

  it.each(Object.entries(expected))('%s', (file, exp) => {
    const xml = readWinrmVectorText(file);
    const httpStatus = file.includes('fault') ? 500 : 200;
    if (exp.kind === 'fault') {
      let thrown: unknown;
      try {
        parseResponse(xml, httpStatus);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(WinRmFault);
      const f = thrown as WinRmFault;
      expect(f.code).toBe(exp.code);
      expect(f.subcode?.local).toBe(exp.subcode);
      if (exp.subcode !== undefined) expect(f.subcode?.namespace).toBe(NS.wsman);
      expect(f.wsmanCode).toBe(exp.wsmanCode);
      if (exp.machine !== undefined) expect(f.machine).toBe(exp.machine);
      expect(f.isTimedOut).toBe(exp.timedOut === true);
      expect(f.httpStatus).toBe(500);
      exp.check?.(f);
      return;
    }
    const doc = parseResponse(xml, httpStatus);
    switch (exp.kind) {
      case 'create':
        expect(parseShellId(doc)).toBe(exp.shellId);
        break;
      case 'command':
        expect(parseCommandId(doc)).toBe(exp.commandId);
        break;
      case 'empty': {
        const kids = childElements(bodyOf(doc));
        if (exp.element === null) expect(kids).toEqual([]);
        else expect(kids.map((k) => `${k.namespaceURI ?? ''}|${k.localName ?? ''}`)).toEqual([`${NS.shell}|${exp.element}`]);
        break;
      }
      case 'receive': {
        const r = parseReceive(doc);
        expect(r.state).toBe(exp.state);
        expect(r.exitCode).toBe(exp.exitCode);
        const out = r.streams.get('stdout');
        if (exp.stdout instanceof Buffer) expect(out).toEqual(exp.stdout);
        else if (typeof exp.stdout === 'function') exp.stdout(text(out));
        else if (exp.stdout !== undefined) expect(text(out)).toBe(exp.stdout);
        if (typeof exp.stderr === 'function') exp.stderr(text(r.streams.get('stderr')));
        else if (exp.stderr !== undefined) expect(text(r.streams.get('stderr'))).toBe(exp.stderr);
        if (exp.state === 'done') expect([...r.ended].sort()).toEqual(exp.stdout === '' && exp.stderr === '' && !r.streams.has('stdout') ? [] : ['stderr', 'stdout']);
        break;
      }
    }
  });
});

const receiveEnvelope = (streams: string): string =>
  `<S:Envelope xmlns:S="${NS.soap}" xmlns:x="${NS.shell}"><S:Body><x:ReceiveResponse>${streams}</x:ReceiveResponse></S:Body></S:Envelope>`;

describe('WinRM responses: what the vectors describe but do not all show', () => {
  it('decodes each stream element on its own, whitespace in base64 allowed, End in any case, on a data element too', () => {
    const doc = parseResponse(
      receiveEnvelope(
        '<x:Stream Name="stdout" CommandId="A">aGk=</x:Stream>' +
          '<x:Stream Name="stderr" CommandId="A">ZX\n  Jy</x:Stream>' +
          '<x:Stream Name="stdout" CommandId="A" End="TRUE">Cg==</x:Stream>' +
          '<x:Stream Name="stderr" CommandId="A" End="False"></x:Stream>' +
          `<x:CommandState CommandId="A" State="${NS.shell}/CommandState/Running"/>`,
      ),
    );
    const r = parseReceive(doc, 'a');
    expect(text(r.streams.get('stdout'))).toBe('hi\n');
    expect(text(r.streams.get('stderr'))).toBe('err');
    expect([...r.ended]).toEqual(['stdout']);
    expect(r.state).toBe('running');
    expect(r.exitCode).toBeUndefined();
  });

  it('ignores streams of another command', () => {
    const r = parseReceive(parseResponse(receiveEnvelope('<x:Stream Name="stdout" CommandId="B">aGk=</x:Stream>')), 'A');
    expect(r.streams.size).toBe(0);
  });

  it('keeps a uuid: ShellId as the server wrote it and trims padding', () => {
    const create = (id: string): string =>
      `<s:Envelope xmlns:s="${NS.soap}" xmlns:w="${NS.wsman}"><s:Body><x:ResourceCreated xmlns:x="http://schemas.xmlsoap.org/ws/2004/09/transfer"><w:SelectorSet><w:Selector Name="ShellId">${id}</w:Selector></w:SelectorSet></x:ResourceCreated></s:Body></s:Envelope>`;
    expect(parseShellId(parseResponse(create('uuid:ABC-1')))).toBe('uuid:ABC-1');
    expect(parseShellId(parseResponse(create('\n   ABC-2   \n')))).toBe('ABC-2');
  });

  it('answers non-XML, a non-SOAP document and bad base64 with PROTOCOL errors', () => {
    const category = (f: () => unknown): string | undefined => {
      try {
        f();
      } catch (e) {
        return e instanceof ConnectionError ? e.category : 'other';
      }
      return undefined;
    };
    expect(category(() => parseResponse('<html><body>IIS'))).toBe('PROTOCOL');
    expect(category(() => parseResponse('<html/>'))).toBe('PROTOCOL');
    expect(category(() => parseReceive(parseResponse(receiveEnvelope('<x:Stream Name="stdout">not base64!</x:Stream>'))))).toBe('PROTOCOL');
    expect(category(() => parseCommandId(parseResponse(receiveEnvelope(''))))).toBe('PROTOCOL');
  });
});
