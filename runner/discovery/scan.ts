/**
 * Discovery: which addresses of a small IPv4 network answer on the given TCP ports, and whether what answers
 * looks like SSH or WinRM, so that an operator can turn candidates into targets.
 *
 * Each address × port gets one TCP connection, bounded by `timeoutMs` to connect and again `timeoutMs` to tell
 * what answered. The probes are read-only and unauthenticated: SSH servers speak first, so the probe only reads
 * the version line; WinRM listeners get one `POST /wsman` without credentials, which they answer with 401 and
 * the authentication schemes they offer. Nothing is sent that could log anyone in or change anything.
 * Only addresses inside the CIDR are dialled (see cidr.ts for which ones).
 */
import { setMaxListeners } from 'node:events';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import { AppError } from '../../core/errors';
import { parseScanCidr, scanAddresses } from './cidr';

export type CandidateKind = 'ssh' | 'winrm-http' | 'winrm-https' | 'open';

export interface Candidate {
  address: string;
  port: number;
  /** `open`: the port accepted a connection, but what answered was neither SSH nor WinRM (or said nothing in time). */
  kind: CandidateKind;
  /** For `ssh`: the server's version line, e.g. `SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13`, printable ASCII only. */
  banner?: string;
}

export interface DialTarget {
  address: string;
  port: number;
}

/**
 * Opens a TCP connection; resolves once it is established. The scanner aborts `signal` at its deadline and
 * destroys a stream that arrives late, so an implementation need not time out on its own.
 */
export type Connect = (target: DialTarget, signal: AbortSignal) => Promise<Duplex>;

export interface ScanOptions {
  /** IPv4 network in CIDR notation, at most a /22. */
  cidr: string;
  /** TCP ports to probe on every address, 1–65535, at most MAX_SCAN_PORTS distinct. */
  ports: readonly number[];
  /** Probes in flight at once: 1–256, default 64. */
  concurrency?: number;
  /** Milliseconds to connect, and again to identify what answered: 1–60000, default 1500. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Replaces the TCP dialler (tests record what is dialled, or simulate hosts that never answer). */
  connect?: Connect;
  /** Ports probed as WinRM over http; default 5985. Listeners are sometimes moved (80 for the compatibility listener). */
  winrmHttpPorts?: readonly number[];
  /** Ports probed as WinRM over https; default 5986. */
  winrmHttpsPorts?: readonly number[];
}

export const DEFAULT_DISCOVERY_PORTS: readonly number[] = [22, 5985, 5986];
export const DEFAULT_CONCURRENCY = 64;
export const MAX_CONCURRENCY = 256;
export const DEFAULT_TIMEOUT_MS = 1500;
export const MAX_TIMEOUT_MS = 60_000;
export const MAX_SCAN_PORTS = 32;

/** RFC 4253 4.2: the version line, CR LF included, is at most 255 bytes. */
const SSH_MAX_LINE = 255;
/** Lines a server may send before its version line, bounded so that a chatty service cannot keep a probe reading. */
const SSH_MAX_PREAMBLE = 4096;
const HTTP_MAX_HEAD = 16_384;

const invalid = (path: string, message: string): AppError => new AppError('VALIDATION_FAILED', message, [{ path, message }]);

const isIntegerIn = (v: number, min: number, max: number): boolean => Number.isInteger(v) && v >= min && v <= max;

const reasonOf = (signal: AbortSignal): Error =>
  signal.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted.', 'AbortError');

/** The default dialler: a plain TCP connection. Addresses are IP literals, so nothing is looked up in DNS. */
export const tcpConnect: Connect = (target, signal) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(reasonOf(signal));
      return;
    }
    const socket = netConnect({ host: target.address, port: target.port });
    const onAbort = () => {
      socket.destroy();
      reject(reasonOf(signal));
    };
    const onError = (e: Error) => {
      signal.removeEventListener('abort', onAbort);
      reject(e);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });

/** A signal that aborts after `ms` or with `parent`; `clear` releases the timer and the listener on the parent. */
const deadline = (ms: number, parent: AbortSignal): { signal: AbortSignal; clear: () => void } => {
  const controller = new AbortController();
  const onParent = () => {
    controller.abort(parent.reason);
  };
  const timer = setTimeout(() => {
    controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'));
  }, ms);
  if (parent.aborted) onParent();
  else parent.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParent);
    },
  };
};

/** Dials within the deadline even when `connect` ignores the signal; a stream that arrives after it is destroyed. */
const dial = (connect: Connect, target: DialTarget, signal: AbortSignal): Promise<Duplex> =>
  new Promise((resolve, reject) => {
    const dialling = new Promise<Duplex>((r) => {
      r(connect(target, signal));
    });
    const onAbort = () => {
      dialling.then((s) => s.destroy(), () => undefined);
      reject(reasonOf(signal));
    };
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    dialling.then(
      (stream) => {
        signal.removeEventListener('abort', onAbort);
        resolve(stream);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });

/**
 * Reads until `enough` says so, `max` bytes have come, the stream ends or fails, or the signal aborts; resolves
 * with what came (possibly nothing) and never rejects, because a silent or broken service is an answer too.
 */
const collect = (stream: Duplex, signal: AbortSignal, max: number, enough: (data: Buffer) => boolean): Promise<Buffer> =>
  new Promise((resolve) => {
    let data = Buffer.alloc(0);
    const finish = () => {
      stream.removeListener('data', onData);
      stream.removeListener('end', finish);
      stream.removeListener('close', finish);
      stream.removeListener('error', finish);
      signal.removeEventListener('abort', finish);
      resolve(data.subarray(0, max));
    };
    const onData = (chunk: Buffer | string) => {
      data = Buffer.concat([data, typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk]);
      if (data.length >= max || enough(data)) finish();
    };
    stream.on('data', onData);
    stream.once('end', finish);
    stream.once('close', finish);
    stream.once('error', finish);
    if (signal.aborted) finish();
    else signal.addEventListener('abort', finish, { once: true });
  });

// Banners come from whoever owns the address and end up in the console: printable ASCII only.
const printable = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?');

/** The version line among the lines read, if there is one, complete or cut at the RFC's 255 bytes. */
const sshVersionLine = (data: Buffer): string | undefined => {
  const text = data.toString('latin1');
  let start = 0;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const line = end === -1 ? text.slice(start) : text.slice(start, end + 1);
    if (line.startsWith('SSH-')) {
      if (end === -1 && line.length < SSH_MAX_LINE) return undefined;
      return line.slice(0, SSH_MAX_LINE).replace(/\r?\n$/, '');
    }
    if (end === -1) return undefined;
    start = end + 1;
  }
  return undefined;
};

const probeSsh = async (stream: Duplex, target: DialTarget, signal: AbortSignal): Promise<Candidate> => {
  const data = await collect(stream, signal, SSH_MAX_PREAMBLE, (d) => sshVersionLine(d) !== undefined);
  const line = sshVersionLine(data);
  // 1.99 is a server that also speaks 2.0; an SSH-1.x-only server cannot be a target.
  if (line !== undefined && /^SSH-(?:2\.0|1\.99)-/.test(line)) return { ...target, kind: 'ssh', banner: printable(line) };
  return { ...target, kind: 'open' };
};

const wsmanRequest = (target: DialTarget): string =>
  [
    'POST /wsman HTTP/1.1',
    `Host: ${target.address}:${target.port}`,
    'User-Agent: OpsConductor-Discovery',
    'Content-Type: application/soap+xml;charset=UTF-8',
    'Content-Length: 0',
    'Connection: close',
    '',
    '',
  ].join('\r\n');

/**
 * WinRM's HTTP.sys listener answers an unauthenticated POST /wsman with 401 and its schemes (Negotiate, Basic),
 * or, when configured so, 200/405 with `Server: Microsoft-HTTPAPI/x`.
 */
export const looksLikeWinrm = (head: string): boolean => {
  const [statusLine = '', ...headerLines] = head.split(/\r?\n/);
  const status = /^HTTP\/1\.[01] ([0-9]{3})(?: |$)/.exec(statusLine)?.[1];
  const values = (name: string) =>
    headerLines.flatMap((l) => {
      const colon = l.indexOf(':');
      return colon > 0 && l.slice(0, colon).trim().toLowerCase() === name ? [l.slice(colon + 1).trim()] : [];
    });
  if (status === '401') return values('www-authenticate').some((v) => /(?:^|,)\s*(?:Negotiate|Basic)\b/i.test(v));
  if (status === '200' || status === '405') return values('server').some((v) => /\bMicrosoft-HTTPAPI\//i.test(v));
  return false;
};

const probeWinrm = async (stream: Duplex, target: DialTarget, signal: AbortSignal, kind: 'winrm-http' | 'winrm-https'): Promise<Candidate> => {
  stream.write(wsmanRequest(target));
  const data = await collect(stream, signal, HTTP_MAX_HEAD, (d) => d.includes('\r\n\r\n') || d.includes('\n\n'));
  return { ...target, kind: looksLikeWinrm(data.toString('latin1')) ? kind : 'open' };
};

/** Completes a TLS handshake over `raw`; undefined when the other side does not speak TLS in time. */
const startTls = (raw: Duplex, target: DialTarget, signal: AbortSignal): Promise<Duplex | undefined> =>
  new Promise((resolve) => {
    // Verification is off for this probe only, on purpose: WinRM https listeners mostly carry self-signed or
    // internal-CA certificates, and the question here is "is this WinRM?", not "may we trust it?". Nothing secret
    // is sent over this connection; real connections verify per the target's winrm.verifyTls.
    const secure = tlsConnect({ socket: raw, host: target.address, rejectUnauthorized: false });
    secure.on('error', () => undefined);
    const done = (result: Duplex | undefined) => {
      signal.removeEventListener('abort', onAbort);
      secure.removeListener('close', onClose);
      resolve(result);
    };
    const onAbort = () => {
      done(undefined);
    };
    const onClose = () => {
      done(undefined);
    };
    secure.once('secureConnect', () => {
      done(secure);
    });
    secure.once('close', onClose);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });

type ProbeType = 'ssh' | 'winrm-http' | 'winrm-https';

interface ScanContext {
  connect: Connect;
  timeoutMs: number;
  signal: AbortSignal;
}

/** One address × port: undefined when nothing accepted the connection in time. */
const probe = async (target: DialTarget, type: ProbeType, ctx: ScanContext): Promise<Candidate | undefined> => {
  const connecting = deadline(ctx.timeoutMs, ctx.signal);
  let raw: Duplex;
  try {
    raw = await dial(ctx.connect, target, connecting.signal);
  } catch {
    // Refused, unreachable, timed out or aborted: not a candidate.
    return undefined;
  } finally {
    connecting.clear();
  }
  // Failures end a probe through `collect`; this keeps one that comes after it from being an unhandled 'error'.
  raw.on('error', () => undefined);
  const identifying = deadline(ctx.timeoutMs, ctx.signal);
  let stream = raw;
  try {
    if (type === 'ssh') return await probeSsh(raw, target, identifying.signal);
    if (type === 'winrm-https') {
      const secure = await startTls(raw, target, identifying.signal);
      if (secure === undefined) return { ...target, kind: 'open' };
      stream = secure;
    }
    return await probeWinrm(stream, target, identifying.signal, type);
  } finally {
    identifying.clear();
    stream.destroy();
    raw.destroy();
  }
};

const validatePorts = (ports: readonly number[], path: string, min: number): number[] => {
  const bad = ports.find((p) => !isIntegerIn(p, 1, 65535));
  if (bad !== undefined) throw invalid(path, `${String(bad)} is not a port (1–65535)`);
  const distinct = [...new Set(ports)];
  if (distinct.length < min) throw invalid(path, 'at least one port is required');
  if (distinct.length > MAX_SCAN_PORTS) throw invalid(path, `at most ${MAX_SCAN_PORTS} ports can be scanned at once`);
  return distinct;
};

/**
 * Scans `cidr` for the given ports and returns what answered, ordered by address and port. Rejects with AppError
 * 400 for invalid options (before dialling anything), and with the signal's reason when aborted; in-flight
 * connections are closed before it settles.
 */
export const scanNetwork = async (options: ScanOptions): Promise<Candidate[]> => {
  const network = parseScanCidr(options.cidr);
  const ports = validatePorts(options.ports, 'ports', 1);
  const winrmHttp = new Set(validatePorts(options.winrmHttpPorts ?? [5985], 'winrmHttpPorts', 0));
  const winrmHttps = new Set(validatePorts(options.winrmHttpsPorts ?? [5986], 'winrmHttpsPorts', 0));
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!isIntegerIn(concurrency, 1, MAX_CONCURRENCY)) throw invalid('concurrency', `must be a whole number from 1 to ${MAX_CONCURRENCY}`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!isIntegerIn(timeoutMs, 1, MAX_TIMEOUT_MS)) throw invalid('timeoutMs', `must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS}`);
  options.signal?.throwIfAborted();
  // Every probe in flight listens on this signal (two deadlines each); the caller's signal gets one listener.
  const stop = new AbortController();
  setMaxListeners(2 * MAX_CONCURRENCY + 8, stop.signal);
  const onAbort = () => {
    stop.abort(options.signal?.reason);
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = stop.signal;

  const addresses = scanAddresses(network);
  const ctx: ScanContext = { connect: options.connect ?? tcpConnect, timeoutMs, signal };
  // Any port not named as WinRM is read for an SSH version line: SSH servers speak first, and whatever else
  // accepts the connection shows as `open`.
  const typeOf = (port: number): ProbeType => (winrmHttps.has(port) ? 'winrm-https' : winrmHttp.has(port) ? 'winrm-http' : 'ssh');

  // One shared iterator feeds a fixed number of workers: at most `concurrency` probes are ever in flight.
  const work = (function* () {
    for (const address of addresses) for (const port of ports) yield { address, port };
  })();
  const candidates: Candidate[] = [];
  const worker = async (): Promise<void> => {
    for (let next = work.next(); !next.done && !signal.aborted; next = work.next()) {
      const found = await probe(next.value, typeOf(next.value.port), ctx);
      if (found !== undefined) candidates.push(found);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, addresses.length * ports.length) }, worker));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  signal.throwIfAborted();

  const order = new Map(addresses.map((a, i) => [a, i]));
  return candidates.sort((a, b) => (order.get(a.address) ?? 0) - (order.get(b.address) ?? 0) || a.port - b.port);
};
