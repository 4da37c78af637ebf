import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { ConnectionError } from '../connection-error';
import { COMMAND_STATE, NS, WSMAN_TIMED_OUT_CODE } from './namespaces';

/**
 * Reading WS-Management responses: by namespace URI and local name only, with a real XML parser.
 * Faults become WinRmFault errors; anything that is not the envelope we expect is a PROTOCOL error.
 */

export const parseXml = (text: string): Document => {
  try {
    return new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(text, 'text/xml');
  } catch (e) {
    throw new ConnectionError('PROTOCOL', `The WinRM server answered with a body that is not XML (${e instanceof Error ? e.message.split('\n')[0] ?? '' : 'parse error'}).`);
  }
};

export const childElements = (parent: Element | Document): Element[] => {
  const out: Element[] = [];
  for (let n = parent.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
};

export const child = (parent: Element | Document | undefined, ns: string, local: string): Element | undefined =>
  parent === undefined ? undefined : childElements(parent).find((e) => e.namespaceURI === ns && e.localName === local);

/** All descendants with that name, in document order. */
export const descendants = (parent: Element | Document, ns: string, local: string): Element[] => Array.from(parent.getElementsByTagNameNS(ns, local));

export const textOf = (e: Element | undefined): string | undefined => (e === undefined ? undefined : (e.textContent ?? ''));

/** The SOAP Body, after checking the envelope is one. */
export const bodyOf = (doc: Document): Element => {
  const root = doc.documentElement;
  if (root === null || root.namespaceURI !== NS.soap || root.localName !== 'Envelope') {
    throw new ConnectionError('PROTOCOL', 'The WinRM server answered with XML that is not a SOAP 1.2 envelope.');
  }
  const body = child(root, NS.soap, 'Body');
  if (body === undefined) throw new ConnectionError('PROTOCOL', 'The WinRM server answered with a SOAP envelope without a Body.');
  return body;
};

/** A QName such as `s:Receiver`, with its prefix resolved in the element's scope. */
export interface QName {
  namespace: string | null;
  local: string;
}

const qnameOf = (e: Element | undefined): QName | undefined => {
  const text = textOf(e)?.trim();
  if (e === undefined || text === undefined || text === '') return undefined;
  const colon = text.indexOf(':');
  if (colon < 0) return { namespace: e.lookupNamespaceURI(null), local: text };
  return { namespace: e.lookupNamespaceURI(text.slice(0, colon)), local: text.slice(colon + 1) };
};

export interface WinRmFaultDetails {
  /** SOAP Code (Sender, Receiver, MustUnderstand…), local name. */
  code: string | undefined;
  /** SOAP Subcode, local name (TimedOut, InvalidSelectors, InternalError…), and its namespace. */
  subcode: QName | undefined;
  reason: string | undefined;
  /** `f:WSManFault/@Code`: a Windows error number (87, 2150858793 = 0x80338029). */
  wsmanCode: number | undefined;
  machine: string | undefined;
  /** `f:WSManFault/f:Message` text, provider fault included. */
  message: string | undefined;
  providerFault: { provider: string | undefined; path: string | undefined; message: string } | undefined;
  /** `w:FaultDetail` URI. */
  faultDetail: string | undefined;
  /** `p:MSFT_WmiError/p:error_Code`, sent instead of a WSManFault by some operations. */
  wmiErrorCode: number | undefined;
  httpStatus: number | undefined;
}

const hex = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;

/** A SOAP fault from the WinRM service: the server understood us and said no (or, for TimedOut, "nothing yet"). */
export class WinRmFault extends Error implements WinRmFaultDetails {
  readonly code: string | undefined;
  readonly subcode: QName | undefined;
  readonly reason: string | undefined;
  readonly wsmanCode: number | undefined;
  readonly machine: string | undefined;
  readonly providerFault: WinRmFaultDetails['providerFault'];
  readonly faultDetail: string | undefined;
  readonly wmiErrorCode: number | undefined;
  readonly httpStatus: number | undefined;
  readonly wsmanMessage: string | undefined;

  constructor(d: WinRmFaultDetails) {
    const number = d.wsmanCode ?? d.wmiErrorCode;
    const what = d.message ?? d.reason ?? 'no reason given';
    const codeText = [d.code, d.subcode?.local].filter((s) => s !== undefined).join('/');
    super(`WinRM fault${codeText === '' ? '' : ` ${codeText}`}${number === undefined ? '' : ` (code ${String(number)}, ${hex(number)})`}: ${what}`);
    this.name = 'WinRmFault';
    this.code = d.code;
    this.subcode = d.subcode;
    this.reason = d.reason;
    this.wsmanCode = d.wsmanCode;
    this.machine = d.machine;
    this.wsmanMessage = d.message;
    this.providerFault = d.providerFault;
    this.faultDetail = d.faultDetail;
    this.wmiErrorCode = d.wmiErrorCode;
    this.httpStatus = d.httpStatus;
  }

  /** Not an error: a Receive that saw no output within OperationTimeout. The client asks again. */
  get isTimedOut(): boolean {
    return (this.subcode?.local === 'TimedOut' && this.subcode.namespace === NS.wsman) || this.wsmanCode === WSMAN_TIMED_OUT_CODE;
  }
}

const toNumber = (s: string | null | undefined): number | undefined => {
  const t = s?.trim();
  if (t === undefined || t === '' || !/^\d+$/.test(t)) return undefined;
  return Number(t);
};

const clean = (s: string | undefined): string | undefined => {
  const t = s?.replace(/\s+/g, ' ').trim();
  return t === undefined || t === '' ? undefined : t;
};

/** The fault in a response body, if it is one. */
export const faultOf = (doc: Document, httpStatus?: number): WinRmFault | undefined => {
  const fault = child(bodyOf(doc), NS.soap, 'Fault');
  if (fault === undefined) return undefined;
  const codeEl = child(fault, NS.soap, 'Code');
  const detail = child(fault, NS.soap, 'Detail');
  const wsmanFault = detail === undefined ? undefined : descendants(detail, NS.wsmanFault, 'WSManFault')[0];
  const provider = wsmanFault === undefined ? undefined : descendants(wsmanFault, NS.wsmanFault, 'ProviderFault')[0];
  const wmi = detail === undefined ? undefined : descendants(detail, NS.wmiError, 'MSFT_WmiError')[0];
  const reasonTexts = descendants(child(fault, NS.soap, 'Reason') ?? fault, NS.soap, 'Text');
  return new WinRmFault({
    code: qnameOf(child(codeEl, NS.soap, 'Value'))?.local,
    subcode: qnameOf(child(child(codeEl, NS.soap, 'Subcode'), NS.soap, 'Value')),
    reason: clean(textOf(reasonTexts[0])),
    wsmanCode: toNumber(wsmanFault?.getAttribute('Code')),
    machine: clean(wsmanFault?.getAttribute('Machine') ?? undefined),
    message: clean(textOf(child(wsmanFault, NS.wsmanFault, 'Message'))) ?? clean(textOf(child(wmi, NS.wmiError, 'Message'))),
    providerFault:
      provider === undefined
        ? undefined
        : { provider: provider.getAttribute('provider') ?? undefined, path: provider.getAttribute('path') ?? undefined, message: clean(textOf(provider)) ?? '' },
    faultDetail: clean(textOf(detail === undefined ? undefined : child(detail, NS.wsman, 'FaultDetail'))),
    wmiErrorCode: toNumber(textOf(child(wmi, NS.wmiError, 'error_Code'))),
    httpStatus,
  });
};

/** Parses a response and throws its fault, if any. */
export const parseResponse = (text: string, httpStatus?: number): Document => {
  const doc = parseXml(text);
  const fault = faultOf(doc, httpStatus);
  if (fault !== undefined) throw fault;
  return doc;
};

const required = (value: string | undefined, what: string): string => {
  if (value === undefined || value === '') throw new ConnectionError('PROTOCOL', `The WinRM server's answer has no ${what}.`);
  return value;
};

/**
 * The ShellId of a CreateResponse: from the ResourceCreated selector, else the `rsp:Shell` echo.
 * Kept as the server wrote it (a WinRM v1 `uuid:` prefix included) minus padding, because it is
 * sent back to the same server.
 */
export const parseShellId = (doc: Document): string => {
  const body = bodyOf(doc);
  const selector = descendants(body, NS.wsman, 'Selector').find((s) => s.getAttribute('Name') === 'ShellId');
  const echoed = descendants(body, NS.shell, 'ShellId')[0];
  return required((textOf(selector) ?? textOf(echoed))?.trim(), 'ShellId');
};

export const parseCommandId = (doc: Document): string => {
  const response = child(bodyOf(doc), NS.shell, 'CommandResponse');
  return required(textOf(child(response, NS.shell, 'CommandId'))?.trim(), 'CommandId');
};

export interface ReceiveResult {
  /** Decoded bytes per stream name, chunks concatenated in document order. */
  streams: Map<string, Buffer>;
  /** Stream names marked `End="true"` in this response. */
  ended: Set<string>;
  state: 'running' | 'done' | 'pending' | undefined;
  /** Only with state done; absent on OMI servers. */
  exitCode: number | undefined;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const parseReceive = (doc: Document, commandId?: string): ReceiveResult => {
  const response = child(bodyOf(doc), NS.shell, 'ReceiveResponse');
  if (response === undefined) throw new ConnectionError('PROTOCOL', "The WinRM server's answer to Receive has no ReceiveResponse.");
  const parts = new Map<string, Buffer[]>();
  const ended = new Set<string>();
  for (const stream of descendants(response, NS.shell, 'Stream')) {
    const id = stream.getAttribute('CommandId');
    if (commandId !== undefined && id !== null && id.toUpperCase() !== commandId.toUpperCase()) continue;
    const name = stream.getAttribute('Name') ?? '';
    // Each element is its own base64 text: decoding the concatenation would break at inner padding.
    const b64 = (stream.textContent ?? '').replace(/\s+/g, '');
    if (!BASE64.test(b64) || b64.length % 4 === 1) throw new ConnectionError('PROTOCOL', `The WinRM server sent ${name} data that is not base64.`);
    const list = parts.get(name) ?? [];
    list.push(Buffer.from(b64, 'base64'));
    parts.set(name, list);
    if ((stream.getAttribute('End') ?? '').toLowerCase() === 'true') ended.add(name);
  }
  const stateEl = descendants(response, NS.shell, 'CommandState')[0];
  const stateUri = stateEl?.getAttribute('State') ?? undefined;
  const state =
    stateUri === COMMAND_STATE.done ? 'done' : stateUri === COMMAND_STATE.running ? 'running' : stateUri === COMMAND_STATE.pending ? 'pending' : undefined;
  const exitText = textOf(stateEl === undefined ? undefined : child(stateEl, NS.shell, 'ExitCode'))?.trim();
  let exitCode: number | undefined;
  if (state === 'done' && exitText !== undefined && exitText !== '') {
    // Windows writes exit codes as unsigned 32-bit numbers, some servers as signed.
    if (!/^-?\d+$/.test(exitText)) throw new ConnectionError('PROTOCOL', 'The WinRM server sent an exit code that is not a number.');
    exitCode = Number(exitText);
  }
  return { streams: new Map([...parts].map(([k, v]) => [k, Buffer.concat(v)])), ended, state, exitCode };
};

export interface IdentifyResult {
  vendor: string | undefined;
  /** On Windows `OS: 10.0.17763 SP: 0.0 Stack: 3.0`. */
  productVersion: string | undefined;
  protocolVersion: string | undefined;
}

export const parseIdentify = (doc: Document): IdentifyResult => {
  const response = child(bodyOf(doc), NS.identity, 'IdentifyResponse');
  if (response === undefined) throw new ConnectionError('PROTOCOL', "The WinRM server's answer to Identify has no IdentifyResponse.");
  return {
    vendor: clean(textOf(child(response, NS.identity, 'ProductVendor'))),
    productVersion: clean(textOf(child(response, NS.identity, 'ProductVersion'))),
    protocolVersion: clean(textOf(child(response, NS.identity, 'ProtocolVersion'))),
  };
};
