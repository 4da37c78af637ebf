import Button from '@cloudscape-design/components/button';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState, type SubmitEvent } from 'react';
import { ApiError, fieldErrors, messageOf } from '../../../api/errors';
import { membersApi } from '../../../api/members';
import type { Member, ProjectRole } from '../../../api/types';
import { roleLabels } from '../../../app/access';
import { useApi } from '../../../app/services';
import { RoleField } from '../../../components/RoleField';
import { usernameError } from '../validation';

const roles: readonly ProjectRole[] = ['viewer', 'operator', 'admin'];

/** Add a user (by username) to the project with a role. */
export const AddMemberModal = ({
  projectId,
  members,
  onDismiss,
  onAdded,
}: {
  projectId: string;
  /** The members loaded so far, to say so when the user already is one. */
  members: readonly Member[];
  onDismiss: () => void;
  onAdded: (member: Member) => void;
}) => {
  const api = useApi(membersApi);
  const [username, setUsername] = useState('');
  const [role, setRole] = useState<ProjectRole>('viewer');
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [serverUsernameError, setServerUsernameError] = useState<string | undefined>(undefined);
  const [formError, setFormError] = useState<string | undefined>(undefined);

  const existing = members.find((m) => m.userId === username);
  const clientError = submitted
    ? (usernameError(username) ??
      (existing === undefined ? undefined : `${username} is already a member (${roleLabels[existing.role]}). Use “Change role” instead.`))
    : undefined;
  const nameError = clientError ?? serverUsernameError;

  const submit = async () => {
    setSubmitted(true);
    setFormError(undefined);
    setServerUsernameError(undefined);
    if (usernameError(username) !== undefined || existing !== undefined) return;
    setPending(true);
    try {
      const member = await api.put(projectId, username, role);
      onAdded(member);
    } catch (e) {
      setPending(false);
      if (e instanceof ApiError && e.status === 404 && e.code === 'NOT_FOUND' && e.message.startsWith('User')) {
        setServerUsernameError(`There is no user named ${username}.`);
      } else if (e instanceof ApiError && e.code === 'VALIDATION_FAILED' && e.issues.length > 0) {
        const { '': rest, ...byField } = fieldErrors(e.issues, ['role'] as const);
        const pathIssue = e.issues.find((i) => i.location === 'path');
        if (pathIssue !== undefined) setServerUsernameError(`The username ${pathIssue.message}.`);
        setFormError([byField.role, rest].filter((x) => x !== undefined).join('; ') || undefined);
      } else {
        setFormError(messageOf(e));
      }
    }
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void submit();
  };

  return (
    <Modal visible onDismiss={onDismiss} header="Add member" closeAriaLabel="Close dialog">
      <form onSubmit={onSubmit} noValidate aria-label="Add member">
        <Form
          errorText={formError}
          errorIconAriaLabel="Error"
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" formAction="none" onClick={onDismiss}>
                Cancel
              </Button>
              <Button variant="primary" formAction="submit" loading={pending} loadingText="Adding">
                Add
              </Button>
            </SpaceBetween>
          }
        >
          <SpaceBetween size="l">
            <FormField label="Username" errorText={nameError} constraintText="The name the person signs in with.">
              <Input
                value={username}
                onChange={(event) => {
                  setUsername(event.detail.value.trim());
                  setServerUsernameError(undefined);
                }}
                autoFocus
                ariaRequired
                spellcheck={false}
                autoComplete={false}
                invalid={nameError !== undefined}
              />
            </FormField>
            <RoleField value={role} onChange={setRole} roles={roles} />
          </SpaceBetween>
        </Form>
      </form>
    </Modal>
  );
};
