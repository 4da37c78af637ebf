import Alert from '@cloudscape-design/components/alert';
import AttributeEditor from '@cloudscape-design/components/attribute-editor';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import Input from '@cloudscape-design/components/input';
import RadioGroup from '@cloudscape-design/components/radio-group';
import Select, { type SelectProps } from '@cloudscape-design/components/select';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import Toggle from '@cloudscape-design/components/toggle';
import { useState } from 'react';
import { ApiError, messageOf } from '../../../api/errors';
import { targetsApi } from '../../../api/targets';
import type { Target, TargetProtocol, WinrmAuth, WinrmTransport } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useApiForm } from '../../../app/use-api-form';
import { FormModal } from '../../../components/FormModal';
import { TextField, optionalLabel } from '../../../components/TextField';
import { VersionConflictAlert } from '../../../components/VersionConflictAlert';
import type { ProjectCredentials } from '../../credentials/hooks/use-project-credentials';
import { compatibleKinds, kindLabels, loginOf } from '../../credentials/kinds';
import {
  BASIC_OVER_HTTP,
  createInputOf,
  defaultPortOf,
  emptyValues,
  hasErrors,
  patchOf,
  targetFields,
  validateTarget,
  valuesOf,
  type TagRow,
  type TargetField,
  type TargetFormValues,
} from '../form';

export type TargetFormMode = { kind: 'create' } | { kind: 'edit'; target: Target };

const NO_CREDENTIAL: SelectProps.Option = { value: '', label: 'No credential', description: 'Runs and tests need one; add it later.' };

/**
 * Create or edit a target. The protocol decides the rest of the form: WinRM's options (transport,
 * authentication, certificate checks), which credentials fit, and the SSH host key pin. The
 * client checks the obvious; the API's refusals show on the fields they name.
 */
export const TargetFormModal = ({
  projectId,
  mode,
  credentials,
  onDismiss,
  onSaved,
}: {
  projectId: string;
  mode: TargetFormMode;
  credentials: ProjectCredentials;
  onDismiss: () => void;
  onSaved: (target: Target) => void;
}) => {
  const api = useApi(targetsApi);
  const [base, setBase] = useState<Target | undefined>(mode.kind === 'edit' ? mode.target : undefined);
  const [values, setValues] = useState<TargetFormValues>(base === undefined ? emptyValues : valuesOf(base));
  const form = useApiForm(targetFields);
  const [versionConflict, setVersionConflict] = useState(false);
  const [reloading, setReloading] = useState(false);

  const client = form.submitted ? validateTarget(values) : { fields: {}, tagRows: [] };
  const errorFor = (field: TargetField): string | undefined => client.fields[field] ?? form.serverErrors[field];

  const set = <K extends keyof TargetFormValues>(key: K, value: TargetFormValues[K], fields: TargetField[] = []) => {
    setValues((v) => ({ ...v, [key]: value }));
    for (const f of fields) form.clearField(f);
  };

  /** A new protocol or transport moves a port left at the old default to the new one (by emptying it). */
  const setConnection = (protocol: TargetProtocol, transport: WinrmTransport) => {
    setValues((v) => {
      const atDefault = v.port === '' || v.port === String(defaultPortOf(v.protocol, v.transport));
      const credential = credentials.byId(v.credentialId);
      const fits = credential === undefined || compatibleKinds[protocol].includes(credential.kind);
      return {
        ...v,
        protocol,
        transport,
        port: atDefault && base === undefined ? '' : atDefault ? String(defaultPortOf(protocol, transport)) : v.port,
        credentialId: fits ? v.credentialId : '',
      };
    });
    form.clearField('protocol');
    form.clearField('winrm');
    form.clearField('winrm.auth');
    form.clearField('credentialId');
  };

  const submit = async () => {
    const invalid = hasErrors(validateTarget(values));
    setVersionConflict(false);
    await form.run(
      invalid,
      async () => {
        if (base === undefined) {
          onSaved(await api.create(projectId, createInputOf(values)));
          return;
        }
        const patch = patchOf(base, values);
        if (patch === undefined) {
          onDismiss();
          return;
        }
        onSaved(await api.update(projectId, base.id, patch));
      },
      (e) => {
        if (!(e instanceof ApiError)) return undefined;
        if (e.code === 'VERSION_CONFLICT') {
          setVersionConflict(true);
          return { byField: {}, form: undefined };
        }
        // A taken name (409 CONFLICT) belongs to the name field.
        if (e.code === 'CONFLICT') return { byField: { name: e.message }, form: undefined };
        if (e.status === 404 && base !== undefined) return { byField: {}, form: 'This target no longer exists: someone deleted it.' };
        return undefined;
      },
    );
  };

  const reload = async () => {
    if (base === undefined) return;
    setReloading(true);
    try {
      const latest = await api.get(projectId, base.id);
      setBase(latest);
      setValues(valuesOf(latest));
      setVersionConflict(false);
      form.reset();
    } catch (e) {
      form.setFormError(messageOf(e));
    } finally {
      setReloading(false);
    }
  };

  const fitting = credentials.items.filter((c) => compatibleKinds[values.protocol].includes(c.kind));
  const credentialOptions: SelectProps.Option[] = [
    NO_CREDENTIAL,
    ...fitting.map((c) => ({ value: c.id, label: c.name, description: `${kindLabels[c.kind]} · ${loginOf(c)}` })),
  ];
  const selectedCredential = credentialOptions.find((o) => o.value === values.credentialId) ?? {
    value: values.credentialId,
    label: values.credentialId,
  };
  const defaultPort = defaultPortOf(values.protocol, values.transport);
  const title = base === undefined ? 'Create target' : `Edit target ${base.name}`;

  return (
    <FormModal
      header={title}
      size="large"
      submitText={base === undefined ? 'Create target' : 'Save changes'}
      pendingText="Saving"
      pending={form.pending}
      error={form.formError}
      submitDisabled={versionConflict}
      onSubmit={() => void submit()}
      onDismiss={onDismiss}
    >
      {versionConflict && (
        <VersionConflictAlert
          what="target"
          detail="It was changed (or tested) after you opened it. Reload to see it as it is now, then make your changes again."
          reloading={reloading}
          onReload={() => void reload()}
        />
      )}
      <Container header={<Header variant="h3">Target</Header>}>
        <SpaceBetween size="l">
          <ColumnLayout columns={2}>
            <TextField
              label="Name"
              value={values.name}
              onChange={(v) => {
                set('name', v, ['name']);
              }}
              error={errorFor('name')}
              constraintText="Unique in the project, up to 128 characters."
              autoFocus
              required
            />
            <FormField label="Protocol" errorText={errorFor('protocol')}>
              <RadioGroup
                value={values.protocol}
                onChange={(event) => {
                  setConnection(event.detail.value === 'winrm' ? 'winrm' : 'ssh', values.transport);
                }}
                items={[
                  { value: 'ssh', label: 'SSH', description: 'Linux and other Unix hosts.' },
                  { value: 'winrm', label: 'WinRM', description: 'Windows hosts.' },
                ]}
              />
            </FormField>
          </ColumnLayout>
          <ColumnLayout columns={2}>
            <TextField
              label="Address"
              value={values.address}
              onChange={(v) => {
                set('address', v, ['address']);
              }}
              error={errorFor('address')}
              constraintText="A host name, an IPv4 address or an IPv6 address (without brackets or port)."
              required
            />
            <TextField
              label={optionalLabel('Port')}
              value={values.port}
              onChange={(v) => {
                set('port', v, ['port']);
              }}
              error={errorFor('port')}
              inputMode="numeric"
              placeholder={String(defaultPort)}
              constraintText={`Empty: ${defaultPort}, the ${values.protocol === 'ssh' ? 'SSH' : `WinRM ${values.transport.toUpperCase()}`} default.`}
            />
          </ColumnLayout>
          <FormField label={optionalLabel('Description')} errorText={errorFor('description')} stretch>
            <Textarea
              value={values.description}
              onChange={(event) => {
                set('description', event.detail.value, ['description']);
              }}
              rows={2}
              invalid={errorFor('description') !== undefined}
            />
          </FormField>
          <Toggle
            checked={values.enabled}
            onChange={(event) => {
              set('enabled', event.detail.checked, ['enabled']);
            }}
            description="Disabled targets stay in the inventory but runs skip them."
          >
            Enabled
          </Toggle>
        </SpaceBetween>
      </Container>

      {values.protocol === 'winrm' && (
        <Container header={<Header variant="h3">WinRM</Header>}>
          <SpaceBetween size="l">
            {errorFor('winrm') !== undefined && <Alert type="error">WinRM options: {errorFor('winrm')}</Alert>}
              <ColumnLayout columns={2}>
                <FormField label="Transport" errorText={errorFor('winrm.transport')}>
                  <RadioGroup
                    value={values.transport}
                    onChange={(event) => {
                      setConnection('winrm', event.detail.value === 'http' ? 'http' : 'https');
                    }}
                    items={[
                      { value: 'https', label: 'HTTPS', description: 'Port 5986. Encrypted by TLS.' },
                      { value: 'http', label: 'HTTP', description: 'Port 5985. Only NTLM keeps the messages encrypted.' },
                    ]}
                  />
                </FormField>
                <FormField label="Authentication" errorText={errorFor('winrm.auth')}>
                  <RadioGroup
                    value={values.auth}
                    onChange={(event) => {
                      const auth: WinrmAuth = event.detail.value === 'basic' ? 'basic' : 'ntlm';
                      set('auth', auth, ['winrm.auth', 'winrm']);
                    }}
                    items={[
                      { value: 'ntlm', label: 'NTLM', description: 'Local and domain accounts.' },
                      {
                        value: 'basic',
                        label: 'Basic',
                        description: values.transport === 'http' ? 'Not over HTTP: the password would cross the network in clear text.' : 'Local accounts, over HTTPS.',
                      },
                    ]}
                  />
                </FormField>
              </ColumnLayout>
              {values.transport === 'http' && values.auth === 'basic' && errorFor('winrm.auth') === undefined && (
                <Alert type="warning" header="The API refuses Basic over HTTP">
                  {BASIC_OVER_HTTP}
                </Alert>
              )}
              {values.transport === 'https' && (
                <SpaceBetween size="s">
                  <Toggle
                    checked={values.verifyTls}
                    onChange={(event) => {
                      set('verifyTls', event.detail.checked, ['winrm.verifyTls']);
                    }}
                    description="Check that the host's certificate is valid and names this address."
                  >
                    Verify the TLS certificate
                  </Toggle>
                  {!values.verifyTls && (
                    <Alert type="warning" header="Certificates will not be checked">
                      Any certificate is accepted, so anyone who can intercept the connection can pose as this host and receive the
                      credential. Only turn this off for hosts with self-signed certificates on a network you trust.
                    </Alert>
                  )}
                  {values.verifyTls && (
                    <FormField
                      label={optionalLabel('CA certificates')}
                      description="For hosts whose certificate comes from an internal CA: its certificate(s) in PEM, trusted for this target besides the usual public CAs."
                      errorText={errorFor('winrm.caBundle')}
                    >
                      <Textarea
                        value={values.caBundle}
                        rows={4}
                        placeholder="-----BEGIN CERTIFICATE-----"
                        onChange={(event) => {
                          set('caBundle', event.detail.value, ['winrm.caBundle']);
                        }}
                      />
                    </FormField>
                  )}
                </SpaceBetween>
              )}
          </SpaceBetween>
        </Container>
      )}

      <Container header={<Header variant="h3">Login</Header>}>
        <SpaceBetween size="l">
          <ColumnLayout columns={2}>
            <FormField
              label={optionalLabel('Credential')}
              errorText={errorFor('credentialId') ?? credentials.error}
              constraintText={
                values.protocol === 'ssh' ? 'SSH keys and SSH passwords fit SSH targets.' : 'WinRM passwords fit WinRM targets.'
              }
            >
              <Select
                selectedOption={selectedCredential}
                options={credentialOptions}
                onChange={(event) => {
                  set('credentialId', event.detail.selectedOption.value ?? '', ['credentialId']);
                }}
                statusType={credentials.loading ? 'loading' : 'finished'}
                loadingText="Loading credentials"
                empty="No credentials fit this protocol"
                invalid={errorFor('credentialId') !== undefined}
              />
            </FormField>
            <TextField
              label={optionalLabel('Username')}
              value={values.username}
              onChange={(v) => {
                set('username', v, ['username']);
              }}
              error={errorFor('username')}
              constraintText="The login on this host, when it differs from the credential's."
            />
          </ColumnLayout>
          {values.protocol === 'ssh' && (
            <TextField
              label={optionalLabel('Pinned host key fingerprint')}
              value={values.hostKeyFingerprint}
              onChange={(v) => {
                set('hostKeyFingerprint', v, ['hostKeyFingerprint']);
              }}
              error={errorFor('hostKeyFingerprint')}
              placeholder="SHA256:…"
              description="Empty: the key the host presents at the first successful test is trusted from then on. Pinned: a host presenting any other key is refused."
              constraintText="As ssh-keygen -lf prints it, e.g. SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"
            />
          )}
        </SpaceBetween>
      </Container>

      <Container header={<Header variant="h3">Tags</Header>}>
        <FormField
          errorText={errorFor('tags')}
          description="Jobs and filters select targets by tags, e.g. env=prod. Keys: letters, digits, '.', '_', '-', '/' and ':'."
          stretch
        >
          <TagRowsEditor
            rows={values.tags}
            rowErrors={client.tagRows}
            onChange={(rows) => {
              set('tags', rows, ['tags']);
            }}
          />
        </FormField>
      </Container>
    </FormModal>
  );
};

/** Key/value rows for a target's tags. */
const TagRowsEditor = ({
  rows,
  rowErrors,
  onChange,
}: {
  rows: TagRow[];
  rowErrors: (string | undefined)[];
  onChange: (rows: TagRow[]) => void;
}) => {
  const update = (index: number, change: Partial<TagRow>) => {
    onChange(rows.map((r, i) => (i === index ? { ...r, ...change } : r)));
  };
  return (
    <AttributeEditor<TagRow>
      items={rows}
      addButtonText="Add tag"
      removeButtonText="Remove"
      empty="No tags."
      onAddButtonClick={() => {
        onChange([...rows, { key: '', value: '' }]);
      }}
      onRemoveButtonClick={(event) => {
        onChange(rows.filter((_, i) => i !== event.detail.itemIndex));
      }}
      removeButtonAriaLabel={(item: TagRow) => `Remove tag ${item.key}`}
      i18nStrings={{ errorIconAriaLabel: 'Error', itemRemovedAriaLive: 'A tag was removed.' }}
      definition={[
        {
          label: 'Key',
          control: (item, index) => (
            <Input
              value={item.key}
              onChange={(event) => {
                update(index, { key: event.detail.value.trim() });
              }}
              spellcheck={false}
              autoComplete={false}
              invalid={rowErrors[index] !== undefined}
            />
          ),
          errorText: (_item, index) => rowErrors[index],
        },
        {
          label: 'Value',
          control: (item, index) => (
            <Input
              value={item.value}
              onChange={(event) => {
                update(index, { value: event.detail.value });
              }}
              spellcheck={false}
              autoComplete={false}
            />
          ),
        },
      ]}
    />
  );
};
