import { createPrivateKey, generateKeyPairSync, sign, X509Certificate } from 'node:crypto';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { AppError } from '../../core/errors';
import {
  MAX_SCAN_ADDRESSES,
  networkContains,
  parseScanCidr,
  scanAddresses,
} from '../../runner/discovery/cidr';
import {
  DEFAULT_CONCURRENCY,
  looksLikeWinrm,
  scanNetwork,
  tcpConnect,
  type Connect,
  type DialTarget,
} from '../../runner/discovery/scan';

/**
 * Discovery: which addresses a CIDR stands for and the /22 limit, then real scans of 127.0.0.0/29 against
 * servers on the loopback interface (an SSH banner, a WinRM-like listener over http and https, an HTTP server
 * that is not WinRM, a silent one, a closed port), with the dialler wrapped to record that nothing outside the
 * network is ever dialled. On Linux the whole of 127/8 is loopback; the servers listen on 127.0.0.1 only, so
 * 127.0.0.2–6 refuse every port.
 */

const appErrorOf = async (run: () => unknown): Promise<AppError> => {
  try {
    await run();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
};

describe('CIDR', () => {
  it.each<[string, string, string[]]>([
    ['a /29 without its network and broadcast addresses', '127.0.0.0/29', ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5', '127.0.0.6']],
    ['a /30', '10.0.0.4/30', ['10.0.0.5', '10.0.0.6']],
    ['a /31 point-to-point link, both ends', '10.0.0.6/31', ['10.0.0.6', '10.0.0.7']],
    ['a /32', '192.168.1.10/32', ['192.168.1.10']],
    ['host bits cleared as nmap does', '192.168.1.77/30', ['192.168.1.77', '192.168.1.78']],
    ['the top of the address space', '255.255.255.252/30', ['255.255.255.253', '255.255.255.254']],
    ['surrounding spaces', ' 10.1.2.0/31 ', ['10.1.2.0', '10.1.2.1']],
  ])('expands %s', (_, cidr, addresses) => {
    expect(scanAddresses(parseScanCidr(cidr))).toEqual(addresses);
  });

  it('expands a /24 to .1–.254', () => {
    const addresses = scanAddresses(parseScanCidr('10.20.30.0/24'));
    expect([addresses.length, addresses[0], addresses.at(-1)]).toEqual([254, '10.20.30.1', '10.20.30.254']);
  });

  it(`allows a /22 (${MAX_SCAN_ADDRESSES} addresses) and crosses octets within it`, () => {
    const network = parseScanCidr('10.0.5.9/22');
    const addresses = scanAddresses(network);
    expect(network.cidr).toBe('10.0.4.0/22');
    expect([addresses.length, addresses[0], addresses[254], addresses[255], addresses.at(-1)]).toEqual([
      MAX_SCAN_ADDRESSES - 2,
      '10.0.4.1',
      '10.0.4.255',
      '10.0.5.0',
      '10.0.7.254',
    ]);
    expect(addresses.every((a) => networkContains(network, a))).toBe(true);
    expect(['10.0.3.255', '10.0.8.0'].map((a) => networkContains(network, a))).toEqual([false, false]);
  });

  it.each<[string, string]>([
    ['a /21', '10.0.0.0/21'],
    ['a /16', '172.16.0.0/16'],
    ['everything', '0.0.0.0/0'],
  ])('refuses %s, naming the limit', async (_, cidr) => {
    const e = await appErrorOf(() => parseScanCidr(cidr));
    expect(e.status).toBe(400);
    expect(e.message).toContain(`at most a /22 (${MAX_SCAN_ADDRESSES} addresses)`);
    expect(e.details).toEqual([{ path: 'cidr', message: e.message }]);
  });

  it.each<[string, string, string]>([
    ['no prefix', '10.0.0.5', 'write 10.0.0.5/32 for one address'],
    ['IPv6', '2001:db8::/120', 'only IPv4 networks'],
    ['a host name', 'lab.example.com/24', 'CIDR notation'],
    ['an octet above 255', '10.0.0.256/24', 'is not an IPv4 address'],
    ['a leading zero', '10.0.0.010/32', 'is not an IPv4 address'],
    ['three octets', '10.0.0/24', 'is not an IPv4 address'],
    ['a prefix above 32', '10.0.0.0/33', 'is not a prefix length'],
    ['a padded prefix', '10.0.0.0/024', 'CIDR notation'],
    ['a zero-padded short prefix', '10.0.0.0/08', 'is not a prefix length'],
    ['a range', '10.0.0.1-10.0.0.9', 'CIDR notation'],
    ['empty', '', 'CIDR notation'],
  ])('refuses %s', async (_, cidr, message) => {
    const e = await appErrorOf(() => parseScanCidr(cidr));
    expect(e.status).toBe(400);
    expect(e.message).toContain(message);
  });
});

describe('WinRM fingerprint', () => {
  it.each<[string, boolean, string]>([
    ['401 with Negotiate', true, 'HTTP/1.1 401 \r\nWWW-Authenticate: Negotiate\r\n'],
    ['401 with Basic among others', true, 'HTTP/1.1 401 Unauthorized\r\nwww-authenticate: Kerberos, Basic realm="WSMAN"\r\n'],
    ['401 with a second header', true, 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Kerberos\r\nWWW-Authenticate: Negotiate\r\n'],
    ['405 from HTTP.sys', true, 'HTTP/1.1 405 Method Not Allowed\r\nServer: Microsoft-HTTPAPI/2.0\r\n'],
    ['200 from HTTP.sys', true, 'HTTP/1.1 200 OK\r\nServer: Microsoft-HTTPAPI/2.0\r\n'],
    ['401 with Bearer only', false, 'HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Bearer\r\n'],
    ['401 without a challenge', false, 'HTTP/1.1 401 Unauthorized\r\nServer: Microsoft-HTTPAPI/2.0\r\n'],
    ['404 from HTTP.sys', false, 'HTTP/1.1 404 Not Found\r\nServer: Microsoft-HTTPAPI/2.0\r\n'],
    ['200 from nginx', false, 'HTTP/1.1 200 OK\r\nServer: nginx\r\n'],
    ['not HTTP', false, 'SSH-2.0-OpenSSH_9.6\r\n'],
    ['nothing', false, ''],
  ])('%s → %s', (_, expected, head) => {
    expect(looksLikeWinrm(head)).toBe(expected);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Loopback servers

/** A self-signed P-256 certificate for 127.0.0.1, built from DER by hand so that the test needs no openssl. */
const selfSignedCertificate = (): { key: string; cert: string } => {
  const der = (tag: number, ...parts: Buffer[]): Buffer => {
    const body = Buffer.concat(parts);
    const length = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
    return Buffer.concat([Buffer.from([tag, ...length]), body]);
  };
  const sequence = (...parts: Buffer[]) => der(0x30, ...parts);
  const utcTime = (d: Date) => der(0x17, Buffer.from(`${d.toISOString().slice(2, 19).replace(/[-T:]/g, '')}Z`));
  const ecdsaWithSha256 = sequence(der(0x06, Buffer.from([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02])));
  const name = der(0x31, sequence(der(0x06, Buffer.from([0x55, 0x04, 0x03])), der(0x0c, Buffer.from('opsconductor-test'))));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const now = Date.now();
  const tbs = sequence(
    der(0xa0, der(0x02, Buffer.from([2]))),
    der(0x02, Buffer.from([1])),
    ecdsaWithSha256,
    sequence(name),
    sequence(utcTime(new Date(now - 3_600_000)), utcTime(new Date(now + 86_400_000))),
    sequence(name),
    publicKey.export({ type: 'spki', format: 'der' }),
  );
  const certificate = sequence(tbs, ecdsaWithSha256, der(0x03, Buffer.from([0]), sign('sha256', tbs, privateKey)));
  const lines = certificate.toString('base64').match(/.{1,64}/g) ?? [];
  const cert = `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
  return { key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert };
};

const WINRM_401 = 'HTTP/1.1 401 \r\nServer: Microsoft-HTTPAPI/2.0\r\nWWW-Authenticate: Negotiate\r\nWWW-Authenticate: Basic realm="WSMAN"\r\nContent-Length: 0\r\n\r\n';

const listen = (server: Server): Promise<number> =>
  new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve((server.address() as AddressInfo).port);
    });
  });

/** Answers WinRM-like once the request head is in, and keeps the heads it got. */
const httpResponder = (response: string, requests: string[]) => (socket: Duplex) => {
  let head = '';
  socket.on('error', () => undefined);
  socket.on('data', (chunk: Buffer) => {
    head += chunk.toString('latin1');
    if (head.includes('\r\n\r\n')) {
      requests.push(head);
      socket.end(response);
    }
  });
};

describe('scanNetwork on 127.0.0.0/29', () => {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  const ports = { ssh: 0, winrm: 0, winrmTls: 0, web: 0, silent: 0, sshV1: 0, closed: 0 };

  const track = (server: Server): Server => {
    servers.push(server);
    server.on('connection', (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    return server;
  };

  beforeAll(async () => {
    ports.ssh = await listen(
      track(
        createTcpServer((s) => {
          s.on('error', () => undefined);
          // A pre-banner line (RFC 4253 4.2), then the version line with a control character to be masked.
          s.write('Welcome to the lab\r\nSSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\u0007\r\n');
        }),
      ),
    );
    ports.sshV1 = await listen(
      track(
        createTcpServer((s) => {
          s.on('error', () => undefined);
          s.write('SSH-1.5-OldServer\r\n');
        }),
      ),
    );
    ports.winrm = await listen(track(createTcpServer(httpResponder(WINRM_401, requests))));
    const tlsServer = createTlsServer(selfSignedCertificate(), httpResponder(WINRM_401, requests));
    tlsServer.on('tlsClientError', () => undefined);
    ports.winrmTls = await listen(track(tlsServer));
    ports.web = await listen(track(createTcpServer(httpResponder('HTTP/1.1 404 Not Found\r\nServer: nginx\r\nContent-Length: 0\r\n\r\n', requests))));
    ports.silent = await listen(
      track(
        createTcpServer((s) => {
          s.on('error', () => undefined);
        }),
      ),
    );
    const closed = createTcpServer();
    ports.closed = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  const recording = (dialled: DialTarget[], inner: Connect = tcpConnect): Connect => (target, signal) => {
    dialled.push(target);
    return inner(target, signal);
  };

  it('the test certificate is what it claims to be', () => {
    const { cert, key } = selfSignedCertificate();
    const x509 = new X509Certificate(cert);
    expect(x509.subject).toBe('CN=opsconductor-test');
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
  });

  it('finds SSH, WinRM over http and https, and open ports, and dials only addresses of the network', async () => {
    const dialled: DialTarget[] = [];
    requests.length = 0;
    const scanPorts = [ports.ssh, ports.winrm, ports.winrmTls, ports.web, ports.silent, ports.sshV1, ports.closed];
    const started = Date.now();
    const candidates = await scanNetwork({
      cidr: '127.0.0.0/29',
      ports: scanPorts,
      timeoutMs: 400,
      winrmHttpPorts: [ports.winrm, ports.web],
      winrmHttpsPorts: [ports.winrmTls],
      connect: recording(dialled),
    });

    expect(candidates).toEqual(
      [
        { address: '127.0.0.1', port: ports.ssh, kind: 'ssh', banner: 'SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13?' },
        { address: '127.0.0.1', port: ports.winrm, kind: 'winrm-http' },
        { address: '127.0.0.1', port: ports.winrmTls, kind: 'winrm-https' },
        { address: '127.0.0.1', port: ports.web, kind: 'open' },
        { address: '127.0.0.1', port: ports.silent, kind: 'open' },
        { address: '127.0.0.1', port: ports.sshV1, kind: 'open' },
      ].sort((a, b) => a.port - b.port),
    );

    // Every address of the /29 but .0 and .7, every port once, nothing else.
    const expected = ['1', '2', '3', '4', '5', '6'].flatMap((last) => scanPorts.map((port) => `127.0.0.${last}:${port}`));
    expect(dialled.map((t) => `${t.address}:${t.port}`).sort()).toEqual(expected.sort());

    // The WinRM probe is one unauthenticated POST /wsman; the same to every http(s) port.
    expect(requests).toHaveLength(3);
    for (const head of requests) {
      expect(head).toMatch(/^POST \/wsman HTTP\/1\.1\r\n/);
      expect(head).toContain('Content-Length: 0\r\n');
      expect(head.toLowerCase()).not.toContain('authorization');
    }
    // The silent port costs one identification timeout, not one per address.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('leaves out connections that never complete, even from a dialler that ignores the signal', async () => {
    const dialled: DialTarget[] = [];
    const never: Connect = () => new Promise<Duplex>(() => undefined);
    const started = Date.now();
    const candidates = await scanNetwork({ cidr: '10.9.8.0/30', ports: [22, 5986], timeoutMs: 150, connect: recording(dialled, never) });
    expect(candidates).toEqual([]);
    expect(dialled.map((t) => `${t.address}:${t.port}`)).toEqual(['10.9.8.1:22', '10.9.8.1:5986', '10.9.8.2:22', '10.9.8.2:5986']);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('destroys a stream that arrives after the deadline', async () => {
    const late = new Duplex({ read: () => undefined, write: (_c, _e, cb) => { cb(); } });
    const connect: Connect = () =>
      new Promise((resolve) => {
        setTimeout(() => {
          resolve(late);
        }, 120);
      });
    expect(await scanNetwork({ cidr: '10.9.8.1/32', ports: [22], timeoutMs: 30, connect })).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(late.destroyed).toBe(true);
  });

  it('treats a dialler that throws as a closed port', async () => {
    const connect: Connect = () => {
      throw new Error('EHOSTUNREACH');
    };
    expect(await scanNetwork({ cidr: '10.9.8.0/30', ports: [22], connect })).toEqual([]);
  });

  it.each([
    ['the default', undefined, DEFAULT_CONCURRENCY],
    ['a given limit', 5, 5],
    ['the maximum', 256, 256],
  ])('keeps at most %s number of probes in flight', async (_, concurrency, expected) => {
    let inFlight = 0;
    let most = 0;
    const connect: Connect = () => {
      inFlight++;
      most = Math.max(most, inFlight);
      return new Promise((_resolve, reject) => {
        setTimeout(() => {
          inFlight--;
          reject(new Error('ECONNREFUSED'));
        }, 5);
      });
    };
    await scanNetwork({ cidr: '10.0.0.0/23', ports: [22, 5985], connect, ...(concurrency === undefined ? {} : { concurrency }) });
    expect(most).toBe(expected);
  });

  it('stops on abort, closes what is open and rejects with the reason', async () => {
    const controller = new AbortController();
    const opened: Duplex[] = [];
    const dialled: DialTarget[] = [];
    const connect: Connect = (target, signal) =>
      tcpConnect({ address: '127.0.0.1', port: target.address === '10.0.0.1' ? ports.silent : ports.closed }, signal).then((s) => {
        opened.push(s);
        return s;
      });
    setTimeout(() => {
      controller.abort(new Error('operator cancelled'));
    }, 100);
    const started = Date.now();
    await expect(
      scanNetwork({ cidr: '10.0.0.0/24', ports: [22], concurrency: 1, timeoutMs: 5000, signal: controller.signal, connect: recording(dialled, connect) }),
    ).rejects.toThrow('operator cancelled');
    expect(Date.now() - started).toBeLessThan(2000);
    expect(dialled).toEqual([{ address: '10.0.0.1', port: 22 }]);
    expect(opened.map((s) => s.destroyed)).toEqual([true]);
  });

  it('rejects an aborted signal before dialling', async () => {
    const dialled: DialTarget[] = [];
    await expect(scanNetwork({ cidr: '10.0.0.0/30', ports: [22], signal: AbortSignal.abort(), connect: recording(dialled) })).rejects.toThrow();
    expect(dialled).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a network above /22', { cidr: '10.0.0.0/20' }, 'cidr', 'at most a /22 (1024 addresses)'],
    ['no ports', { ports: [] }, 'ports', 'at least one port is required'],
    ['port 0', { ports: [0] }, 'ports', '0 is not a port (1–65535)'],
    ['port 65536', { ports: [22, 65536] }, 'ports', '65536 is not a port'],
    ['too many ports', { ports: Array.from({ length: 33 }, (_, i) => i + 1) }, 'ports', 'at most 32 ports'],
    ['a bad WinRM port', { winrmHttpsPorts: [1.5] }, 'winrmHttpsPorts', '1.5 is not a port'],
    ['concurrency 0', { concurrency: 0 }, 'concurrency', 'from 1 to 256'],
    ['concurrency 257', { concurrency: 257 }, 'concurrency', 'from 1 to 256'],
    ['a fractional timeout', { timeoutMs: 1.5 }, 'timeoutMs', 'from 1 to 60000'],
    ['a zero timeout', { timeoutMs: 0 }, 'timeoutMs', 'from 1 to 60000'],
  ])('refuses %s before dialling', async (_, change, path, message) => {
    const dialled: DialTarget[] = [];
    const e = await appErrorOf(() => scanNetwork({ cidr: '10.0.0.0/30', ports: [22], connect: recording(dialled), ...change }));
    expect(e.status).toBe(400);
    expect(e.message).toContain(message);
    expect(e.details).toEqual([{ path, message: e.message }]);
    expect(dialled).toEqual([]);
  });
});
