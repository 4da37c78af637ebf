import Checkbox from '@cloudscape-design/components/checkbox';
import { useState } from 'react';
import { ApiError, fieldErrors } from '../../../api/errors';
import type { InvitedUser, User } from '../../../api/types';
import { usersApi } from '../../../api/users';
import { useApi } from '../../../app/services';
import { useApiForm, type FormErrors } from '../../../app/use-api-form';
import { FormModal } from '../../../components/FormModal';
import { OneTimeSecretModal } from '../../../components/OneTimeSecret';
import { TextField } from '../../../components/TextField';
import { usernameError } from '../../members/validation';

type Field = 'username' | 'email' | 'admin';
const fields: readonly Field[] = ['username', 'email', 'admin'];

const EMAIL_MAX = 254;
const emailError = (value: string): string | undefined => {
  if (value === '') return 'Enter an email address.';
  if (value.length > EMAIL_MAX) return `An email address has at most ${EMAIL_MAX} characters.`;
  if (!/^[^\s@]+@[^\s@]+$/.test(value)) return 'Enter an email address such as name@example.com.';
  return undefined;
};

/** The admin checkbox has no message of its own: its issues join the form's. A taken name or address (409) goes to its field. */
const placeError = (e: unknown): FormErrors<Field> | undefined => {
  if (!(e instanceof ApiError)) return undefined;
  if (e.code === 'VALIDATION_FAILED' && e.issues.length > 0) {
    const { '': rest, admin, ...byField } = fieldErrors(e.issues, fields);
    return { byField, form: [admin, rest].filter((x) => x !== undefined).join('; ') || undefined };
  }
  // The username or the email address is taken; the message says which.
  if (e.code === 'CONFLICT') return { byField: /email/i.test(e.message) ? { email: e.message } : { username: e.message }, form: undefined };
  return undefined;
};

/**
 * Invite a user, then show their temporary password once: the admin hands it over, and the person
 * chooses their own password at first sign-in. Closing the dialog drops it for good.
 */
export const InviteUserModal = ({ onDismiss, onInvited }: { onDismiss: () => void; onInvited: (user: User) => void }) => {
  const api = useApi(usersApi);
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [admin, setAdmin] = useState(false);
  const form = useApiForm(fields);
  const [invited, setInvited] = useState<InvitedUser | undefined>(undefined);

  const usernameProblem = (form.submitted ? usernameError(username) : undefined) ?? form.serverErrors.username;
  const emailProblem = (form.submitted ? emailError(email) : undefined) ?? form.serverErrors.email;

  const submit = () =>
    form.run(
      usernameError(username) !== undefined || emailError(email) !== undefined,
      async () => {
        const result = await api.invite({ username, email, admin });
        setInvited(result);
        onInvited(result.user);
      },
      placeError,
    );

  if (invited !== undefined) {
    return (
      <OneTimeSecretModal
        header="User invited"
        intro={
          <>
            <b>{invited.user.userId}</b> ({invited.user.email}) can now sign in with this temporary password, and will choose their own
            password at first sign-in.
          </>
        }
        onDone={onDismiss}
        label="Temporary password"
        value={invited.temporaryPassword}
        copyLabel="Copy temporary password"
        warningHeader="Hand this password over now: it cannot be shown again"
        warning="Give it to the person over a channel you trust (not in the same message as their username). After you close this dialog it cannot be shown again; if it is lost, delete the user and invite them again."
      />
    );
  }

  return (
    <FormModal
      header="Invite user"
      submitText="Invite"
      pendingText="Inviting"
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
        error={usernameProblem}
        constraintText="What they sign in with: lower-case letters, digits and . _ + -."
        autoFocus
        required
      />
      <TextField
        label="Email"
        type="email"
        value={email}
        onChange={(v) => {
          setEmail(v.trim());
          form.clearField('email');
        }}
        error={emailProblem}
        constraintText="They can also sign in with this address."
        required
      />
      <Checkbox
        checked={admin}
        onChange={(event) => {
          setAdmin(event.detail.checked);
        }}
        description="Global admins can do everything: every project, all users and the settings."
      >
        Make this user a global admin
      </Checkbox>
    </FormModal>
  );
};
