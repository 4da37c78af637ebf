import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Checkbox from '@cloudscape-design/components/checkbox';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import { useState } from 'react';
import { targetsApi } from '../../../api/targets';
import type { Target } from '../../../api/types';
import { useApi } from '../../../app/services';
import { ConfirmModal } from '../../../components/ConfirmModal';
import { endpointOf } from '../../targets/display';

/**
 * A host presented another key than the one trusted. An admin may trust the presented key, named
 * by its fingerprint (so a key that changed yet again is not accepted blindly) once they have
 * compared it with the host's own. Accepting replaces a pin, if there was one.
 */
export const HostKeyAcceptModal = ({
  projectId,
  target,
  presented,
  onDismiss,
  onAccepted,
}: {
  projectId: string;
  target: Target;
  presented: string;
  onDismiss: () => void;
  onAccepted: (target: Target) => void;
}) => {
  const api = useApi(targetsApi);
  const [checked, setChecked] = useState(false);
  const trusted = target.hostKeyFingerprint ?? target.hostKey?.fingerprint;

  return (
    <ConfirmModal
      header="Accept the new host key"
      confirmText="Accept this key"
      pendingText="Accepting"
      failureHeader="The key was not accepted"
      confirmDisabled={!checked}
      onDismiss={onDismiss}
      onConfirm={async () => {
        onAccepted(await api.acceptHostKey(projectId, target.id, presented));
      }}
    >
      <Alert type="warning" header="Only accept a key you have checked">
        A changed host key is expected after a reinstall or a key rotation. It is also what a machine posing as <b>{endpointOf(target)}</b>{' '}
        would present. Compare the fingerprint below with the host's own, for example with{' '}
        <Box variant="code">ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</Box> on its console.
      </Alert>
      <KeyValuePairs
        columns={1}
        items={[
          {
            label: 'Presented by the host now',
            value: (
              <Box variant="code" fontSize="body-m">
                <span data-testid="presented-fingerprint">{presented}</span>
              </Box>
            ),
          },
          {
            label: target.hostKeyFingerprint === undefined ? 'Trusted until now' : 'Pinned until now',
            value: trusted === undefined ? '—' : <Box variant="code">{trusted}</Box>,
          },
        ]}
      />
      <Checkbox
        checked={checked}
        onChange={(event) => {
          setChecked(event.detail.checked);
        }}
      >
        I compared this fingerprint with the host's key, and they are the same
      </Checkbox>
    </ConfirmModal>
  );
};
