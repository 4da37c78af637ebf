import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import { useState } from 'react';
import { membersApi } from '../../../api/members';
import type { Member, ProjectRole } from '../../../api/types';
import { useApi } from '../../../app/services';
import { useApiForm } from '../../../app/use-api-form';
import { FormModal } from '../../../components/FormModal';
import { RoleField } from '../../../components/RoleField';

const roles: readonly ProjectRole[] = ['viewer', 'operator', 'admin'];
const fields = ['role'] as const;

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
  const form = useApiForm(fields);

  const submit = () =>
    form.run(false, async () => {
      if (role === member.role) onDismiss();
      else onChanged(await api.put(projectId, member.userId, role));
    });

  return (
    <FormModal
      header="Change role"
      size="medium"
      submitText="Save role"
      pendingText="Saving"
      pending={form.pending}
      error={form.formError ?? form.serverErrors.role}
      onSubmit={() => void submit()}
      onDismiss={onDismiss}
    >
      <Box variant="p">
        Role of <b>{member.userId}</b> in this project:
      </Box>
      <RoleField label="New role" value={role} onChange={setRole} roles={roles} />
      {self && member.role === 'admin' && role !== 'admin' && (
        <Alert type="warning">You are changing your own role: you will no longer be able to manage this project’s members.</Alert>
      )}
    </FormModal>
  );
};
