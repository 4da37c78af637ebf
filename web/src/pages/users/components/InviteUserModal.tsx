import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Checkbox from '@cloudscape-design/components/checkbox';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState, type SubmitEvent } from 'react';
import { ApiError, fieldErrors, messageOf } from '../../../api/errors';
import type { InvitedUser, User } from '../../../api/types';
import { usersApi } from '../../../api/users';
import { useApi } from '../../../app/services';
import { OneTimeSecret } from '../../../components/OneTimeSecret';
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

/**
 * Invite a user, then show their temporary password once: the admin hands it over, and the person
 * chooses their own password at first sign-in. Closing the dialog drops it for good.
 */
export const InviteUserModal = ({ onDismiss, onInvited }: { onDismiss: () => void; onInvited: (user: User) => void }) => {
  const api = useApi(usersApi);
  const [username, setUsername] = useState('');
  const [email, setEmail] = useState('');
  const [admin, setAdmin] = useState(false);
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [serverErrors, setServerErrors] = useState<Partial<Record<Field, string | undefined>>>({});
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const [invited, setInvited] = useState<InvitedUser | undefined>(undefined);

  const usernameProblem = (submitted ? usernameError(username) : undefined) ?? serverErrors.username;
  const emailProblem = (submitted ? emailError(email) : undefined) ?? serverErrors.email;

  const submit = async () => {
    setSubmitted(true);
    setFormError(undefined);
    setServerErrors({});
    if (usernameError(username) !== undefined || emailError(email) !== undefined) return;
    setPending(true);
    try {
      const result = await api.invite({ username, email, admin });
      setPending(false);
      setInvited(result);
      onInvited(result.user);
    } catch (e) {
      setPending(false);
      if (e instanceof ApiError && e.code === 'VALIDATION_FAILED' && e.issues.length > 0) {
        const { '': rest, ...byField } = fieldErrors(e.issues, fields);
        setServerErrors(byField);
        if (rest !== undefined || byField.admin !== undefined) setFormError([byField.admin, rest].filter((x) => x !== undefined).join('; '));
      } else if (e instanceof ApiError && e.code === 'CONFLICT') {
        // The username or the email address is taken; the message says which.
        setServerErrors(/email/i.test(e.message) ? { email: e.message } : { username: e.message });
      } else {
        setFormError(messageOf(e));
      }
    }
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void submit();
  };

  if (invited !== undefined) {
    return (
      <Modal
        visible
        onDismiss={(event) => {
          // A stray click beside the dialog must not throw the only copy away: close it on purpose.
          if (event.detail.reason !== 'overlay') onDismiss();
        }}
        header="User invited"
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
            <b>{invited.user.userId}</b> ({invited.user.email}) can now sign in with this temporary password, and will choose their own
            password at first sign-in.
          </Box>
          <OneTimeSecret
            label="Temporary password"
            value={invited.temporaryPassword}
            copyLabel="Copy temporary password"
            warningHeader="Hand this password over now: it cannot be shown again"
            warning="Give it to the person over a channel you trust (not in the same message as their username). After you close this dialog it cannot be shown again; if it is lost, delete the user and invite them again."
          />
        </SpaceBetween>
      </Modal>
    );
  }

  return (
    <Modal visible onDismiss={onDismiss} header="Invite user" closeAriaLabel="Close dialog" size="medium">
      <form onSubmit={onSubmit} noValidate aria-label="Invite user">
        <Form
          errorText={formError}
          errorIconAriaLabel="Error"
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" formAction="none" onClick={onDismiss}>
                Cancel
              </Button>
              <Button variant="primary" formAction="submit" loading={pending} loadingText="Inviting">
                Invite
              </Button>
            </SpaceBetween>
          }
        >
          <SpaceBetween size="l">
            <FormField label="Username" errorText={usernameProblem} constraintText="What they sign in with: lower-case letters, digits and . _ + -.">
              <Input
                value={username}
                onChange={(event) => {
                  setUsername(event.detail.value.trim());
                  setServerErrors((e) => ({ ...e, username: undefined }));
                }}
                autoFocus
                ariaRequired
                spellcheck={false}
                autoComplete={false}
                invalid={usernameProblem !== undefined}
              />
            </FormField>
            <FormField label="Email" errorText={emailProblem} constraintText="They can also sign in with this address.">
              <Input
                type="email"
                value={email}
                onChange={(event) => {
                  setEmail(event.detail.value.trim());
                  setServerErrors((e) => ({ ...e, email: undefined }));
                }}
                ariaRequired
                spellcheck={false}
                autoComplete={false}
                invalid={emailProblem !== undefined}
              />
            </FormField>
            <Checkbox
              checked={admin}
              onChange={(event) => {
                setAdmin(event.detail.checked);
              }}
              description="Global admins can do everything: every project, all users and the settings."
            >
              Make this user a global admin
            </Checkbox>
          </SpaceBetween>
        </Form>
      </form>
    </Modal>
  );
};
