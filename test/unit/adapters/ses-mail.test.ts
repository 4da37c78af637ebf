import { createSesMailTransport, type SesV2Module } from '../../../adapters/aws/ses-mail';
import { mailOutcome } from '../../../core/notifications/deliver';

/**
 * The SES mail transport with a stand-in for `@aws-sdk/client-sesv2` (the Lambda runtime provides
 * the real one): what it asks SES to send, and which refusals are final.
 */
const fakeSes = (answer: (input: unknown) => Promise<{ MessageId?: string }>) => {
  const sent: { FromEmailAddress: string; Destination: { ToAddresses: string[] }; Content: { Raw: { Data: Uint8Array } } }[] = [];
  const mod: SesV2Module = {
    SESv2Client: class {
      send(command: unknown) {
        const input = (command as { input: (typeof sent)[number] }).input;
        sent.push(input);
        return answer(input);
      }
    },
    SendEmailCommand: class {
      constructor(readonly input: unknown) {}
    },
  };
  return { mod, sent };
};

const sesError = (name: string) => Object.assign(new Error(`${name}: details`), { name });

describe('SES mail transport', () => {
  it('sends the composed MIME message raw, from the configured sender to the recipients', async () => {
    const { mod, sent } = fakeSes(() => Promise.resolve({ MessageId: 'ses-1' }));
    const mail = createSesMailTransport({ from: 'ops@example.com', load: () => Promise.resolve(mod) });
    expect(await mail.send({ to: ['a@example.com', 'b@example.com'], subject: '[web] deploy failed', text: 'Run run_1 failed.' })).toEqual({ reference: 'ses-1' });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ FromEmailAddress: 'ops@example.com', Destination: { ToAddresses: ['a@example.com', 'b@example.com'] } });
    const raw = Buffer.from(sent[0]?.Content.Raw.Data ?? new Uint8Array()).toString('utf8');
    expect(raw).toMatch(/^From: ops@example\.com\r$/m);
    expect(raw).toMatch(/^To: a@example\.com, b@example\.com\r$/m);
    expect(raw).toMatch(/^Subject: \[web\] deploy failed\r$/m);
    expect(raw).toContain('Run run_1 failed.');
  });

  it('marks refusals a retry cannot change as permanent, and throttling as worth a retry', async () => {
    const outcomeOf = async (name: string) => {
      const { mod } = fakeSes(() => Promise.reject(sesError(name)));
      try {
        await createSesMailTransport({ from: 'ops@example.com', load: () => Promise.resolve(mod) }).send({ to: ['a@example.com'], subject: 's', text: 't' });
      } catch (e) {
        return mailOutcome(e);
      }
      return undefined;
    };
    expect(await outcomeOf('MessageRejected')).toEqual({ ok: false, retryable: false, error: 'mail not accepted: MessageRejected' });
    expect(await outcomeOf('MailFromDomainNotVerifiedException')).toMatchObject({ retryable: false });
    expect(await outcomeOf('TooManyRequestsException')).toEqual({ ok: false, retryable: true, error: 'mail not accepted: TooManyRequestsException' });
  });
});
