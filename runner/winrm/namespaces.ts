/**
 * The XML namespaces, actions and URIs of WS-Management remote shells (MS-WSMV). Responses are
 * matched on these URIs, never on prefixes: servers use `s`/`env`/`SOAP-ENV`, `a`/`wsa`,
 * `w`/`wsman` and `rsp`/`p` interchangeably.
 */
export const NS = {
  soap: 'http://www.w3.org/2003/05/soap-envelope',
  addressing: 'http://schemas.xmlsoap.org/ws/2004/08/addressing',
  wsman: 'http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd',
  /** Microsoft's WS-Man extensions (SessionId, DataLocale). */
  wsmv: 'http://schemas.microsoft.com/wbem/wsman/1/wsman.xsd',
  shell: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell',
  transfer: 'http://schemas.xmlsoap.org/ws/2004/09/transfer',
  wsmanFault: 'http://schemas.microsoft.com/wbem/wsman/1/wsmanfault',
  wmiError: 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/MSFT_WmiError',
  identity: 'http://schemas.dmtf.org/wbem/wsman/identity/1/wsmanidentity.xsd',
  xml: 'http://www.w3.org/XML/1998/namespace',
} as const;

export const ACTION = {
  create: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Create',
  delete: 'http://schemas.xmlsoap.org/ws/2004/09/transfer/Delete',
  command: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Command',
  send: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Send',
  receive: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Receive',
  signal: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/Signal',
} as const;

export const RESOURCE_URI_CMD = 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/cmd';
export const ANONYMOUS_REPLY_TO = 'http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous';

export const SIGNAL = {
  terminate: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/terminate',
  ctrl_c: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/signal/ctrl_c',
} as const;
export type SignalName = keyof typeof SIGNAL;

export const COMMAND_STATE = {
  running: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Running',
  done: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Done',
  pending: 'http://schemas.microsoft.com/wbem/wsman/1/windows/shell/CommandState/Pending',
} as const;

/** WSManFault code of a Receive that saw no output within OperationTimeout (0x80338029): routine, not an error. */
export const WSMAN_TIMED_OUT_CODE = 2150858793;
