import {
  commandMessage,
  createShellMessage,
  deleteShellMessage,
  duration,
  receiveMessage,
  sendMessage,
  signalMessage,
  type EnvelopeOptions,
} from '../../../../runner/winrm/messages';
import { encodePowerShell } from '../../../../runner/winrm/powershell';
import { parseXml } from '../../../../runner/winrm/responses';
import { listWinrmVectors, readWinrmVectorText, semanticXml } from '../../../support/winrm-vectors';

/**
 * The request builders against every recorded request, compared by meaning (test/support/winrm-vectors.ts
 * says what counts as the same). Ids differ per run and are stripped; everything else must match.
 */

const ID = 'IGNORED';
const pywinrm: EnvelopeOptions = { to: 'http://windows-host:5985/wsman', maxEnvelopeSize: 153600, operationTimeoutSeconds: 20, locale: 'en-US' };
const masterzen: EnvelopeOptions = { ...pywinrm, to: 'http://localhost:5985/wsman', operationTimeoutSeconds: 60 };
const pypsrp = (to: string, operationTimeoutSeconds = 20): EnvelopeOptions => ({ to, maxEnvelopeSize: 153600, operationTimeoutSeconds, locale: 'en-US', sessionId: 'S' });
const cmdOpts = { consoleModeStdin: true, skipCmdShell: false };

const scenarios: Record<string, { env: EnvelopeOptions; create?: Parameters<typeof createShellMessage>[1]; command: [string, string[], boolean?] }> = {
  'bad-cmd-id': { env: pypsrp('http://192.168.56.15:5985/wsman'), command: ['cmd.exe', ['/c', 'echo', 'hi']] },
  environment: {
    env: pypsrp('http://192.168.56.15:5985/wsman'),
    create: {
      environment: [
        ['env1', 'var1'],
        ['1234', '5678'],
        ['_-(){}[]<>*+-/\\?"!@#$^&|;:i,.`~0', '_-(){}[]<>*+-/\\?"!@#$^&|;:i,.`~0'],
      ],
    },
    command: ['cmd.exe', ['/c', 'set']],
  },
  'extra-opts': {
    env: pypsrp('http://192.168.56.15:5985/wsman'),
    create: { idleTimeoutSeconds: 60, lifetimeSeconds: 60, name: 'shell 1', workingDirectory: 'C:\\Windows' },
    command: ['powershell.exe', ['(pwd).Path']],
  },
  'fail-poll-process': { env: pypsrp('https://127.0.0.1:55986/wsman'), command: ['unused', []] },
  'no-cmd-shell': { env: pypsrp('https://server2008r2.domain.local:5986/wsman'), command: ['powershell.exe', ['Write-Host', 'hi'], true] },
  noprofile: { env: pypsrp('http://192.168.56.15:5985/wsman'), create: { noProfile: true }, command: ['cmd.exe', ['/c', 'set']] },
  'operation-timeout': {
    env: pypsrp('http://192.168.56.11:5985/wsman', 10),
    command: ['powershell.exe', ['Write-Host hi; Start-Sleep 30; Write-Host hi again']],
  },
  send: { env: pypsrp('http://192.168.56.11:5985/wsman'), command: ['powershell.exe', ['-']] },
  standard: { env: pypsrp('http://192.168.56.11:5985/wsman'), command: ['cmd.exe', ['/c', 'echo', 'hi']] },
  'stderr-rc': { env: pypsrp('http://192.168.56.11:5985/wsman'), command: ['cmd.exe', ['/c echo out && echo err>&2 && exit 1']] },
  unicode: { env: pypsrp('http://192.168.56.15:5985/wsman'), create: { codepage: 65001 }, command: ['powershell.exe', ['Write-Host こんにちは']] },
};

const built: Record<string, () => string> = {
  'pywinrm/01-create-shell.request.xml': () => createShellMessage(pywinrm, { noProfile: false, codepage: 437 }),
  'pywinrm/02-command-hostname-noargs.request.xml': () => commandMessage(pywinrm, ID, 'hostname', [], cmdOpts),
  'pywinrm/02-command-ipconfig-all.request.xml': () => commandMessage(pywinrm, ID, 'ipconfig', ['/all'], cmdOpts),
  'pywinrm/03-receive.request.xml': () => receiveMessage(pywinrm, ID, ID),
  'pywinrm/04-signal-terminate.request.xml': () => signalMessage(pywinrm, ID, ID, 'terminate'),
  'pywinrm/05-delete-shell.request.xml': () => deleteShellMessage(pywinrm, ID),
  // The encoder, checked against pywinrm's own encoding of this script.
  'pywinrm/10-ps-command-encodedcommand.request.xml': () =>
    commandMessage(pywinrm, ID, `powershell -encodedcommand ${encodePowerShell('Write-Error "Error"')}`, [], cmdOpts),
  'pywinrm/11-ps-receive.request.xml': () => receiveMessage(pywinrm, ID, ID),
  'pywinrm/12-ps-signal-terminate.request.xml': () => signalMessage(pywinrm, ID, ID, 'terminate'),
  'pywinrm/20-stdin-command-cmd.request.xml': () => commandMessage(pywinrm, ID, 'cmd', [], cmdOpts),
  'pywinrm/21-stdin-send.request.xml': () => sendMessage(pywinrm, ID, ID, Buffer.from('echo "hello world" && exit\r\n'), false),
  'pywinrm/22-stdin-receive.request.xml': () => receiveMessage(pywinrm, ID, ID),
  'pywinrm/23-stdin-signal-terminate.request.xml': () => signalMessage(pywinrm, ID, ID, 'terminate'),
  'masterzen-winrm/01-create-shell-sample.request.xml': () => createShellMessage(masterzen, { noProfile: false, codepage: 65001 }),
  'masterzen-winrm/01-create-shell-soap-builder-expected.request.xml': () =>
    createShellMessage({ ...masterzen, to: 'http://winrm:5985/wsman', locale: 'en_US' }, { noProfile: false, codepage: 65001 }),
  'masterzen-winrm/02-command-powershell-encodedcommand-sample.request.xml': () => commandMessage(masterzen, ID, '"powershell.exe -EncodedCommand ZGly"', [], cmdOpts),
  'masterzen-winrm/03-receive-sample.request.xml': () => receiveMessage(masterzen, ID, ID),
  'masterzen-winrm/04-signal-terminate-sample.request.xml': () => signalMessage({ ...masterzen, operationTimeoutSeconds: 300 }, ID, ID, 'terminate'),
  'masterzen-winrm/05-delete-shell-sample.request.xml': () => deleteShellMessage(masterzen, ID),
};

const sendPayloads: Record<string, [string, boolean]> = {
  'pypsrp-winrs/send/03-send.request.xml': ['Write-Host "output 1";', false],
  'pypsrp-winrs/send/04-send.request.xml': ['Write-Host "output 2";', true],
};

for (const [name, sc] of Object.entries(scenarios)) {
  for (const file of listWinrmVectors('.request.xml').filter((f) => f.startsWith(`pypsrp-winrs/${name}/`))) {
    const op = /\d\d-([a-z_-]+)\.request\.xml$/.exec(file)?.[1];
    const [command, args, skip] = sc.command;
    if (op === 'create-shell') built[file] = () => createShellMessage(sc.env, sc.create);
    else if (op === 'command') built[file] = () => commandMessage(sc.env, ID, command, args, { skipCmdShell: skip ?? false });
    else if (op === 'receive') built[file] = () => receiveMessage(sc.env, ID, name === 'fail-poll-process' ? undefined : ID, { keepAlive: true });
    else if (op === 'signal-ctrl_c') built[file] = () => signalMessage(sc.env, ID, ID, 'ctrl_c');
    else if (op === 'delete-shell') built[file] = () => deleteShellMessage(sc.env, ID);
    else if (op === 'send') {
      const payload = sendPayloads[file];
      if (payload !== undefined) built[file] = () => sendMessage(sc.env, ID, ID, Buffer.from(payload[0]), payload[1]);
    }
  }
}
// no-cmd-shell's second Command names PowerShell by its full path.
built['pypsrp-winrs/no-cmd-shell/03-command.request.xml'] = () =>
  commandMessage(scenarios['no-cmd-shell']?.env ?? pywinrm, ID, 'C:\\Windows\\system32\\WindowsPowerShell\\v1.0\\powershell.exe', ['Write-Host', 'hi'], { skipCmdShell: true });

describe('WinRM request builders against every recorded request', () => {
  it('builds every request file', () => {
    expect(listWinrmVectors('.request.xml').filter((f) => !(f in built))).toEqual([]);
  });

  it.each(Object.entries(built))('%s', (file, build) => {
    expect(semanticXml(build())).toEqual(semanticXml(readWinrmVectorText(file)));
  });

  it('notices a difference that matters', () => {
    const recorded = semanticXml(readWinrmVectorText('pypsrp-winrs/standard/02-command.request.xml'));
    const env = scenarios.standard?.env ?? pywinrm;
    expect(semanticXml(commandMessage(env, ID, 'cmd.exe', ['/c', 'echo', 'ho'], { skipCmdShell: false }))).not.toEqual(recorded);
    expect(semanticXml(commandMessage(env, ID, 'cmd.exe', ['/c', 'echo', 'hi'], { skipCmdShell: true }))).not.toEqual(recorded);
    expect(semanticXml(commandMessage({ ...env, maxEnvelopeSize: 512000 }, ID, 'cmd.exe', ['/c', 'echo', 'hi'], { skipCmdShell: false }))).not.toEqual(recorded);
  });
});

describe('WinRM request details', () => {
  const env: EnvelopeOptions = { ...pywinrm, messageId: 'M-1', sessionId: 'S-1' };

  it('puts uuid: on MessageID and SessionId, and the ids where they belong', () => {
    const doc = parseXml(signalMessage(env, 'SHELL-1', 'CMD-1', 'ctrl_c'));
    expect(doc.getElementsByTagNameNS('http://schemas.xmlsoap.org/ws/2004/08/addressing', 'MessageID')[0]?.textContent).toBe('uuid:M-1');
    expect(doc.getElementsByTagNameNS('http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd', 'SessionId')[0]?.textContent).toBe('uuid:S-1');
    expect(doc.getElementsByTagNameNS('http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd', 'Selector')[0]?.textContent).toBe('SHELL-1');
    expect(doc.getElementsByTagNameNS('http://schemas.microsoft.com/wbem/wsman/1/windows/shell', 'Signal')[0]?.getAttribute('CommandId')).toBe('CMD-1');
  });

  it('gives each message a fresh MessageID unless one is pinned', () => {
    const id = (xml: string): string | null | undefined => parseXml(xml).getElementsByTagNameNS('http://schemas.xmlsoap.org/ws/2004/08/addressing', 'MessageID')[0]?.textContent;
    expect(id(deleteShellMessage(pywinrm, 'S'))).toMatch(/^uuid:[0-9A-F-]{36}$/);
    expect(id(deleteShellMessage(pywinrm, 'S'))).not.toBe(id(deleteShellMessage(pywinrm, 'S')));
  });

  it('escapes markup in every value so that it round-trips', () => {
    const nasty = `a<b>&"c'\r\nd\te ]]> </rsp:Command>`;
    const doc = parseXml(commandMessage(env, nasty, nasty, [nasty], {}));
    const shell = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell';
    expect(doc.getElementsByTagNameNS(shell, 'Command')[0]?.textContent).toBe(nasty);
    expect(doc.getElementsByTagNameNS(shell, 'Arguments')[0]?.textContent).toBe(nasty);
    const created = parseXml(createShellMessage(env, { environment: [[nasty, nasty]] }));
    const variable = created.getElementsByTagNameNS(shell, 'Variable')[0];
    expect(variable?.getAttribute('Name')).toBe(nasty);
    expect(variable?.textContent).toBe(nasty);
  });

  it('refuses characters XML cannot carry', () => {
    expect(() => commandMessage(env, 'S', 'echo \u0007', [], {})).toThrow(RangeError);
  });

  it('writes durations as xs:duration seconds', () => {
    expect(duration(20)).toBe('PT20S');
    expect(duration(0.5)).toBe('PT0.5S');
    expect(() => duration(-1)).toThrow(RangeError);
  });
});
