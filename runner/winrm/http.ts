import http from 'node:http';
import https from 'node:https';
import { abortErrorOf, ConnectionError, DNS_CODES, UNREACHABLE_CODES } from '../connection-error';
import { faultOf, parseXml } from './responses';

/**
 * WinRM's HTTP transport: SOAP envelopes POSTed to `/wsman` over one keep-alive connection per
 * host (an Agent with one socket: WinRM ties authentication to the connection, and a host should
 * not see a burst of parallel connections from one runner). TLS is verified unless a target opts
 * out; a target may bring its own CA bundle. HTTP 401 is AUTH_FAILED; an HTTP 500 carrying a SOAP
 * fault is that fault; everything else that is not 200 is PROTOCOL.
 */

export type WinRmScheme = 'http' | 'https';

export interface WinRmBasicAuth {
  kind: 'basic';
  username: string;
  password: string;
}
export type WinRmAuth = WinRmBasicAuth;

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

/** A response carries at most MaxEnvelopeSize bytes; anything far beyond that is not WinRM. */
const MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

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

export class WinRmHttpTransport {
  /** The endpoint, as it also goes into each message's `To` header. */
  readonly url: string;
  private readonly target: string;
  private readonly agent: http.Agent;
  private readonly authorization: string;

  constructor(private readonly opts: WinRmTransportOptions) {
    this.target = `${formatHost(opts.host)}:${String(opts.port)}`;
    this.url = `${opts.scheme}://${this.target}/wsman`;
    if (opts.scheme === 'http' && opts.allowUnencrypted !== true) {
      throw new ConnectionError(
        'PROTOCOL',
        `Basic authentication over plain HTTP would send the password for ${this.target} readable on the network; use HTTPS (port 5986) or NTLM.`,
      );
    }
    this.authorization = `Basic ${Buffer.from(`${opts.auth.username}:${opts.auth.password}`, 'utf8').toString('base64')}`;
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
  post(envelope: string, { timeoutMs, signal }: PostOptions): Promise<string> {
    if (signal?.aborted === true) return Promise.reject(abortErrorOf(signal));
    const body = Buffer.from(envelope, 'utf8');
    const request = this.opts.scheme === 'https' ? https.request : http.request;
    return new Promise<string>((resolve, reject) => {
      let settled = false;
      const finish = (err: Error | undefined, value?: string): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err === undefined) resolve(value ?? '');
        else reject(err);
      };
      const req = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          headers: {
            'Content-Type': 'application/soap+xml;charset=UTF-8',
            'Content-Length': String(body.length),
            Authorization: this.authorization,
            'User-Agent': 'OpsConductor WinRM client',
          },
        },
        (res) => {
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
            finish(this.classify(e, timeoutMs));
          });
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            finish(status === 200 ? undefined : this.statusError(status, text), text);
          });
        },
      );
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
      req.end(body);
    });
  }

  /** Closes the connection. Requests still in flight fail. */
  close(): void {
    this.agent.destroy();
  }

  private statusError(status: number, text: string): Error {
    if (status === 401) {
      return new ConnectionError(
        'AUTH_FAILED',
        `${this.target} rejected the credentials for user '${this.opts.auth.username}' (HTTP 401): a wrong password, or Basic authentication is disabled on the WinRM service.`,
      );
    }
    if (status === 500 && text.trim() !== '') {
      try {
        const fault = faultOf(parseXml(text), status);
        if (fault !== undefined) return fault;
      } catch {
        // Not SOAP: reported below by status.
      }
    }
    return new ConnectionError('PROTOCOL', `${this.target} answered a WinRM request with HTTP ${String(status)}${status === 404 ? ' (no WinRM listener at /wsman)' : ''}.`);
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
