import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';

/**
 * The API answered VERSION_CONFLICT: someone changed the thing after the form loaded it. The form
 * offers to reload it (and keeps its Save disabled until then).
 */
export const VersionConflictAlert = ({
  what,
  detail,
  reloading,
  onReload,
}: {
  /** "project", "target". */
  what: string;
  detail: string;
  reloading: boolean;
  onReload: () => void;
}) => (
  <Alert
    type="warning"
    header={`Someone else changed this ${what}`}
    action={
      <Button formAction="none" onClick={onReload} loading={reloading} loadingText="Reloading">
        Reload {what}
      </Button>
    }
  >
    {detail}
  </Alert>
);
