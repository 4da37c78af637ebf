import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { abortErrorOf, ConnectionError, DNS_CODES, UNREACHABLE_CODES } from '../connection-error';
import { decryptBody, encryptBody, isEncryptedContentType, MessageEncryptionError } from './encryption';
import { isNtlmError, NtlmClient, tlsServerEndPoint } from './ntlm';
import { faultOf, parseXml } from './responses';

/**
 * WinRM's HTTP transport: SOAP envelopes POSTed to `/wsman` over one keep-alive connection per
 * host (an Agent with one socket: NTLM authenticates the connection, not the request, and a host
 * should not see a burst of parallel connections from one runner). TLS is verified unless a target
 * opts out; a target may bring its own CA bundle.
 *
 * Authentication: Basic (HTTPS only, unless explicitly allowed), or NTLMv2. NTLM over HTTP seals
 * every body (`multipart/encrypted`, as Windows requires with AllowUnencrypted=false); over HTTPS
 * it binds the handshake to the server's certificate (channel binding) and TLS protects the bodies.
 *
 * HTTP 401 is AUTH_FAILED; an HTTP 500 carrying a SOAP fault is that fault (WinRmFault); every
 * other failure is a ConnectionError in a category an operator can act on.
 */

export type WinRmScheme = 'http' | 'https';

export type WinRmAuth =
  | { kind: 'basic'; username: string; password: string }
  /** `user`, `DOMAIN\user` or `user@domain`. */
  | { kind: 'ntlm'; username: string; password: string; domain?: string | undefined };

export interface WinRmTlsOptions {
  /** false accepts any certificate: only for lab listeners with self-signed certificates. */
  verify?: boolean | undefined;
  /** PEM bundle of the CAs this target's certificate chains to, instead of the system's. */
  ca?: string | undefined;
}

export interface WinRmTransportOptions {
  host: string;
  port: number;
  scheme: WinRmScheme;
  auth: WinRmAuth;
  tls?: WinRmTlsOptions | undefined;
  /**
   * Basic over plain HTTP puts the password on the wire in base64; Windows refuses unencrypted
   * bodies by default (AllowUnencrypted=false), and so does this transport unless told otherwise.
   */
  allowUnencrypted?: boolean | undefined;
}

export interface PostOptions {
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

interface Exchange {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  socket: Socket;
}

/** A response carries at most MaxEnvelopeSize bytes; anything far beyond that is not WinRM. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;
const SOAP_CONTENT_TYPE = 'application/soap+xml;charset=UTF-8';

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const formatHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/** The token of a `WWW-Authenticate: Negotiate <base64>` header, among possibly several challenges. */
const negotiateToken = (rawHeaders: string[]): Buffer | undefined => {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]?.toLowerCase() !== 'www-authenticate') continue;
    const m = /^\s*Negotiate\s+([A-Za-z0-9+/=]+)\s*$/i.exec(rawHeaders[i + 1] ?? '');
    if (m?.[1] !== undefined) return Buffer.from(m[1], 'base64');
  }
  return undefined;
};

export class WinRmHttpTransport {
  /** The endpoint, as it also goes into each message's `To` header. */
  readonly url: string;
  private readonly target: string;
  private readonly agent: http.Agent;
  /** The NTLM context and the connection it authenticated; a new connection needs a new handshake. */
  private ntlm: { client: NtlmClient; socket: Socket } | undefined;

  constructor(private readonly opts: WinRmTransportOptions) {
    this.target = `${formatHost(opts.host)}:${String(opts.port)}`;
    this.url = `${opts.scheme}://${this.target}/wsman`;
    if (opts.scheme === 'http' && opts.auth.kind === 'basic' && opts.allowUnencrypted !== true) {
      throw new ConnectionError(
        'PROTOCOL',
        `Basic authentication over plain HTTP would send the password for ${this.target} readable on the network; use HTTPS (port 5986) or NTLM.`,
      );
    }
    const agentOptions = { keepAlive: true, maxSockets: 1, maxFreeSockets: 1, scheduling: 'lifo' as const };
    this.agent =
      opts.scheme === 'https'
        ? new https.Agent({
            ...agentOptions,
            rejectUnauthorized: opts.tls?.verify !== false,
            ...(opts.tls?.ca === undefined ? {} : { ca: opts.tls.ca }),
          })
        : new http.Agent(agentOptions);
  }

  /**
   * POSTs one envelope and answers the response body of a 200. Rejects with a WinRmFault for a SOAP
   * fault, a ConnectionError for everything else, or the signal's reason when aborted.
   */
  async post(envelope: string, opts: PostOptions): Promise<string> {
    const soap = Buffer.from(envelope, 'utf8');
    const { auth } = this.opts;
    if (auth.kind === 'basic') {
      const authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
      const res = await this.exchange(soap, { 'Content-Type': SOAP_CONTENT_TYPE, Authorization: authorization }, opts);
      return this.answer(res.status, res.body.toString('utf8'));
    }
    // A 401 on an established context means the server lost the connection's authentication
    // (it closed the socket, or an aborted request did): authenticate once more, then give up.
    for (let attempt = 0; ; attempt++) {
      this.ntlm ??= await this.authenticateNtlm(auth, opts);
      const { client } = this.ntlm;
      const sealed = this.opts.scheme === 'http' ? encryptBody(client, soap) : { contentType: SOAP_CONTENT_TYPE, body: soap };
      const res = await this.exchange(sealed.body, { 'Content-Type': sealed.contentType }, opts);
      if (res.status === 401) {
        this.ntlm = undefined;
        if (attempt === 0) continue;
        throw this.failure(401, '');
      }
      return this.answer(res.status, this.openBody(client, res));
    }
  }

  /** Closes the connection. Requests still in flight fail. */
  close(): void {
    this.ntlm = undefined;
    this.agent.destroy();
  }

  private openBody(client: NtlmClient, res: Exchange): string {
    const contentType = res.headers['content-type'] ?? '';
    if (!isEncryptedContentType(contentType)) {
      if (this.opts.scheme === 'http' && res.body.length > 0) {
        throw new ConnectionError('PROTOCOL', `${this.target} answered an encrypted WinRM request in clear text; refusing to trust it.`);
      }
      return res.body.toString('utf8');
    }
    try {
      return decryptBody(client, contentType, res.body).toString('utf8');
    } catch (e) {
      // The RC4 stream has moved on: this context cannot read the next message either.
      this.ntlm = undefined;
      if (e instanceof MessageEncryptionError || isNtlmError(e)) {
        throw new ConnectionError('PROTOCOL', `${this.target} sent an encrypted WinRM message that could not be opened (${e.message})`);
      }
      throw e;
    }
  }

  private async authenticateNtlm(auth: Extract<WinRmAuth, { kind: 'ntlm' }>, opts: PostOptions): Promise<{ client: NtlmClient; socket: Socket }> {
    let client: NtlmClient | undefined;
    const first = await this.exchange(Buffer.alloc(0), { 'Content-Type': SOAP_CONTENT_TYPE }, opts, (socket) => {
      // Over HTTPS the handshake names the certificate it was made over (Extended Protection).
      const cert = socket instanceof TLSSocket ? socket.getPeerCertificate().raw : undefined;
      client = new NtlmClient({
        username: auth.username,
        password: auth.password,
        domain: auth.domain,
        channelBindings: cert === undefined ? undefined : tlsServerEndPoint(cert),
      });
      return { Authorization: `Negotiate ${client.negotiate().toString('base64')}` };
    });
    const challenge = negotiateToken(first.rawHeaders);
    if (client === undefined || first.status !== 401 || challenge === undefined) {
      if (first.status === 401) {
        throw new ConnectionError('AUTH_FAILED', `${this.target} does not offer NTLM (Negotiate) authentication for WinRM.`);
      }
      throw new ConnectionError('PROTOCOL', `${this.target} answered the NTLM negotiation with HTTP ${String(first.status)} instead of a challenge.`);
    }
    let token: Buffer;
    try {
      token = client.authenticate(challenge);
    } catch (e) {
      throw new ConnectionError('PROTOCOL', `${this.target} sent an NTLM challenge this client cannot answer (${e instanceof Error ? e.message : String(e)})`);
    }
    const second = await this.exchange(Buffer.alloc(0), { 'Content-Type': SOAP_CONTENT_TYPE, Authorization: `Negotiate ${token.toString('base64')}` }, opts);
    if (second.status !== 200) throw this.failure(second.status, second.body.toString('utf8'));
    if (second.socket !== first.socket) {
      throw new ConnectionError('PROTOCOL', `${this.target} did not keep the connection open during NTLM authentication.`);
    }
    return { client, socket: second.socket };
  }

  /** The body of a 200; every other status as the error it stands for. */
  private answer(status: number, text: string): string {
    if (status === 200) return text;
    throw this.failure(status, text);
  }

  private failure(status: number, text: string): Error {
    const { auth } = this.opts;
    if (status === 401) {
      return new ConnectionError(
        'AUTH_FAILED',
        `${this.target} rejected the credentials for user '${auth.username}' (HTTP 401): a wrong password, or ${auth.kind === 'basic' ? 'Basic' : 'NTLM'} authentication is disabled on the WinRM service.`,
      );
    }
    if (status === 500 && text.trim() !== '') {
      let fault;
      try {
        fault = faultOf(parseXml(text), status);
      } catch {
        // Not SOAP: reported below by status.
      }
      if (fault !== undefined) return fault;
    }
    return new ConnectionError('PROTOCOL', `${this.target} answered a WinRM request with HTTP ${String(status)}${status === 404 ? ' (no WinRM listener at /wsman)' : ''}.`);
  }

  /**
   * One HTTP request on the host's connection. `beforeSend` sees the connected (for HTTPS:
   * TLS-established) socket and may add headers, so a handshake can depend on the certificate.
   */
  private exchange(body: Buffer, headers: Record<string, string>, { timeoutMs, signal }: PostOptions, beforeSend?: (socket: Socket) => Record<string, string>): Promise<Exchange> {
    if (signal?.aborted === true) return Promise.reject(abortErrorOf(signal));
    const request = this.opts.scheme === 'https' ? https.request : http.request;
    return new Promise<Exchange>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | undefined, value?: Exchange): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err === undefined && value !== undefined) resolve(value);
        else reject(err ?? new Error('no response'));
      };
      const req = request(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...headers, 'Content-Length': String(body.length), 'User-Agent': 'OpsConductor WinRM client' },
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new ConnectionError('PROTOCOL', `${this.target} sent a response larger than ${String(MAX_RESPONSE_BYTES)} bytes; that is not a WinRM answer.`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (e) => {
          finish(this.classify(e, timeoutMs, signal));
        });
        res.on('end', () => {
          finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks), socket: res.socket });
        });
      });
      const timer = setTimeout(() => {
        req.destroy(new ConnectionError('TIMEOUT', `${this.target} did not answer a WinRM request within ${String(timeoutMs)} ms.`, { code: 'ETIMEDOUT' }));
      }, timeoutMs);
      const onAbort = (): void => {
        if (signal !== undefined) req.destroy(abortErrorOf(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e) => {
        finish(this.classify(e, timeoutMs, signal));
      });
      if (beforeSend === undefined) {
        req.end(body);
        return;
      }
      req.on('socket', (socket) => {
        const send = (): void => {
          try {
            for (const [name, value] of Object.entries(beforeSend(socket))) req.setHeader(name, value);
            req.end(body);
          } catch (e) {
            req.destroy(e instanceof Error ? e : new Error(String(e)));
          }
        };
        // A reused connection is ready; a new one first connects (and for HTTPS completes its handshake).
        if (socket instanceof TLSSocket) {
          // The peer certificate is there once the handshake is done (getProtocol() answers earlier).
          if (Object.keys(socket.getPeerCertificate()).length > 0) send();
          else socket.once('secureConnect', send);
        } else if (socket.connecting) socket.once('connect', send);
        else send();
      });
    });
  }

  private classify(e: Error, timeoutMs: number, signal?: AbortSignal): Error {
    if (e instanceof ConnectionError) return e;
    if (signal?.aborted === true) return abortErrorOf(signal);
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined && DNS_CODES.has(code)) return new ConnectionError('DNS', `The host name ${this.opts.host} could not be resolved.`, { code });
    if (code === 'ECONNREFUSED') return new ConnectionError('REFUSED', `${this.target} refused the connection: no WinRM listener there, or a firewall rejects it.`, { code });
    if (code !== undefined && UNREACHABLE_CODES.has(code)) return new ConnectionError('REFUSED', `${this.target} is unreachable from the runner (${code}).`, { code });
    if (code === 'ETIMEDOUT') return new ConnectionError('TIMEOUT', `${this.target} did not answer within ${String(timeoutMs)} ms.`, { code });
    if (code !== undefined && TLS_CODES.has(code)) {
      return new ConnectionError(
        'TLS',
        `The TLS certificate of ${this.target} is not trusted (${code}): give the target the CA bundle its certificate chains to, or turn certificate verification off for it.`,
        { code },
      );
    }
    return new ConnectionError('PROTOCOL', `Network error talking to ${this.target}${code === undefined ? '' : ` (${code})`}.`, code === undefined ? {} : { code });
  }
}
