import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import FileUpload from '@cloudscape-design/components/file-upload';
import FormField from '@cloudscape-design/components/form-field';
import RadioGroup from '@cloudscape-design/components/radio-group';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import { credentialsApi } from '../../../api/credentials';
import type { Credential, CredentialInput, CredentialKind } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useApiForm } from '../../../app/use-api-form';
import { FormModal } from '../../../components/FormModal';
import { TextField, optionalLabel } from '../../../components/TextField';
import { credentialKinds, kindDescriptions, kindLabels } from '../kinds';

export type CredentialFormMode = { kind: 'create' } | { kind: 'rotate'; credential: Credential };

const fields = ['kind', 'name', 'username', 'domain', 'description', 'password', 'privateKey', 'passphrase'] as const;
type Field = (typeof fields)[number];

interface Metadata {
  name: string;
  username: string;
  domain: string;
  description: string;
}

/** Write-only material: it lives here only while the dialog is open, and is emptied once the API has it. */
interface Secrets {
  password: string;
  privateKey: string;
  passphrase: string;
}

const noSecrets: Secrets = { password: '', privateKey: '', passphrase: '' };
const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const MAX_SECRET = 16_384;

const validate = (kind: CredentialKind, m: Metadata, s: Secrets): Partial<Record<Field, string>> => {
  const errors: Partial<Record<Field, string>> = {};
  if (m.name === '') errors.name = 'Enter a name.';
  if (m.username === '') errors.username = 'Enter the username.';
  else if (/\s/.test(m.username)) errors.username = 'A username has no spaces.';
  if (kind === 'ssh-key') {
    if (s.privateKey === '') errors.privateKey = 'Paste the private key, or choose its file.';
    else if (!PRIVATE_KEY.test(s.privateKey)) errors.privateKey = 'This is not a private key: one starts with -----BEGIN … PRIVATE KEY----- (a .pub file is the public key).';
    else if (s.privateKey.length > MAX_SECRET) errors.privateKey = `A key is at most ${MAX_SECRET} characters.`;
  } else if (s.password === '') {
    errors.password = 'Enter the password.';
  }
  return errors;
};

const inputOf = (kind: CredentialKind, m: Metadata, s: Secrets): CredentialInput => {
  const common = { name: m.name, username: m.username, description: m.description };
  switch (kind) {
    case 'ssh-password':
      return { ...common, kind, password: s.password };
    case 'ssh-key':
      return { ...common, kind, privateKey: s.privateKey, ...(s.passphrase === '' ? {} : { passphrase: s.passphrase }) };
    case 'winrm-password':
      return { ...common, kind, password: s.password, ...(m.domain.trim() === '' ? {} : { domain: m.domain.trim() }) };
  }
};

/**
 * Create a credential, or rotate one (the same form: its metadata filled in, the secret fields
 * empty, the kind fixed). Secrets are password fields or a key pasted or read from a file; they
 * are sent once, never shown again, and cleared from the form as soon as the API has them.
 */
export const CredentialFormModal = ({
  projectId,
  mode,
  onDismiss,
  onSaved,
}: {
  projectId: string;
  mode: CredentialFormMode;
  onDismiss: () => void;
  onSaved: (credential: Credential) => void;
}) => {
  const api = useApi(credentialsApi);
  const current = mode.kind === 'rotate' ? mode.credential : undefined;
  const [kind, setKind] = useState<CredentialKind>(current?.kind ?? 'ssh-key');
  const [meta, setMeta] = useState<Metadata>({
    name: current?.name ?? '',
    username: current?.username ?? '',
    domain: current?.domain ?? '',
    description: current?.description ?? '',
  });
  const [secrets, setSecrets] = useState<Secrets>(noSecrets);
  const [keyFiles, setKeyFiles] = useState<File[]>([]);
  const [keyFileError, setKeyFileError] = useState<string | undefined>(undefined);
  const form = useApiForm(fields);

  const client = form.submitted ? validate(kind, meta, secrets) : {};
  const errorFor = (field: Field) => client[field] ?? form.serverErrors[field];

  const setMetaField = (field: keyof Metadata, value: string) => {
    setMeta((m) => ({ ...m, [field]: value }));
    form.clearField(field);
  };
  const setSecret = (field: keyof Secrets, value: string) => {
    setSecrets((s) => ({ ...s, [field]: value }));
    form.clearField(field);
  };

  const readKeyFile = async (files: File[]) => {
    setKeyFiles(files);
    setKeyFileError(undefined);
    const file = files[0];
    if (file === undefined) {
      setSecret('privateKey', '');
      return;
    }
    if (file.size > MAX_SECRET) {
      setKeyFileError(`${file.name} is larger than a private key can be.`);
      return;
    }
    try {
      setSecret('privateKey', await file.text());
    } catch {
      setKeyFileError(`${file.name} could not be read.`);
    }
  };

  const submit = async () => {
    const invalid = Object.keys(validate(kind, meta, secrets)).length > 0;
    await form.run(invalid, async () => {
      const input = inputOf(kind, meta, secrets);
      const saved = current === undefined ? await api.create(projectId, input) : await api.rotate(projectId, current.id, input);
      // The API has the material now: nothing keeps a copy.
      setSecrets(noSecrets);
      setKeyFiles([]);
      onSaved(saved);
    });
  };

  const title = current === undefined ? 'Create credential' : `Rotate credential ${current.name}`;
  const fromFile = keyFiles.length > 0;

  return (
    <FormModal
      header={title}
      size="large"
      submitText={current === undefined ? 'Create credential' : 'Rotate'}
      pendingText="Saving"
      pending={form.pending}
      error={form.formError}
      onSubmit={() => void submit()}
      onDismiss={onDismiss}
    >
      {current === undefined ? (
        <FormField label="Kind" errorText={errorFor('kind')}>
          <RadioGroup
            value={kind}
            onChange={(event) => {
              const k = credentialKinds.find((c) => c === event.detail.value);
              if (k !== undefined) setKind(k);
              setSecrets(noSecrets);
              setKeyFiles([]);
            }}
            items={credentialKinds.map((k) => ({ value: k, label: kindLabels[k], description: kindDescriptions[k] }))}
          />
        </FormField>
      ) : (
        <Alert type="info" header={`Enter the new ${kind === 'ssh-key' ? 'key' : 'password'}`}>
          The current secret is never shown. Rotating keeps the kind ({kindLabels[kind]}); runs already under way finish with the previous
          secret, new ones use this one.
        </Alert>
      )}
      <ColumnLayout columns={2}>
        <TextField
          label="Name"
          value={meta.name}
          onChange={(v) => {
            setMetaField('name', v);
          }}
          error={errorFor('name')}
          constraintText="Up to 128 characters."
          autoFocus
          required
        />
        <TextField
          label="Username"
          value={meta.username}
          onChange={(v) => {
            setMetaField('username', v.trim());
          }}
          error={errorFor('username')}
          constraintText="The login on the hosts."
          required
        />
      </ColumnLayout>
      {kind === 'winrm-password' && (
        <TextField
          label={optionalLabel('Domain')}
          value={meta.domain}
          onChange={(v) => {
            setMetaField('domain', v);
          }}
          error={errorFor('domain')}
          constraintText="For domain accounts, e.g. CORP. Leave empty for a local account."
        />
      )}
      {kind === 'ssh-key' ? (
        <>
          <FormField label="Private key file" description="Read in the browser; the key is sent only when you save." errorText={keyFileError}>
            <FileUpload
              value={keyFiles}
              onChange={(event) => void readKeyFile(event.detail.value)}
              showFileSize
              i18nStrings={{
                uploadButtonText: () => 'Choose key file',
                dropzoneText: () => 'Drop the key file here',
                removeFileAriaLabel: (_i, name) => `Remove ${name}`,
                errorIconAriaLabel: 'Error',
                warningIconAriaLabel: 'Warning',
              }}
            />
          </FormField>
          {fromFile ? (
            <FormField label="Private key" errorText={errorFor('privateKey')}>
              <Box variant="p">The key from the file will be sent; remove the file to paste one instead.</Box>
            </FormField>
          ) : (
            <FormField
              label="Private key"
              description="Or paste it: OpenSSH or PEM, from -----BEGIN to -----END."
              errorText={errorFor('privateKey')}
              stretch
            >
              <Textarea
                value={secrets.privateKey}
                onChange={(event) => {
                  setSecret('privateKey', event.detail.value);
                }}
                rows={6}
                spellcheck={false}
                autoComplete={false}
                placeholder="-----BEGIN OPENSSH PRIVATE KEY-----"
                invalid={errorFor('privateKey') !== undefined}
                data-testid="private-key"
              />
            </FormField>
          )}
          <TextField
            label={optionalLabel('Passphrase')}
            type="password"
            value={secrets.passphrase}
            onChange={(v) => {
              setSecret('passphrase', v);
            }}
            error={errorFor('passphrase')}
            autoComplete="new-password"
            constraintText="Only if the key is encrypted."
          />
        </>
      ) : (
        <TextField
          label="Password"
          type="password"
          value={secrets.password}
          onChange={(v) => {
            setSecret('password', v);
          }}
          error={errorFor('password')}
          autoComplete="new-password"
          required
        />
      )}
      <FormField label={optionalLabel('Description')} errorText={errorFor('description')} stretch>
        <Textarea
          value={meta.description}
          onChange={(event) => {
            setMetaField('description', event.detail.value);
          }}
          rows={2}
          invalid={errorFor('description') !== undefined}
        />
      </FormField>
    </FormModal>
  );
};
