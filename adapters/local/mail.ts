import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { MailTransport } from '../../core/ports/notifier';

/** An SMTP relay for the local stack (from the environment; the password is never written anywhere). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
}

export const DEFAULT_MAIL_FROM = 'OpsConductor <opsconductor@localhost>';

/**
 * Mail on one machine: through an SMTP relay when one is configured, else composed the same way
 * (nodemailer) and written as `.eml` files to `<data>/outbox/`, where any mail client opens them.
 */
export const createLocalMailTransport = (opts: { dataDir: string; from?: string | undefined; smtp?: SmtpSettings | undefined }): MailTransport => {
  const from = opts.from ?? DEFAULT_MAIL_FROM;
  const { smtp } = opts;
  if (smtp) {
    const transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user === undefined ? {} : { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      logger: false,
    });
    return {
      send: async (m) => {
        const info = await transport.sendMail({ from, to: [...m.to], subject: m.subject, text: m.text });
        return { reference: info.messageId };
      },
    };
  }
  const outbox = path.join(opts.dataDir, 'outbox');
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    send: async (m) => {
      const info = await composer.sendMail({ from, to: [...m.to], subject: m.subject, text: m.text });
      if (!Buffer.isBuffer(info.message)) throw new Error('The mail composer did not answer a buffer.');
      mkdirSync(outbox, { recursive: true, mode: 0o700 });
      const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomBytes(4).toString('hex')}.eml`;
      writeFileSync(path.join(outbox, name), info.message, { mode: 0o600 });
      return { reference: `outbox/${name}` };
    },
  };
};
