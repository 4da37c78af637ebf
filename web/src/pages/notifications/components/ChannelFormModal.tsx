import FormField from '@cloudscape-design/components/form-field';
import RadioGroup from '@cloudscape-design/components/radio-group';
import Checkbox from '@cloudscape-design/components/checkbox';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import { notificationsApi, type Channel, type ChannelKind, type ChannelWithSecret } from '../../../api/notifications';
import { useApi } from '../../../app/services';
import { useApiForm } from '../../../app/use-api-form';
import { FormModal } from '../../../components/FormModal';
import { TextField } from '../../../components/TextField';

const fields = ['name', 'kind', 'recipients', 'url', 'webhookUrl', 'enabled'] as const;

const kindLabels: Record<ChannelKind, string> = { email: 'Email', webhook: 'Webhook', slack: 'Slack' };

const addressesOf = (text: string): string[] =>
  text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');

/**
 * "Create channel" and "Edit channel": the kind's own fields. A Slack URL is never shown again:
 * editing leaves it as it is unless a new one is typed. A webhook's signing secret is shown once,
 * by the caller, from what this answers.
 */
export const ChannelFormModal = ({
  projectId,
  channel,
  onSaved,
  onDismiss,
}: {
  projectId: string;
  /** Absent: a new channel. */
  channel?: Channel | undefined;
  onSaved: (channel: ChannelWithSecret) => void;
  onDismiss: () => void;
}) => {
  const api = useApi(notificationsApi);
  const form = useApiForm(fields);
  const [name, setName] = useState(channel?.name ?? '');
  const [kind, setKind] = useState<ChannelKind>(channel?.kind ?? 'email');
  const [recipients, setRecipients] = useState((channel?.recipients ?? []).join('\n'));
  const [url, setUrl] = useState(channel?.url ?? '');
  const [webhookUrl, setWebhookUrl] = useState('');
  const [rotate, setRotate] = useState(false);
  const editing = channel !== undefined;

  const clientErrors = {
    name: name.trim() === '' ? 'Enter a name' : undefined,
    recipients: kind === 'email' && addressesOf(recipients).length === 0 ? 'Enter at least one address' : undefined,
    url: kind === 'webhook' && url.trim() === '' ? 'Enter the URL to call' : undefined,
    webhookUrl: kind === 'slack' && !editing && webhookUrl.trim() === '' ? 'Enter the incoming webhook URL' : undefined,
  };
  const shown = (field: keyof typeof clientErrors) => form.serverErrors[field] ?? (form.submitted ? clientErrors[field] : undefined);

  const submit = () => {
    const invalid = Object.values(clientErrors).some((e) => e !== undefined);
    void form.run(invalid, async () => {
      if (channel === undefined) {
        const input =
          kind === 'email'
            ? { kind, name: name.trim(), enabled: true, recipients: addressesOf(recipients) }
            : kind === 'webhook'
              ? { kind, name: name.trim(), enabled: true, url: url.trim() }
              : { kind, name: name.trim(), enabled: true, webhookUrl: webhookUrl.trim() };
        onSaved(await api.createChannel(projectId, input));
        return;
      }
      onSaved(
        await api.updateChannel(projectId, channel.id, {
          name: name.trim(),
          ...(kind === 'email' ? { recipients: addressesOf(recipients) } : {}),
          ...(kind === 'webhook' ? { url: url.trim(), ...(rotate ? { rotateSecret: true as const } : {}) } : {}),
          ...(kind === 'slack' && webhookUrl.trim() !== '' ? { webhookUrl: webhookUrl.trim() } : {}),
        }),
      );
    });
  };

  const header = editing ? 'Edit channel' : 'Create channel';
  return (
    <FormModal header={header} submitText={editing ? 'Save' : 'Create channel'} pendingText="Saving" pending={form.pending} error={form.formError} onSubmit={submit} onDismiss={onDismiss} submitTestId="save-channel">
      <TextField label="Name" value={name} onChange={setName} error={shown('name')} autoFocus />
      <FormField label="Kind" errorText={form.serverErrors.kind}>
        <RadioGroup
          value={kind}
          onChange={(event) => {
            if (!editing) setKind(event.detail.value as ChannelKind);
          }}
          items={(['email', 'webhook', 'slack'] as const).map((k) => ({ value: k, label: kindLabels[k], disabled: editing && k !== kind }))}
        />
      </FormField>
      {kind === 'email' && (
        <FormField label="Recipients" description="One address per line (or separated by commas)." errorText={shown('recipients')}>
          <Textarea
            value={recipients}
            onChange={(event) => {
              setRecipients(event.detail.value);
              form.clearField('recipients');
            }}
            rows={3}
            ariaLabel="Recipients"
          />
        </FormField>
      )}
      {kind === 'webhook' && (
        <>
          <TextField
            label="URL"
            value={url}
            onChange={setUrl}
            error={shown('url')}
            description="Called with a JSON body, signed in X-OpsConductor-Signature with the channel's signing secret (shown once)."
            type="url"
          />
          {editing && (
            <Checkbox checked={rotate} onChange={(event) => { setRotate(event.detail.checked); }}>
              Issue a new signing secret (the current one stops working at once)
            </Checkbox>
          )}
        </>
      )}
      {kind === 'slack' && (
        <TextField
          label="Incoming webhook URL"
          value={webhookUrl}
          onChange={setWebhookUrl}
          error={shown('webhookUrl')}
          description={editing ? `Kept as it is (${channel.webhookUrlHint ?? 'hidden'}) unless you enter a new one. It is a secret: it is never shown again.` : 'It is a secret: it is never shown again.'}
          type="url"
        />
      )}
    </FormModal>
  );
};
