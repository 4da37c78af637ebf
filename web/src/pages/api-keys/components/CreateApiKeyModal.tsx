import { useState } from 'react';
import { apiKeysApi } from '../../../api/api-keys';
import type { ApiKey, ApiKeyRole, CreatedApiKey } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useApiForm } from '../../../app/use-api-form';
import { FormModal } from '../../../components/FormModal';
import { OneTimeSecretModal } from '../../../components/OneTimeSecret';
import { RoleField } from '../../../components/RoleField';
import { TextField } from '../../../components/TextField';
import {
  EXPIRY_DEFAULT_DAYS,
  EXPIRY_MAX_DAYS,
  EXPIRY_MIN_DAYS,
  NAME_MAX,
  apiKeyFields,
  validateApiKey,
  type ApiKeyField,
  type ApiKeyFormValues,
} from '../validation';

const roles: readonly ApiKeyRole[] = ['viewer', 'operator'];

/**
 * Create an API key, then show its secret once. The secret exists only in this dialog's state:
 * "Done" (or closing the dialog any other way) drops it for good.
 */
export const CreateApiKeyModal = ({
  projectId,
  onDismiss,
  onCreated,
}: {
  projectId: string;
  onDismiss: () => void;
  /** Called as soon as the key exists (the list can show it while the secret is still on screen). */
  onCreated: (apiKey: ApiKey) => void;
}) => {
  const api = useApi(apiKeysApi);
  const [values, setValues] = useState<ApiKeyFormValues>({ name: '', expiresInDays: String(EXPIRY_DEFAULT_DAYS) });
  const [role, setRole] = useState<ApiKeyRole>('viewer');
  const form = useApiForm(apiKeyFields);
  const [created, setCreated] = useState<CreatedApiKey | undefined>(undefined);

  const clientErrors = form.submitted ? validateApiKey(values) : {};
  const errorFor = (field: ApiKeyField) => clientErrors[field] ?? form.serverErrors[field];

  const set = (field: keyof ApiKeyFormValues, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    form.clearField(field);
  };

  const submit = () =>
    form.run(Object.keys(validateApiKey(values)).length > 0, async () => {
      const result = await api.create(projectId, { name: values.name, role, expiresInDays: Number(values.expiresInDays) });
      setCreated(result);
      onCreated(result.apiKey);
    });

  if (created !== undefined) {
    return (
      <OneTimeSecretModal
        header="API key created"
        intro={
          <>
            The key <b>{created.apiKey.name}</b> ({created.apiKey.keyId}) works until it expires or is revoked.
          </>
        }
        onDone={onDismiss}
        label="API key"
        value={created.secret}
        copyLabel="Copy API key"
        warningHeader="Copy the key now: it cannot be shown again"
        warning="OpsConductor keeps only a hash of this key, so neither you nor anyone else can see it again after you close this dialog. Store it in your integration's secret store. If it is lost, revoke the key and create a new one."
      />
    );
  }

  return (
    <FormModal
      header="Create API key"
      submitText="Create"
      pendingText="Creating"
      pending={form.pending}
      error={form.formError}
      onSubmit={() => void submit()}
      onDismiss={onDismiss}
    >
      <TextField
        label="Name"
        value={values.name}
        onChange={(v) => {
          set('name', v);
        }}
        error={errorFor('name')}
        constraintText={`What the key is for, up to ${NAME_MAX} characters.`}
        autoFocus
        required
      />
      <RoleField value={role} onChange={setRole} roles={roles} errorText={errorFor('role')} />
      <TextField
        label="Expires after (days)"
        type="number"
        inputMode="numeric"
        value={values.expiresInDays}
        onChange={(v) => {
          set('expiresInDays', v);
        }}
        error={errorFor('expiresInDays')}
        constraintText={`From ${EXPIRY_MIN_DAYS} to ${EXPIRY_MAX_DAYS} days.`}
        required
      />
    </FormModal>
  );
};
