import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { chownSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Document, Element } from '@xmldom/xmldom';
import { ACTION, COMMAND_STATE, NS, RESOURCE_URI_CMD, SIGNAL, WSMAN_TIMED_OUT_CODE } from '../../runner/winrm/namespaces';
import { escapeText } from '../../runner/winrm/messages';
import { decryptBody, encryptBody, isEncryptedContentType } from '../../runner/winrm/encryption';
import { NtlmServer, tlsServerEndPoint } from '../../runner/winrm/ntlm';
import { decodePowerShell, STDIN_SCRIPT_BOOTSTRAP } from '../../runner/winrm/powershell';
import { child, childElements, descendants, parseXml } from '../../runner/winrm/responses';
import { isRoot, TEST_USER } from './sshd';

/**
 * A local WinRM (WS-Management remote shell) server for tests, on 127.0.0.1 over HTTP or HTTPS
 * (a CA and server certificate made with the `openssl` CLI in a temporary folder), speaking the
 * protocol as the recorded Windows exchanges in test/vectors/winrm do: Create, Command, Send,
 * Receive, Signal, Delete, with faults shaped like Windows' own.
 *
 * It is an emulation, not Windows:
 * - A command line (`rsp:Command` and its `rsp:Arguments`, joined by spaces) runs with `/bin/sh -c`,
 *   after dropping a leading `cmd /c` (cmd.exe's own way of running a line). As root, commands run
 *   as the unprivileged `opsc-test` user, as the sshd tests do, so no test command runs as root.
 * - `powershell … -EncodedCommand X` decodes X (UTF-16LE) and runs it with sh; when X is the
 *   client's stdin bootstrap (runner/winrm/powershell.ts), the script is read from stdin instead,
 *   which is what that bootstrap makes PowerShell do. Like PowerShell over WinRM, its stderr comes
 *   back as CLIXML (`#< CLIXML` then `<Objs>` with `S="Error"` strings).
 * - Each command gets its own process group; Signal terminate and Delete kill the group.
 * - A Receive waits up to the request's OperationTimeout for output, then answers the `w:TimedOut`
 *   fault (HTTP 500) Windows answers.
 * - Authentication is Basic or NTLMv2 (runner/winrm/ntlm's server context, one per connection). A
 *   wrong or missing Authorization header gets HTTP 401 with an empty body, as from Windows. After
 *   NTLM over HTTP every body must be sealed (`multipart/encrypted`) and answers are sealed too; an
 *   unsealed body gets HTTP 400 (Windows with AllowUnencrypted=false refuses it as well). NTLM over
 *   HTTPS must carry the channel binding of the server's certificate. Basic over HTTP is accepted
 *   (refusing it is the client's rule, tested there).
 */

const run = promisify(execFile);
const LOOPBACK = '127.0.0.1';

export interface InjectedFault {
  /** Which operation it hits: the action's last path segment, as `Receive` or `Command`. */
  action: 'Create' | 'Command' | 'Send' | 'Receive' | 'Signal' | 'Delete';
  /** How many times in a row (default 1). */
  times?: number;
  /** An HTTP status with an arbitrary body, or a SOAP fault. */
  response: { status: number; body: string } | { fault: FaultSpec };
}

export interface FaultSpec {
  code: 'Sender' | 'Receiver';
  subcode: string;
  wsmanCode: number;
  message: string;
  provider?: boolean;
  /** `w:FaultDetail` URI, as Windows adds to some faults. */
  faultDetail?: string;
}

export interface WinRmServerOptions {
  scheme?: 'http' | 'https';
  username?: string;
  password?: string;
  /** A fixed port (npm start's demo target keeps its address across restarts); a free one by default. */
  port?: number;
}

export interface TestWinRmServer {
  readonly host: string;
  readonly port: number;
  readonly scheme: 'http' | 'https';
  readonly url: string;
  readonly username: string;
  readonly password: string;
  /** PEM of the CA that signed the server's certificate (https only). */
  readonly ca: string | undefined;
  /** Every request body received, in order, for tests that look at the wire. */
  readonly requests: string[];
  /** Process ids of the commands started, by CommandId. */
  readonly pids: ReadonlyMap<string, number>;
  injectFault(fault: InjectedFault): void;
  /** Holds every response to that action back by this long. */
  delay(action: InjectedFault['action'], ms: number): void;
  stop(): Promise<void>;
}

interface Command {
  id: string;
  proc: ChildProcess;
  powershell: boolean;
  /** Output not yet returned by a Receive, in arrival order. */
  pending: { stream: 'stdout' | 'stderr'; data: Buffer }[];
  exitCode: number | undefined;
  /** Set once the process has exited and its pipes are drained. */
  closed: boolean;
  doneReported: boolean;
  clixmlStarted: boolean;
  wake: (() => void)[];
}

interface Shell {
  id: string;
  environment: [string, string][];
  workingDirectory: string | undefined;
  commands: Map<string, Command>;
}

// --- envelopes, shaped like the recorded Windows responses ----------------------------------------

const responseEnvelope = (action: string, relatesTo: string | undefined, body: string): string =>
  `<s:Envelope xml:lang="en-US" xmlns:s="${NS.soap}" xmlns:a="${NS.addressing}" xmlns:x="${NS.transfer}" xmlns:w="${NS.wsman}" xmlns:rsp="${NS.shell}" xmlns:p="${NS.wsmv}">` +
  `<s:Header><a:Action>${action}</a:Action><a:MessageID>uuid:${randomUUID().toUpperCase()}</a:MessageID>` +
  `<a:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:To>` +
  (relatesTo === undefined ? '' : `<a:RelatesTo>${escapeText(relatesTo)}</a:RelatesTo>`) +
  `</s:Header><s:Body>${body}</s:Body></s:Envelope>`;

export const faultEnvelope = (relatesTo: string | undefined, f: FaultSpec): string =>
  responseEnvelope(
    'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault',
    relatesTo,
    `<s:Fault><s:Code><s:Value>s:${f.code}</s:Value><s:Subcode><s:Value>w:${escapeText(f.subcode)}</s:Value></s:Subcode></s:Code>` +
      `<s:Reason><s:Text xml:lang="en-US">${escapeText(f.message)} </s:Text></s:Reason>` +
      `<s:Detail>${f.faultDetail === undefined ? '' : `<w:FaultDetail>${escapeText(f.faultDetail)}</w:FaultDetail>`}<f:WSManFault xmlns:f="${NS.wsmanFault}" Code="${String(f.wsmanCode)}" Machine="${LOOPBACK}"><f:Message>` +
      (f.provider === true
        ? `<f:ProviderFault provider="Shell cmd plugin" path="%systemroot%\\system32\\winrscmd.dll">${escapeText(f.message)} </f:ProviderFault>`
        : `${escapeText(f.message)} `) +
      `</f:Message></f:WSManFault></s:Detail></s:Fault>`,
  );

const TIMED_OUT: FaultSpec = {
  code: 'Receiver',
  subcode: 'TimedOut',
  wsmanCode: WSMAN_TIMED_OUT_CODE,
  message: 'The WS-Management service cannot complete the operation within the time specified in OperationTimeout.',
};
const unknownCommand: FaultSpec = {
  code: 'Sender',
  subcode: 'InvalidSelectors',
  wsmanCode: 2150858843,
  message:
    'The Windows Remote Shell received a request to perform an operation on a command identifier that does not exist. Either the command has completed execution or the client specified an invalid command identifier.',
  faultDetail: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors',
};
const unknownShell: FaultSpec = {
  code: 'Sender',
  subcode: 'InvalidSelectors',
  wsmanCode: 2150858843,
  message: 'The WS-Management service cannot process the request because the request contained invalid selectors for the resource.',
  faultDetail: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/UnexpectedSelectors',
};
const invalid = (message: string): FaultSpec => ({ code: 'Sender', subcode: 'SchemaValidationError', wsmanCode: 2150858817, message });
const badParameter: FaultSpec = {
  code: 'Sender',
  subcode: 'InvalidParameter',
  wsmanCode: 87,
  message: 'The parameter is incorrect.',
  provider: true,
  faultDetail: 'http://schemas.dmtf.org/wbem/wsman/1/wsman/faultDetail/InvalidValue',
};

const IDENTIFY = 'Identify';
/** What Windows Server 2022 answers to Identify; the OS version here is fixed, this is not Windows. */
export const IDENTIFY_RESPONSE =
  `<wsmid:IdentifyResponse xmlns:wsmid="${NS.identity}"><wsmid:ProtocolVersion>${NS.wsman}</wsmid:ProtocolVersion>` +
  `<wsmid:ProductVendor>Microsoft Corporation</wsmid:ProductVendor><wsmid:ProductVersion>OS: 10.0.20348 SP: 0.0 Stack: 3.0</wsmid:ProductVersion>` +
  `</wsmid:IdentifyResponse>`;

class Fault extends Error {
  constructor(readonly spec: FaultSpec) {
    super(spec.message);
  }
}

// --- certificates ---------------------------------------------------------------------------------

const makeCertificates = async (dir: string): Promise<{ ca: string; key: string; cert: string }> => {
  const p = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=OpsConductor WinRM test CA']);
  await run('openssl', ['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost']);
  writeFileSync(p('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n');
  await run('openssl', ['x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'), '-CAcreateserial', '-out', p('server.pem'), '-days', '2', '-extfile', p('server.ext')]);
  return { ca: readFileSync(p('ca.pem'), 'utf8'), key: readFileSync(p('server.key'), 'utf8'), cert: readFileSync(p('server.pem'), 'utf8') };
};

const testUserIds = async (): Promise<{ uid: number; gid: number } | undefined> => {
  if (!isRoot()) return undefined;
  const [uid, gid] = await Promise.all([run('id', ['-u', TEST_USER]), run('id', ['-g', TEST_USER])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
};

// --- the protocol ---------------------------------------------------------------------------------

const text = (e: Element | undefined): string => (e?.textContent ?? '').trim();

const durationMs = (s: string): number | undefined => {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(s.trim());
  return m === null ? undefined : (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000;
};

/** PowerShell's CLIXML string escaping: `_` before an escape-like run, and every control character, as `_xHHHH_`. */
const clixmlEscape = (s: string): string =>
  escapeText(
    s
      .replace(/_x([0-9A-Fa-f]{4})_/g, '_x005F_x$1_')
      // eslint-disable-next-line no-control-regex -- escaping control characters is the point
      .replace(/[\u0000-\u001F]/g, (ch) => `_x${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}_`),
  );

/** Which program a command line starts, and what sh should run for it. */
const shellLineOf = (line: string): { script: string | undefined; fromStdin: boolean; powershell: boolean } => {
  const ps = /^\s*"?(?:[^\s"]*[\\/])?powershell(?:\.exe)?"?(\s.*)?$/is.exec(line);
  if (ps !== null) {
    const tokens = (ps[1] ?? '').trim().split(/\s+/);
    const at = tokens.findIndex((t) => /^[-/](?:e|ec|enc|encodedcommand)$/i.test(t));
    const encoded = at < 0 ? undefined : tokens[at + 1];
    if (encoded === undefined) return { script: undefined, fromStdin: false, powershell: true };
    const script = decodePowerShell(encoded);
    return script === STDIN_SCRIPT_BOOTSTRAP ? { script: undefined, fromStdin: true, powershell: true } : { script, fromStdin: false, powershell: true };
  }
  const cmd = /^\s*"?(?:[^\s"]*[\\/])?cmd(?:\.exe)?"?\s+\/c\s+(.*)$/is.exec(line);
  return { script: cmd === null ? line : (cmd[1] ?? ''), fromStdin: false, powershell: false };
};

export const startWinRmServer = async (opts: WinRmServerOptions = {}): Promise<TestWinRmServer> => {
  const scheme = opts.scheme ?? 'http';
  const username = opts.username ?? 'winrm-test';
  const password = opts.password ?? randomBytes(12).toString('base64url');
  const dir = mkdtempSync(path.join(tmpdir(), 'opsc-winrm-'));
  const ids = await testUserIds();
  const workDir = path.join(dir, 'home');
  await run('mkdir', ['-p', workDir]);
  if (ids !== undefined) chownSync(workDir, ids.uid, ids.gid);

  const shells = new Map<string, Shell>();
  const pids = new Map<string, number>();
  const requests: string[] = [];
  const faults: InjectedFault[] = [];
  const delays = new Map<string, number>();
  const expectedAuth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

  const wakeAll = (c: Command): void => {
    for (const w of c.wake.splice(0)) w();
  };

  const startCommand = (shell: Shell, line: string): Command => {
    const plan = shellLineOf(line);
    const args = plan.fromStdin ? ['-s'] : ['-c', plan.script ?? 'exit 0'];
    const cwd = shell.workingDirectory !== undefined && statSync(shell.workingDirectory, { throwIfNoEntry: false })?.isDirectory() === true ? shell.workingDirectory : workDir;
    const proc = spawn('/bin/sh', args, {
      cwd,
      detached: true,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: workDir, LANG: 'C.UTF-8', ...Object.fromEntries(shell.environment) },
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(ids === undefined ? {} : { uid: ids.uid, gid: ids.gid }),
    });
    const c: Command = { id: randomUUID().toUpperCase(), proc, powershell: plan.powershell, pending: [], exitCode: undefined, closed: false, doneReported: false, clixmlStarted: false, wake: [] };
    proc.stdin.on('error', () => undefined);
    proc.stdout.on('data', (d: Buffer) => {
      c.pending.push({ stream: 'stdout', data: d });
      wakeAll(c);
    });
    proc.stderr.on('data', (d: Buffer) => {
      let data = d;
      if (c.powershell) {
        const objs = `<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04"><S S="Error">${clixmlEscape(d.toString('utf8'))}</S></Objs>`;
        data = Buffer.from(`${c.clixmlStarted ? '' : '#< CLIXML\r\n'}${objs}`);
        c.clixmlStarted = true;
      }
      c.pending.push({ stream: 'stderr', data });
      wakeAll(c);
    });
    proc.on('error', (e) => {
      c.pending.push({ stream: 'stderr', data: Buffer.from(`${e.message}\n`) });
      c.exitCode = 1;
      c.closed = true;
      wakeAll(c);
    });
    proc.on('close', (code, signal) => {
      c.exitCode = code ?? (signal === null ? 1 : 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGINT' ? 2 : 15));
      c.closed = true;
      wakeAll(c);
    });
    if (proc.pid !== undefined) pids.set(c.id, proc.pid);
    shell.commands.set(c.id, c);
    return c;
  };

  const killGroup = (c: Command, signal: NodeJS.Signals): void => {
    if (c.closed || c.proc.pid === undefined) return;
    try {
      process.kill(-c.proc.pid, signal);
    } catch {
      // Already gone.
    }
  };

  const shellOf = (header: Element): Shell => {
    const selector = descendants(header, NS.wsman, 'Selector').find((s) => s.getAttribute('Name') === 'ShellId');
    const id = text(selector).replace(/^uuid:/i, '');
    const shell = shells.get(id.toUpperCase());
    if (shell === undefined) throw new Fault(unknownShell);
    return shell;
  };

  const commandOf = (shell: Shell, id: string | null): Command => {
    if (id === null || id === '') throw new Fault(badParameter);
    const c = shell.commands.get(id.toUpperCase());
    if (c === undefined) throw new Fault(unknownCommand);
    return c;
  };

  const receive = async (shell: Shell, body: Element, timeoutMs: number, maxEnvelope: number, abort: AbortSignal): Promise<string> => {
    const desired = descendants(body, NS.shell, 'DesiredStream')[0];
    const c = commandOf(shell, desired?.getAttribute('CommandId') ?? null);
    const idle = (): boolean => c.pending.length === 0 && !c.closed;
    if (idle()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        c.wake.push(done);
        abort.addEventListener('abort', done, { once: true });
      });
      if (idle()) throw new Fault(TIMED_OUT);
    }
    // Leave room for the envelope; base64 grows by 4/3.
    let budget = Math.floor(((maxEnvelope - 4096) * 3) / 4);
    const streams: string[] = [];
    while (c.pending.length > 0 && budget > 0) {
      const next = c.pending[0];
      if (next === undefined) break;
      const part = next.data.subarray(0, budget);
      budget -= part.length;
      if (part.length === next.data.length) c.pending.shift();
      else next.data = next.data.subarray(part.length);
      streams.push(`<rsp:Stream Name="${next.stream}" CommandId="${c.id}">${part.toString('base64')}</rsp:Stream>`);
    }
    const done = c.closed && c.pending.length === 0;
    if (done) {
      streams.push(`<rsp:Stream Name="stdout" CommandId="${c.id}" End="true"></rsp:Stream><rsp:Stream Name="stderr" CommandId="${c.id}" End="true"></rsp:Stream>`);
      c.doneReported = true;
    }
    const state = done
      ? `<rsp:CommandState CommandId="${c.id}" State="${COMMAND_STATE.done}"><rsp:ExitCode>${String(c.exitCode ?? 0)}</rsp:ExitCode></rsp:CommandState>`
      : `<rsp:CommandState CommandId="${c.id}" State="${COMMAND_STATE.running}"/>`;
    return `<rsp:ReceiveResponse>${streams.join('')}${state}</rsp:ReceiveResponse>`;
  };

  const handle = async (doc: Document, abort: AbortSignal): Promise<{ action: string; body: string }> => {
    const root = doc.documentElement;
    if (root === null || root.namespaceURI !== NS.soap || root.localName !== 'Envelope') throw new Fault(invalid('The request is not a SOAP 1.2 envelope.'));
    const header = child(root, NS.soap, 'Header');
    const body = child(root, NS.soap, 'Body');
    if (header === undefined || body === undefined) throw new Fault(invalid('The SOAP envelope needs a Header and a Body.'));
    // Identify has no addressing headers; its answer names the service and (on Windows) the OS.
    if (child(body, NS.identity, 'Identify') !== undefined) return { action: IDENTIFY, body: IDENTIFY_RESPONSE };
    const action = text(child(header, NS.addressing, 'Action'));
    const resource = text(child(header, NS.wsman, 'ResourceURI'));
    if (resource !== RESOURCE_URI_CMD) throw new Fault(invalid(`Unsupported ResourceURI ${resource}.`));
    // Any URI: masterzen's serializer sends `1-2-3-4`, and Windows relates its answer to whatever came.
    if (text(child(header, NS.addressing, 'MessageID')) === '') throw new Fault(invalid('MessageID is missing.'));
    if (text(child(header, NS.addressing, 'To')) === '') throw new Fault(invalid('To is missing.'));
    const maxEnvelope = Number(text(child(header, NS.wsman, 'MaxEnvelopeSize')) || '153600');
    if (!Number.isInteger(maxEnvelope) || maxEnvelope < 8192) throw new Fault(invalid('MaxEnvelopeSize is not a usable number.'));
    const timeoutText = text(child(header, NS.wsman, 'OperationTimeout'));
    const timeoutMs = timeoutText === '' ? 60_000 : durationMs(timeoutText);
    if (timeoutMs === undefined) throw new Fault(invalid('OperationTimeout is not an xs:duration.'));
    const options = new Map(descendants(header, NS.wsman, 'Option').map((o) => [o.getAttribute('Name') ?? '', text(o)]));

    switch (action) {
      case ACTION.create: {
        const shellEl = child(body, NS.shell, 'Shell');
        if (shellEl === undefined) throw new Fault(invalid('Create needs a Shell.'));
        const codepage = options.get('WINRS_CODEPAGE');
        if (codepage !== undefined && !/^\d+$/.test(codepage)) throw new Fault(badParameter);
        const id = randomUUID().toUpperCase();
        const environment = descendants(shellEl, NS.shell, 'Variable').map((v): [string, string] => [v.getAttribute('Name') ?? '', v.textContent ?? '']);
        const wd = child(shellEl, NS.shell, 'WorkingDirectory');
        shells.set(id, { id, environment, workingDirectory: wd === undefined ? undefined : text(wd), commands: new Map() });
        const idle = text(child(shellEl, NS.shell, 'IdleTimeOut'));
        const idleSeconds = durationMs(idle === '' ? 'PT7200S' : idle) ?? 7_200_000;
        return {
          action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse',
          body:
            `<x:ResourceCreated><a:Address>${escapeText(text(child(header, NS.addressing, 'To')))}</a:Address><a:ReferenceParameters>` +
            `<w:ResourceURI>${RESOURCE_URI_CMD}</w:ResourceURI><w:SelectorSet><w:Selector Name="ShellId">${id}</w:Selector></w:SelectorSet></a:ReferenceParameters></x:ResourceCreated>` +
            `<rsp:Shell xmlns:rsp="${NS.shell}"><rsp:ShellId>${id}</rsp:ShellId><rsp:ResourceUri>${RESOURCE_URI_CMD}</rsp:ResourceUri><rsp:Owner>${escapeText(username)}</rsp:Owner>` +
            `<rsp:ClientIP>${LOOPBACK}</rsp:ClientIP><rsp:IdleTimeOut>PT${(idleSeconds / 1000).toFixed(3)}S</rsp:IdleTimeOut><rsp:InputStreams>stdin</rsp:InputStreams>` +
            `<rsp:OutputStreams>stdout stderr</rsp:OutputStreams><rsp:ShellRunTime>P0DT0H0M0S</rsp:ShellRunTime><rsp:ShellInactivity>P0DT0H0M0S</rsp:ShellInactivity></rsp:Shell>`,
        };
      }
      case ACTION.command: {
        const shell = shellOf(header);
        const line = child(body, NS.shell, 'CommandLine');
        const command = child(line, NS.shell, 'Command');
        if (command === undefined) throw new Fault(invalid('Command needs a CommandLine with a Command.'));
        const args = childElements(line ?? body)
          .filter((e) => e.namespaceURI === NS.shell && e.localName === 'Arguments')
          .map((e) => e.textContent ?? '');
        const c = startCommand(shell, [command.textContent ?? '', ...args].join(' '));
        return { action: `${ACTION.command}Response`, body: `<rsp:CommandResponse><rsp:CommandId>${c.id}</rsp:CommandId></rsp:CommandResponse>` };
      }
      case ACTION.send: {
        const shell = shellOf(header);
        for (const stream of descendants(body, NS.shell, 'Stream')) {
          if (stream.getAttribute('Name') !== 'stdin') throw new Fault(badParameter);
          const c = commandOf(shell, stream.getAttribute('CommandId'));
          const data = Buffer.from((stream.textContent ?? '').replace(/\s+/g, ''), 'base64');
          if (data.length > 0) c.proc.stdin?.write(data);
          if ((stream.getAttribute('End') ?? '').toLowerCase() === 'true') c.proc.stdin?.end();
        }
        return { action: `${ACTION.send}Response`, body: '<rsp:SendResponse/>' };
      }
      case ACTION.receive: {
        const shell = shellOf(header);
        return { action: `${ACTION.receive}Response`, body: await receive(shell, body, timeoutMs, maxEnvelope, abort) };
      }
      case ACTION.signal: {
        const shell = shellOf(header);
        const signalEl = child(body, NS.shell, 'Signal');
        const c = commandOf(shell, signalEl?.getAttribute('CommandId') ?? null);
        const code = text(child(signalEl, NS.shell, 'Code'));
        if (code === SIGNAL.terminate) killGroup(c, 'SIGKILL');
        else if (code === SIGNAL.ctrl_c) killGroup(c, 'SIGINT');
        else throw new Fault(badParameter);
        if (c.doneReported) shell.commands.delete(c.id);
        return { action: `${ACTION.signal}Response`, body: '<rsp:SignalResponse/>' };
      }
      case ACTION.delete: {
        const shell = shellOf(header);
        for (const c of shell.commands.values()) killGroup(c, 'SIGKILL');
        shells.delete(shell.id);
        return { action: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/DeleteResponse', body: '' };
      }
      default:
        throw new Fault({ code: 'Sender', subcode: 'ActionNotSupported', wsmanCode: 2150858771, message: `The action ${action} is not supported by this resource.` });
    }
  };

  let ca: string | undefined;
  let tlsOptions: { key: string; cert: string } | undefined;
  let channelBindings: Buffer | undefined;
  if (scheme === 'https') {
    const certs = await makeCertificates(dir);
    ca = certs.ca;
    tlsOptions = { key: certs.key, cert: certs.cert };
    // NTLM over HTTPS must be bound to this certificate (Extended Protection "Required").
    channelBindings = tlsServerEndPoint(new X509Certificate(certs.cert).raw);
  }

  /** NTLM authenticates a connection: its context lives as long as the socket. */
  const connections = new WeakMap<Socket, NtlmServer>();
  const lookupPassword = (user: string): string | undefined => (user.toLowerCase() === username.toLowerCase() ? password : undefined);

  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    const abort = new AbortController();
    res.on('close', () => {
      abort.abort();
    });
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const sendRaw = (status: number, body: Buffer, contentType = 'application/soap+xml;charset=UTF-8'): void => {
          if (res.writableEnded || res.destroyed) return;
          res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': String(body.length) });
          res.end(body);
        };
        const unauthorized = (token?: Buffer): void => {
          res.setHeader('WWW-Authenticate', token === undefined ? ['Negotiate', 'Basic realm="WSMAN"'] : [`Negotiate ${token.toString('base64')}`]);
          res.setHeader('Content-Length', '0');
          res.writeHead(401);
          res.end();
        };
        if (req.method !== 'POST' || req.url !== '/wsman') {
          sendRaw(404, Buffer.alloc(0));
          return;
        }
        const body = Buffer.concat(chunks);
        const authorization = req.headers.authorization ?? '';
        let sealer: NtlmServer | undefined;
        if (/^Negotiate\s/i.test(authorization)) {
          const token = Buffer.from(authorization.replace(/^Negotiate\s+/i, ''), 'base64');
          try {
            if (token.readUInt32LE(8) === 1) {
              const ntlm = new NtlmServer({ lookupPassword, channelBindings });
              connections.set(req.socket, ntlm);
              unauthorized(ntlm.challenge(token));
              return;
            }
            const ntlm = connections.get(req.socket);
            if (ntlm === undefined) throw new Error('AUTHENTICATE without NEGOTIATE on this connection');
            ntlm.accept(token);
            sealer = ntlm;
          } catch {
            connections.delete(req.socket);
            unauthorized();
            return;
          }
          if (body.length === 0) {
            sendRaw(200, Buffer.alloc(0));
            return;
          }
        } else if (/^Basic\s/i.test(authorization)) {
          if (authorization !== expectedAuth) {
            unauthorized();
            return;
          }
        } else {
          sealer = connections.get(req.socket);
          if (sealer === undefined) {
            unauthorized();
            return;
          }
        }
        // NTLM over HTTP: bodies must be sealed both ways, as Windows insists with AllowUnencrypted=false.
        const sealed = sealer !== undefined && scheme === 'http';
        const contentType = req.headers['content-type'] ?? '';
        let soap: Buffer;
        try {
          if (sealed !== isEncryptedContentType(contentType)) throw new Error(sealed ? 'unencrypted body' : 'unexpected encryption');
          soap = sealed && sealer !== undefined ? decryptBody(sealer, contentType, body) : body;
        } catch {
          sendRaw(400, Buffer.alloc(0));
          return;
        }
        if (!sealed && !/^application\/soap\+xml/i.test(contentType)) {
          sendRaw(415, Buffer.alloc(0));
          return;
        }
        const send = (status: number, xml: string): void => {
          if (sealed && sealer !== undefined) {
            const out = encryptBody(sealer, Buffer.from(xml, 'utf8'));
            sendRaw(status, out.body, out.contentType);
          } else sendRaw(status, Buffer.from(xml, 'utf8'));
        };
        const raw = soap.toString('utf8');
        requests.push(raw);
        let relatesTo: string | undefined;
        let actionName = '';
        try {
          const doc = parseXml(raw);
          const header = doc.documentElement === null ? undefined : child(doc.documentElement, NS.soap, 'Header');
          relatesTo = text(child(header, NS.addressing, 'MessageID')) || undefined;
          actionName = text(child(header, NS.addressing, 'Action')).split('/').pop() ?? '';
          const wait = delays.get(actionName);
          if (wait !== undefined && wait > 0) {
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, wait);
              abort.signal.addEventListener('abort', () => {
                clearTimeout(timer);
                resolve();
              });
            });
          }
          const injected = faults.find((f) => f.action === actionName);
          if (injected !== undefined) {
            injected.times = (injected.times ?? 1) - 1;
            if (injected.times <= 0) faults.splice(faults.indexOf(injected), 1);
            if ('fault' in injected.response) send(500, faultEnvelope(relatesTo, injected.response.fault));
            else send(injected.response.status, injected.response.body);
            return;
          }
          const out = await handle(doc, abort.signal);
          send(200, out.action === IDENTIFY ? `<s:Envelope xmlns:s="${NS.soap}" xml:lang="en-US"><s:Header/><s:Body>${out.body}</s:Body></s:Envelope>` : responseEnvelope(out.action, relatesTo, out.body));
        } catch (e) {
          send(500, faultEnvelope(relatesTo, e instanceof Fault ? e.spec : invalid(e instanceof Error ? e.message : String(e))));
        }
      })();
    });
  };

  const server = tlsOptions === undefined ? http.createServer(onRequest) : https.createServer(tlsOptions, onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, LOOPBACK, resolve);
  });
  const port = (server.address() as AddressInfo).port;

  return {
    host: LOOPBACK,
    port,
    scheme,
    url: `${scheme}://${LOOPBACK}:${String(port)}/wsman`,
    username,
    password,
    ca,
    requests,
    pids,
    injectFault: (f) => faults.push({ ...f }),
    delay: (action, ms) => delays.set(action, ms),
    stop: async () => {
      for (const shell of shells.values()) for (const c of shell.commands.values()) killGroup(c, 'SIGKILL');
      shells.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

