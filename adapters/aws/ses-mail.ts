import nodemailer from 'nodemailer';
import type { MailTransport } from '../../core/ports/notifier';

/**
 * Mail on AWS through SES v2 SendEmail, the message composed by nodemailer (the same MIME as the
 * local outbox) and sent raw. `@aws-sdk/client-sesv2` is not a dependency of this repository: the
 * Lambda Node.js runtime ships the whole SDK v3 and bundles leave `@aws-sdk/*` out, so it is
 * imported at run time by name. Only the two members used are typed here.
 */
export interface SesV2Module {
  SESv2Client: new (config: object) => { send(command: unknown): Promise<{ MessageId?: string }> };
  SendEmailCommand: new (input: { FromEmailAddress: string; Destination: { ToAddresses: string[] }; Content: { Raw: { Data: Uint8Array } } }) => unknown;
}

/** Refusals a retry cannot change (SES API error names). */
const permanentErrors = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'AccountSuspendedException', 'SendingPausedException', 'BadRequestException', 'NotFoundException']);

const SESV2 = '@aws-sdk/client-sesv2';

export const createSesMailTransport = (opts: { from: string; /** Tests hand in a stand-in for the SDK module. */ load?: () => Promise<SesV2Module> }): MailTransport => {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const load = opts.load ?? (() => import(SESV2) as Promise<SesV2Module>);
  let client: Promise<{ ses: InstanceType<SesV2Module['SESv2Client']>; mod: SesV2Module }> | undefined;
  const connect = () => {
    client ??= load().then((mod) => ({ mod, ses: new mod.SESv2Client({}) }));
    return client;
  };
  return {
    send: async (m) => {
      const info = await composer.sendMail({ from: opts.from, to: [...m.to], subject: m.subject, text: m.text });
      if (!Buffer.isBuffer(info.message)) throw new Error('The mail composer did not answer a buffer.');
      const { ses, mod } = await connect();
      try {
        const res = await ses.send(new mod.SendEmailCommand({ FromEmailAddress: opts.from, Destination: { ToAddresses: [...m.to] }, Content: { Raw: { Data: info.message } } }));
        return { reference: res.MessageId ?? 'ses' };
      } catch (e) {
        const name = e instanceof Error ? e.name : 'SesError';
        throw Object.assign(new Error(`SES refused the message: ${name}`), { code: name, permanent: permanentErrors.has(name) });
      }
    },
  };
};
