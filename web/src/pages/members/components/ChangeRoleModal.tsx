import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Form from '@cloudscape-design/components/form';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useState, type SubmitEvent } from 'react';
import { messageOf } from '../../../api/errors';
import { membersApi } from '../../../api/members';
import type { Member, ProjectRole } from '../../../api/types';
import { useApi } from '../../../app/services';
import { RoleField } from '../../../components/RoleField';

const roles: readonly ProjectRole[] = ['viewer', 'operator', 'admin'];

/** Change a member's role. The API refuses (409) to leave the project without an admin; that is shown as it says. */
export const ChangeRoleModal = ({
  projectId,
  member,
  self,
  onDismiss,
  onChanged,
}: {
  projectId: string;
  member: Member;
  self: boolean;
  onDismiss: () => void;
  onChanged: (member: Member) => void;
}) => {
  const api = useApi(membersApi);
  const [role, setRole] = useState<ProjectRole>(member.role);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = async () => {
    setError(undefined);
    if (role === member.role) {
      onDismiss();
      return;
    }
    setPending(true);
    try {
      onChanged(await api.put(projectId, member.userId, role));
    } catch (e) {
      setPending(false);
      setError(messageOf(e));
    }
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void submit();
  };

  return (
    <Modal visible onDismiss={onDismiss} header="Change role" closeAriaLabel="Close dialog">
      <form onSubmit={onSubmit} noValidate aria-label="Change role">
        <Form
          errorText={error}
          errorIconAriaLabel="Error"
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" formAction="none" onClick={onDismiss}>
                Cancel
              </Button>
              <Button variant="primary" formAction="submit" loading={pending} loadingText="Saving">
                Save role
              </Button>
            </SpaceBetween>
          }
        >
          <SpaceBetween size="l">
            <Box variant="p">
              Role of <b>{member.userId}</b> in this project:
            </Box>
            <RoleField label="New role" value={role} onChange={setRole} roles={roles} />
            {self && member.role === 'admin' && role !== 'admin' && (
              <Alert type="warning">You are changing your own role: you will no longer be able to manage this project’s members.</Alert>
            )}
          </SpaceBetween>
        </Form>
      </form>
    </Modal>
  );
};
