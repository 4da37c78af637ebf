import { useState } from 'react';
import { ApiError, fieldErrors } from '../../../api/errors';
import { membersApi } from '../../../api/members';
import type { Member, ProjectRole } from '../../../api/types';
import { roleLabels } from '../../../app/access';
import { useApi } from '../../../app/services';
import { useApiForm, type FormErrors } from '../../../app/use-api-form';
import { FormModal } from '../../../components/FormModal';
import { RoleField } from '../../../components/RoleField';
import { TextField } from '../../../components/TextField';
import { usernameError } from '../validation';

const roles: readonly ProjectRole[] = ['viewer', 'operator', 'admin'];
const fields = ['username', 'role'] as const;

/** The user is named in the path: a 404 for the user and a path issue belong to the username field. */
const placeError =
  (username: string) =>
  (e: unknown): FormErrors<(typeof fields)[number]> | undefined => {
    if (!(e instanceof ApiError)) return undefined;
    if (e.status === 404 && e.code === 'NOT_FOUND' && e.message.startsWith('User')) {
      return { byField: { username: `There is no user named ${username}.` }, form: undefined };
    }
    if (e.code === 'VALIDATION_FAILED' && e.issues.length > 0) {
      const { '': rest, ...byField } = fieldErrors(e.issues, ['role'] as const);
      const pathIssue = e.issues.find((i) => i.location === 'path');
      return {
        byField: pathIssue === undefined ? {} : { username: `The username ${pathIssue.message}.` },
        form: [byField.role, rest].filter((x) => x !== undefined).join('; ') || undefined,
      };
    }
    return undefined;
  };

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
  const form = useApiForm(fields);

  const existing = members.find((m) => m.userId === username);
  const clientError = form.submitted
    ? (usernameError(username) ??
      (existing === undefined ? undefined : `${username} is already a member (${roleLabels[existing.role]}). Use “Change role” instead.`))
    : undefined;

  const submit = () =>
    form.run(
      usernameError(username) !== undefined || existing !== undefined,
      async () => {
        onAdded(await api.put(projectId, username, role));
      },
      placeError(username),
    );

  return (
    <FormModal
      header="Add member"
      size="medium"
      submitText="Add"
      pendingText="Adding"
      pending={form.pending}
      error={form.formError}
      onSubmit={() => void submit()}
      onDismiss={onDismiss}
    >
      <TextField
        label="Username"
        value={username}
        onChange={(v) => {
          setUsername(v.trim());
          form.clearField('username');
        }}
        error={clientError ?? form.serverErrors.username}
        constraintText="The name the person signs in with."
        autoFocus
        required
      />
      <RoleField value={role} onChange={setRole} roles={roles} />
    </FormModal>
  );
};
