import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState, type SubmitEvent } from 'react';
import { apiKeysApi } from '../../../api/api-keys';
import { ApiError, fieldErrors, messageOf } from '../../../api/errors';
import type { ApiKey, ApiKeyRole, CreatedApiKey } from '../../../api/types';
import { useApi } from '../../../app/services';
import { OneTimeSecret } from '../../../components/OneTimeSecret';
import { RoleField } from '../../../components/RoleField';
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
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [serverErrors, setServerErrors] = useState<Partial<Record<ApiKeyField, string>>>({});
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const [created, setCreated] = useState<CreatedApiKey | undefined>(undefined);

  const clientErrors = submitted ? validateApiKey(values) : {};
  const errorFor = (field: ApiKeyField) => clientErrors[field] ?? serverErrors[field];

  const set = (field: keyof ApiKeyFormValues, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setServerErrors((e) => ({ ...e, [field]: undefined }));
  };

  const submit = async () => {
    setSubmitted(true);
    setFormError(undefined);
    setServerErrors({});
    if (Object.keys(validateApiKey(values)).length > 0) return;
    setPending(true);
    try {
      const result = await api.create(projectId, { name: values.name, role, expiresInDays: Number(values.expiresInDays) });
      setPending(false);
      setCreated(result);
      onCreated(result.apiKey);
    } catch (e) {
      setPending(false);
      if (e instanceof ApiError && e.code === 'VALIDATION_FAILED' && e.issues.length > 0) {
        const { '': rest, ...byField } = fieldErrors(e.issues, apiKeyFields);
        setServerErrors(byField);
        if (rest !== undefined) setFormError(rest);
      } else {
        setFormError(messageOf(e));
      }
    }
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void submit();
  };

  if (created !== undefined) {
    return (
      <Modal
        visible
        onDismiss={(event) => {
          // A stray click beside the dialog must not throw the only copy away: close it on purpose.
          if (event.detail.reason !== 'overlay') onDismiss();
        }}
        header="API key created"
        closeAriaLabel="Close dialog"
        size="medium"
        footer={
          <Box float="right">
            <Button variant="primary" onClick={onDismiss}>
              Done
            </Button>
          </Box>
        }
      >
        <SpaceBetween size="m">
          <Box variant="p">
            The key <b>{created.apiKey.name}</b> ({created.apiKey.keyId}) works until it expires or is revoked.
          </Box>
          <OneTimeSecret
            label="API key"
            value={created.secret}
            copyLabel="Copy API key"
            warningHeader="Copy the key now: it cannot be shown again"
            warning="OpsConductor keeps only a hash of this key, so neither you nor anyone else can see it again after you close this dialog. Store it in your integration's secret store. If it is lost, revoke the key and create a new one."
          />
        </SpaceBetween>
      </Modal>
    );
  }

  const nameError = errorFor('name');
  const daysError = errorFor('expiresInDays');

  return (
    <Modal visible onDismiss={onDismiss} header="Create API key" closeAriaLabel="Close dialog" size="medium">
      <form onSubmit={onSubmit} noValidate aria-label="Create API key">
        <Form
          errorText={formError}
          errorIconAriaLabel="Error"
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" formAction="none" onClick={onDismiss}>
                Cancel
              </Button>
              <Button variant="primary" formAction="submit" loading={pending} loadingText="Creating">
                Create
              </Button>
            </SpaceBetween>
          }
        >
          <SpaceBetween size="l">
            <FormField label="Name" errorText={nameError} constraintText={`What the key is for, up to ${NAME_MAX} characters.`}>
              <Input
                value={values.name}
                onChange={(event) => {
                  set('name', event.detail.value);
                }}
                autoFocus
                ariaRequired
                spellcheck={false}
                invalid={nameError !== undefined}
              />
            </FormField>
            <RoleField value={role} onChange={setRole} roles={roles} errorText={errorFor('role')} />
            <FormField
              label="Expires after (days)"
              errorText={daysError}
              constraintText={`From ${EXPIRY_MIN_DAYS} to ${EXPIRY_MAX_DAYS} days.`}
            >
              <Input
                type="number"
                inputMode="numeric"
                value={values.expiresInDays}
                onChange={(event) => {
                  set('expiresInDays', event.detail.value);
                }}
                ariaRequired
                invalid={daysError !== undefined}
              />
            </FormField>
          </SpaceBetween>
        </Form>
      </form>
    </Modal>
  );
};
