import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/**
 * Where notification tests send to, on loopback: an SMTP server that requires a login and keeps
 * what it accepted, and an HTTP receiver that answers each path from a script of statuses.
 */
export interface CaughtMail {
  from: string;
  to: string[];
  /** The message as sent, quoted-printable soft line breaks joined. */
  data: string;
}

export const startSmtpCatcher = async (opts: { password: string; refuseDomain?: string }) => {
  const mails: CaughtMail[] = [];
  const logins: { username: string; password: string }[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth: (auth, _session, callback) => {
      logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
      if (auth.password === opts.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onRcptTo: (address, _session, callback) => {
      if (opts.refuseDomain !== undefined && address.address.endsWith(`@${opts.refuseDomain}`)) callback(Object.assign(new Error('No such user'), { responseCode: 550 }));
      else callback();
    },
    onData: (stream, session, callback) => {
      let data = '';
      stream.on('data', (d: Buffer) => (data += d.toString()));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), data: data.replace(/=\r?\n/g, '') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.server.address() as AddressInfo).port,
    mails,
    logins,
    close: () => new Promise<void>((resolve) => { server.close(resolve); }),
  };
};

export interface Hit {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** `script(path)` is the statuses that path answers, in order; the last one repeats (default 204). */
export const startWebhookReceiver = async () => {
  const hits: Hit[] = [];
  const scripts = new Map<string, number[]>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      hits.push({ path, headers: req.headers, body });
      const script = scripts.get(path) ?? [204];
      const status = script.length > 1 ? (script.shift() ?? 204) : (script[0] ?? 204);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    hits,
    hitsOf: (path: string) => hits.filter((h) => h.path === path),
    script: (path: string, statuses: number[]) => {
      scripts.set(path, [...statuses]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
};
