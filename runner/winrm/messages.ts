import { randomUUID } from 'node:crypto';
import { ACTION, ANONYMOUS_REPLY_TO, NS, RESOURCE_URI_CMD, SIGNAL, type SignalName } from './namespaces';

/**
 * Request envelopes for WS-Management remote shells (MS-WSMV §3.1.4.11–14, transfer Create/Delete).
 * Built as text with every value escaped; the header follows what real Windows hosts accepted in
 * the recorded exchanges (test/vectors/winrm/pypsrp-winrs).
 */

export interface EnvelopeOptions {
  /** The endpoint URL, as `https://host:5986/wsman`. */
  to: string;
  maxEnvelopeSize: number;
  /** How long the server may hold a Receive before answering `w:TimedOut`. */
  operationTimeoutSeconds: number;
  locale: string;
  dataLocale?: string | undefined;
  /** One per client, so the server can tie its log lines together. Without `uuid:`. */
  sessionId?: string | undefined;
  /** Tests pin it; otherwise a fresh uuid per message. */
  messageId?: string | undefined;
}

export interface CreateShellOptions {
  /** WINRS_NOPROFILE: TRUE skips loading the user profile (then demanded with MustComply). */
  noProfile?: boolean | undefined;
  /** WINRS_CODEPAGE; 65001 (UTF-8) is what the client asks for so output decodes as UTF-8. */
  codepage?: number | undefined;
  /** Pairs rather than a record: a record would reorder names that look like numbers. */
  environment?: ReadonlyArray<readonly [name: string, value: string]> | undefined;
  workingDirectory?: string | undefined;
  idleTimeoutSeconds?: number | undefined;
  lifetimeSeconds?: number | undefined;
  name?: string | undefined;
}

export interface CommandOptions {
  /** WINRS_SKIP_CMD_SHELL: TRUE starts the program directly instead of through `cmd /c`. */
  skipCmdShell?: boolean | undefined;
  /** WINRS_CONSOLEMODE_STDIN: TRUE gives the command a console for stdin rather than a pipe. */
  consoleModeStdin?: boolean | undefined;
}

type Option = { name: string; value: string; mustComply?: boolean };

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/u;

const checkXmlChars = (s: string): string => {
  // XML 1.0 cannot carry these at all, not even as character references.
  if (XML_INVALID.test(s)) throw new RangeError('WinRM messages cannot carry control characters other than tab, CR and LF.');
  return s;
};

export const escapeText = (s: string): string =>
  checkXmlChars(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');

// Line breaks and tabs are written as references: a parser normalises literal ones in attributes to spaces.
export const escapeAttr = (s: string): string =>
  escapeText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');

const bool = (b: boolean): string => (b ? 'TRUE' : 'FALSE');

/** `xs:duration` in seconds, as WinRM writes it (`PT20S`, `PT0.5S`). */
export const duration = (seconds: number): string => {
  if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('A duration must be a non-negative number of seconds.');
  return `PT${String(Math.round(seconds * 1000) / 1000)}S`;
};

const envelope = (
  env: EnvelopeOptions,
  action: string,
  body: string,
  extra: { shellId?: string; options?: readonly Option[] } = {},
): string => {
  const messageId = env.messageId ?? randomUUID().toUpperCase();
  const header = [
    `<wsa:Action s:mustUnderstand="true">${escapeText(action)}</wsa:Action>`,
    `<wsmv:DataLocale s:mustUnderstand="false" xml:lang="${escapeAttr(env.dataLocale ?? env.locale)}"/>`,
    `<wsman:Locale s:mustUnderstand="false" xml:lang="${escapeAttr(env.locale)}"/>`,
    `<wsman:MaxEnvelopeSize s:mustUnderstand="true">${String(Math.floor(env.maxEnvelopeSize))}</wsman:MaxEnvelopeSize>`,
    `<wsa:MessageID>uuid:${escapeText(messageId)}</wsa:MessageID>`,
    `<wsman:OperationTimeout>${duration(env.operationTimeoutSeconds)}</wsman:OperationTimeout>`,
    `<wsa:ReplyTo><wsa:Address s:mustUnderstand="true">${ANONYMOUS_REPLY_TO}</wsa:Address></wsa:ReplyTo>`,
    `<wsman:ResourceURI s:mustUnderstand="true">${RESOURCE_URI_CMD}</wsman:ResourceURI>`,
    env.sessionId === undefined ? '' : `<wsmv:SessionId s:mustUnderstand="false">uuid:${escapeText(env.sessionId)}</wsmv:SessionId>`,
    `<wsa:To>${escapeText(env.to)}</wsa:To>`,
    extra.options !== undefined && extra.options.length > 0
      ? `<wsman:OptionSet s:mustUnderstand="true">${extra.options
          .map((o) => `<wsman:Option Name="${escapeAttr(o.name)}"${o.mustComply === true ? ' MustComply="true"' : ''}>${escapeText(o.value)}</wsman:Option>`)
          .join('')}</wsman:OptionSet>`
      : '',
    extra.shellId === undefined ? '' : `<wsman:SelectorSet><wsman:Selector Name="ShellId">${escapeText(extra.shellId)}</wsman:Selector></wsman:SelectorSet>`,
  ].join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?>` +
    `<s:Envelope xmlns:s="${NS.soap}" xmlns:wsa="${NS.addressing}" xmlns:wsman="${NS.wsman}" xmlns:wsmv="${NS.wsmv}" xmlns:rsp="${NS.shell}">` +
    `<s:Header>${header}</s:Header>` +
    (body === '' ? '<s:Body/>' : `<s:Body>${body}</s:Body>`) +
    `</s:Envelope>`
  );
};

export const createShellMessage = (env: EnvelopeOptions, opts: CreateShellOptions = {}): string => {
  const options: Option[] = [];
  if (opts.noProfile !== undefined) options.push({ name: 'WINRS_NOPROFILE', value: bool(opts.noProfile), mustComply: opts.noProfile });
  if (opts.codepage !== undefined) options.push({ name: 'WINRS_CODEPAGE', value: String(Math.floor(opts.codepage)) });
  const variables = (opts.environment ?? [])
    .map(([name, value]) => `<rsp:Variable Name="${escapeAttr(name)}">${escapeText(value)}</rsp:Variable>`)
    .join('');
  const shell = [
    '<rsp:InputStreams>stdin</rsp:InputStreams>',
    '<rsp:OutputStreams>stdout stderr</rsp:OutputStreams>',
    variables === '' ? '' : `<rsp:Environment>${variables}</rsp:Environment>`,
    opts.idleTimeoutSeconds === undefined ? '' : `<rsp:IdleTimeOut>${duration(opts.idleTimeoutSeconds)}</rsp:IdleTimeOut>`,
    opts.lifetimeSeconds === undefined ? '' : `<rsp:Lifetime>${duration(opts.lifetimeSeconds)}</rsp:Lifetime>`,
    opts.name === undefined ? '' : `<rsp:Name>${escapeText(opts.name)}</rsp:Name>`,
    opts.workingDirectory === undefined ? '' : `<rsp:WorkingDirectory>${escapeText(opts.workingDirectory)}</rsp:WorkingDirectory>`,
  ].join('');
  return envelope(env, ACTION.create, `<rsp:Shell>${shell}</rsp:Shell>`, { options });
};

export const commandMessage = (env: EnvelopeOptions, shellId: string, command: string, args: readonly string[], opts: CommandOptions = {}): string => {
  const options: Option[] = [];
  if (opts.consoleModeStdin !== undefined) options.push({ name: 'WINRS_CONSOLEMODE_STDIN', value: bool(opts.consoleModeStdin) });
  if (opts.skipCmdShell !== undefined) options.push({ name: 'WINRS_SKIP_CMD_SHELL', value: bool(opts.skipCmdShell) });
  const line = `<rsp:Command>${escapeText(command)}</rsp:Command>` + args.map((a) => `<rsp:Arguments>${escapeText(a)}</rsp:Arguments>`).join('');
  return envelope(env, ACTION.command, `<rsp:CommandLine>${line}</rsp:CommandLine>`, { shellId, options });
};

export const sendMessage = (env: EnvelopeOptions, shellId: string, commandId: string, data: Uint8Array, end: boolean): string =>
  envelope(
    env,
    ACTION.send,
    `<rsp:Send><rsp:Stream Name="stdin" CommandId="${escapeAttr(commandId)}"${end ? ' End="true"' : ''}>${Buffer.from(data).toString('base64')}</rsp:Stream></rsp:Send>`,
    { shellId },
  );

export const receiveMessage = (env: EnvelopeOptions, shellId: string, commandId: string | undefined, opts: { keepAlive?: boolean | undefined } = {}): string =>
  envelope(
    env,
    ACTION.receive,
    `<rsp:Receive><rsp:DesiredStream${commandId === undefined ? '' : ` CommandId="${escapeAttr(commandId)}"`}>stdout stderr</rsp:DesiredStream></rsp:Receive>`,
    // Keep-alive stops an idle shell from timing out while a long command is quiet.
    { shellId, options: opts.keepAlive === undefined ? [] : [{ name: 'WSMAN_CMDSHELL_OPTION_KEEPALIVE', value: bool(opts.keepAlive) }] },
  );

export const signalMessage = (env: EnvelopeOptions, shellId: string, commandId: string, signal: SignalName): string =>
  envelope(env, ACTION.signal, `<rsp:Signal CommandId="${escapeAttr(commandId)}"><rsp:Code>${SIGNAL[signal]}</rsp:Code></rsp:Signal>`, { shellId });

export const deleteShellMessage = (env: EnvelopeOptions, shellId: string): string => envelope(env, ACTION.delete, '', { shellId });

/**
 * WS-Management Identify (DSP0226 §11): no addressing headers, answered by the service itself with
 * its vendor and version, which on Windows include the OS version.
 */
export const identifyMessage = (): string =>
  `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="${NS.soap}" xmlns:wsmid="${NS.identity}"><s:Header/><s:Body><wsmid:Identify/></s:Body></s:Envelope>`;
