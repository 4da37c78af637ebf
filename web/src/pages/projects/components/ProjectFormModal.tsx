import Alert from '@cloudscape-design/components/alert';
import FormField from '@cloudscape-design/components/form-field';
import Textarea from '@cloudscape-design/components/textarea';
import { useState } from 'react';
import { ApiError, messageOf } from '../../../api/errors';
import type { Project, UpdateProjectInput } from '../../../api/types';
import { useApiForm } from '../../../app/use-api-form';
import { FormModal } from '../../../components/FormModal';
import { TextField, optionalLabel } from '../../../components/TextField';
import { VersionConflictAlert } from '../../../components/VersionConflictAlert';
import { useProjectsApi } from '../hooks/use-projects-api';
import { DESCRIPTION_MAX, NAME_MAX, projectFields, validateProject, type ProjectField, type ProjectFormValues } from '../validation';

type Mode = { kind: 'create' } | { kind: 'edit'; project: Project };

interface Props {
  mode: Mode;
  onDismiss: () => void;
  onSaved: (project: Project) => void;
  /** Editing found the project gone (someone deleted it). */
  onGone: (projectId: string) => void;
}

const valuesOf = (project: Project | undefined): ProjectFormValues => ({
  name: project?.name ?? '',
  description: project?.description ?? '',
});

const GONE = 'This project no longer exists: someone deleted it.';

/** Create or edit a project: client-side checks first, then the API's own answer on each field. */
export const ProjectFormModal = ({ mode, onDismiss, onSaved, onGone }: Props) => {
  const api = useProjectsApi();
  const [base, setBase] = useState<Project | undefined>(mode.kind === 'edit' ? mode.project : undefined);
  const [values, setValues] = useState<ProjectFormValues>(valuesOf(base));
  const form = useApiForm(projectFields);
  const [versionConflict, setVersionConflict] = useState(false);
  const [reloading, setReloading] = useState(false);
  const [reloaded, setReloaded] = useState(false);

  const clientErrors = form.submitted ? validateProject(values) : {};
  const errorFor = (field: ProjectField) => clientErrors[field] ?? form.serverErrors[field];

  const set = (field: ProjectField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    form.clearField(field);
  };

  const save = async () => {
    setReloaded(false);
    await form.run(
      Object.keys(validateProject(values)).length > 0,
      async () => {
        if (base === undefined) {
          onSaved(await api.create({ name: values.name, ...(values.description === '' ? {} : { description: values.description }) }));
          return;
        }
        const patch: UpdateProjectInput = { version: base.version };
        if (values.name !== base.name) patch.name = values.name;
        if (values.description !== base.description) patch.description = values.description;
        if (patch.name === undefined && patch.description === undefined) onDismiss();
        else onSaved(await api.update(base.id, patch));
      },
      (e) => {
        if (!(e instanceof ApiError)) return undefined;
        // The name is taken by another project.
        if (e.code === 'CONFLICT') return { byField: { name: e.message }, form: undefined };
        if (e.code === 'VERSION_CONFLICT') {
          setVersionConflict(true);
          return { byField: {}, form: undefined };
        }
        if (e.status === 404 && base !== undefined) {
          onGone(base.id);
          return { byField: {}, form: GONE };
        }
        return undefined;
      },
    );
  };

  const reload = async () => {
    if (base === undefined) return;
    setReloading(true);
    form.setFormError(undefined);
    try {
      const latest = await api.get(base.id);
      setBase(latest);
      setValues(valuesOf(latest));
      form.reset();
      setVersionConflict(false);
      setReloaded(true);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        setVersionConflict(false);
        form.setFormError(GONE);
        onGone(base.id);
      } else {
        form.setFormError(messageOf(e));
      }
    } finally {
      setReloading(false);
    }
  };

  const descriptionError = errorFor('description');

  return (
    <FormModal
      header={mode.kind === 'create' ? 'Create project' : 'Edit project'}
      submitText={mode.kind === 'create' ? 'Create' : 'Save changes'}
      pendingText="Saving"
      pending={form.pending}
      error={form.formError}
      submitDisabled={versionConflict}
      submitTestId="project-form-submit"
      onSubmit={() => void save()}
      onDismiss={onDismiss}
    >
      {versionConflict && (
        <VersionConflictAlert
          what="project"
          detail="It was changed after you opened it. Reload to see the current name and description, then make your changes again."
          reloading={reloading}
          onReload={() => void reload()}
        />
      )}
      {reloaded && <Alert type="info">Reloaded the current version of this project.</Alert>}
      <TextField
        label="Name"
        value={values.name}
        onChange={(v) => {
          set('name', v);
        }}
        error={errorFor('name')}
        constraintText={`Up to ${NAME_MAX} characters, with no space at the start or end.`}
        autoFocus
        required
        disabled={versionConflict}
      />
      <FormField
        label={optionalLabel('Description')}
        errorText={descriptionError}
        constraintText={`${values.description.length}/${DESCRIPTION_MAX} characters.`}
      >
        <Textarea
          value={values.description}
          onChange={(event) => {
            set('description', event.detail.value);
          }}
          rows={4}
          invalid={descriptionError !== undefined}
          disabled={versionConflict}
        />
      </FormField>
    </FormModal>
  );
};
