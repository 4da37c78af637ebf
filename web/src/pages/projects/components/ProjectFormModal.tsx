import Alert from '@cloudscape-design/components/alert';
import Button from '@cloudscape-design/components/button';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Input from '@cloudscape-design/components/input';
import Modal from '@cloudscape-design/components/modal';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import { useState, type SubmitEvent } from 'react';
import { ApiError, fieldErrors, messageOf } from '../../../api/errors';
import type { Project, UpdateProjectInput } from '../../../api/types';
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

/** Create or edit a project: client-side checks first, then the API's own answer on each field. */
export const ProjectFormModal = ({ mode, onDismiss, onSaved, onGone }: Props) => {
  const api = useProjectsApi();
  const [base, setBase] = useState<Project | undefined>(mode.kind === 'edit' ? mode.project : undefined);
  const [values, setValues] = useState<ProjectFormValues>(valuesOf(base));
  const [submitted, setSubmitted] = useState(false);
  const [pending, setPending] = useState(false);
  const [serverErrors, setServerErrors] = useState<Partial<Record<ProjectField, string>>>({});
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const [versionConflict, setVersionConflict] = useState(false);
  const [reloading, setReloading] = useState(false);
  const [reloaded, setReloaded] = useState(false);

  const clientErrors = submitted ? validateProject(values) : {};
  const errorFor = (field: ProjectField) => clientErrors[field] ?? serverErrors[field];

  const set = (field: ProjectField, value: string) => {
    setValues((v) => ({ ...v, [field]: value }));
    setServerErrors((e) => ({ ...e, [field]: undefined }));
  };

  const save = async () => {
    setSubmitted(true);
    setFormError(undefined);
    setServerErrors({});
    setReloaded(false);
    if (Object.keys(validateProject(values)).length > 0) return;
    setPending(true);
    try {
      let saved: Project;
      if (base === undefined) {
        saved = await api.create({ name: values.name, ...(values.description === '' ? {} : { description: values.description }) });
      } else {
        const patch: UpdateProjectInput = { version: base.version };
        if (values.name !== base.name) patch.name = values.name;
        if (values.description !== base.description) patch.description = values.description;
        if (patch.name === undefined && patch.description === undefined) {
          setPending(false);
          onDismiss();
          return;
        }
        saved = await api.update(base.id, patch);
      }
      setPending(false);
      onSaved(saved);
    } catch (e) {
      setPending(false);
      if (!(e instanceof ApiError)) {
        setFormError(messageOf(e));
        return;
      }
      if (e.code === 'VALIDATION_FAILED' && e.issues.length > 0) {
        const { '': rest, ...byField } = fieldErrors(e.issues, projectFields);
        setServerErrors(byField);
        if (rest !== undefined) setFormError(rest);
      } else if (e.code === 'CONFLICT') {
        // The name is taken by another project.
        setServerErrors({ name: e.message });
      } else if (e.code === 'VERSION_CONFLICT') {
        setVersionConflict(true);
      } else if (e.status === 404 && base !== undefined) {
        setFormError('This project no longer exists: someone deleted it.');
        onGone(base.id);
      } else {
        setFormError(e.message);
      }
    }
  };

  const reload = async () => {
    if (base === undefined) return;
    setReloading(true);
    setFormError(undefined);
    try {
      const latest = await api.get(base.id);
      setBase(latest);
      setValues(valuesOf(latest));
      setServerErrors({});
      setSubmitted(false);
      setVersionConflict(false);
      setReloaded(true);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        setVersionConflict(false);
        setFormError('This project no longer exists: someone deleted it.');
        onGone(base.id);
      } else {
        setFormError(messageOf(e));
      }
    } finally {
      setReloading(false);
    }
  };

  const onSubmit = (event: SubmitEvent) => {
    event.preventDefault();
    void save();
  };

  const nameError = errorFor('name');
  const descriptionError = errorFor('description');
  const title = mode.kind === 'create' ? 'Create project' : 'Edit project';

  return (
    <Modal visible onDismiss={onDismiss} header={title} closeAriaLabel="Close dialog" size="medium">
      <form onSubmit={onSubmit} noValidate aria-label={title}>
        <Form
          errorText={formError}
          errorIconAriaLabel="Error"
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              <Button variant="link" formAction="none" onClick={onDismiss}>
                Cancel
              </Button>
              <Button
                variant="primary"
                formAction="submit"
                loading={pending}
                loadingText="Saving"
                disabled={versionConflict}
                data-testid="project-form-submit"
              >
                {mode.kind === 'create' ? 'Create' : 'Save changes'}
              </Button>
            </SpaceBetween>
          }
        >
          <SpaceBetween size="l">
            {versionConflict && (
              <Alert
                type="warning"
                header="Someone else changed this project"
                action={
                  <Button formAction="none" onClick={() => void reload()} loading={reloading} loadingText="Reloading">
                    Reload project
                  </Button>
                }
              >
                It was changed after you opened it. Reload to see the current name and description, then make your changes
                again.
              </Alert>
            )}
            {reloaded && <Alert type="info">Reloaded the current version of this project.</Alert>}
            <FormField
              label="Name"
              errorText={nameError}
              constraintText={`Up to ${NAME_MAX} characters, with no space at the start or end.`}
            >
              <Input
                value={values.name}
                onChange={(event) => {
                  set('name', event.detail.value);
                }}
                autoFocus
                ariaRequired
                spellcheck={false}
                invalid={nameError !== undefined}
                disabled={versionConflict}
              />
            </FormField>
            <FormField
              label={
                <span>
                  Description <i>- optional</i>
                </span>
              }
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
          </SpaceBetween>
        </Form>
      </form>
    </Modal>
  );
};
