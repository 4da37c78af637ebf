import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import ColumnLayout from '@cloudscape-design/components/column-layout';
import Container from '@cloudscape-design/components/container';
import Form from '@cloudscape-design/components/form';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import Textarea from '@cloudscape-design/components/textarea';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, fieldErrors, messageOf } from '../../api/errors';
import { jobsApi } from '../../api/jobs';
import type { ProjectAbilities } from '../../app/access';
import { useFlash } from '../../app/flash';
import { usePageLabel } from '../../app/page-label';
import { followLink, navigate } from '../../app/router';
import { jobHref, jobsHref } from '../../app/routes';
import { useApi } from '../../app/services';
import { TextField, optionalLabel } from '../../components/TextField';
import { ProjectGate } from '../project/components/ProjectGate';
import { DangerWarnings } from '../jobs/components/DangerWarnings';
import { ParametersEditor } from './components/ParametersEditor';
import { SelectorPreview } from './components/SelectorPreview';
import { StepsEditor } from './components/StepsEditor';
import { useSelectorPreview } from './hooks/use-selector-preview';
import { emptyForm, fieldsOf, formOf, inputOf, type JobForm } from './form';
import { useJob } from '../jobs/hooks/use-job';

/** Create a job (/projects/<id>/jobs/new) or edit one (/projects/<id>/jobs/<jobId>/edit). */
export const JobEditorPage = ({ projectId, jobId }: { projectId: string; jobId: string | undefined }) => (
  <ProjectGate projectId={projectId}>
    {(project, abilities) => <JobEditor key={jobId ?? 'new'} projectId={project.id} jobId={jobId} abilities={abilities} />}
  </ProjectGate>
);

const JobEditor = ({ projectId, jobId, abilities }: { projectId: string; jobId: string | undefined; abilities: ProjectAbilities }) => {
  const api = useApi(jobsApi);
  const flash = useFlash();
  const [form, setForm] = useState<JobForm | undefined>(jobId === undefined ? emptyForm() : undefined);
  const { job: original, error: loadError, reload: load } = useJob(projectId, jobId);
  const [pending, setPending] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({});
  const [formError, setFormError] = useState<string | undefined>(undefined);
  const [conflict, setConflict] = useState(false);
  const preview = useSelectorPreview(projectId, form?.selector ?? '');
  usePageLabel(original?.name);

  // A loaded (or reloaded) job replaces the form: the editor starts from what is stored.
  useEffect(() => {
    if (original === undefined) return;
    setForm(formOf(original));
    setConflict(false);
  }, [original]);

  const fields = useMemo(() => (form === undefined ? [] : fieldsOf(form)), [form]);

  if (loadError !== undefined) {
    return (
      <Alert type="error" header="The job could not be loaded" action={<Button onClick={() => void load()}>Retry</Button>}>
        {loadError}
      </Alert>
    );
  }
  if (form === undefined) return <Spinner size="large" />;

  const errorOf = (path: string) => errors[path];
  const set = (patch: Partial<JobForm>) => {
    setForm({ ...form, ...patch });
  };

  const save = async () => {
    setPending(true);
    setErrors({});
    setFormError(undefined);
    setConflict(false);
    try {
      const input = inputOf(form);
      const job = jobId === undefined || original === undefined ? await api.create(projectId, input) : await api.replace(projectId, jobId, input, original.version);
      flash.notify({
        type: job.warnings.length === 0 ? 'success' : 'warning',
        content:
          job.warnings.length === 0
            ? `Job “${job.name}” was saved (version ${job.version}).`
            : `Job “${job.name}” was saved (version ${job.version}). It has dangerous commands: ${job.warnings.map((w) => w.title).join('; ')}.`,
        forNextPage: true,
      });
      navigate(jobHref(projectId, job.id));
    } catch (e) {
      setPending(false);
      if (e instanceof ApiError && e.code === 'VALIDATION_FAILED' && e.issues.length > 0) {
        const { '': rest, ...byField } = fieldErrors(e.issues, fields);
        setErrors(byField);
        setFormError(rest === undefined ? 'Some fields need changes: see the messages next to them.' : rest);
      } else if (e instanceof ApiError && (e.status === 409 || e.status === 412)) {
        setConflict(true);
        setFormError(messageOf(e));
      } else {
        setFormError(messageOf(e));
      }
    }
  };

  const cancelHref = jobId === undefined ? jobsHref(projectId) : jobHref(projectId, jobId);

  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <Form
        header={
          <Header variant="h1" description={jobId === undefined ? 'Steps run in order on each host; parameters are filled in at each run.' : `Saving makes version ${(original?.version ?? 0) + 1}.`}>
            {jobId === undefined ? 'Create job' : `Edit ${original?.name ?? 'job'}`}
          </Header>
        }
        errorText={formError}
        errorIconAriaLabel="Error"
        actions={
          <SpaceBetween direction="horizontal" size="xs">
            {conflict && (
              <Button formAction="none" onClick={() => void load()}>
                Reload job
              </Button>
            )}
            <Button formAction="none" variant="link" href={cancelHref} onFollow={followLink}>
              Cancel
            </Button>
            <Button variant="primary" loading={pending} disabled={!abilities.manageJobs} data-testid="save-job">
              {jobId === undefined ? 'Create job' : 'Save changes'}
            </Button>
          </SpaceBetween>
        }
      >
        <SpaceBetween size="l">
          {!abilities.manageJobs && (
            <Alert type="info" header="Jobs are changed by project admins">
              You can read this job but not save changes to it.
            </Alert>
          )}
          {original !== undefined && <DangerWarnings warnings={original.warnings} />}
          <Container header={<Header variant="h2">Job</Header>}>
            <SpaceBetween size="m">
              <TextField
                label="Name"
                value={form.name}
                error={errorOf('name')}
                onChange={(name) => {
                  set({ name });
                }}
              />
              <FormField label={optionalLabel('Description')} errorText={errorOf('description')} stretch>
                <Textarea
                  value={form.description}
                  rows={2}
                  onChange={(event) => {
                    set({ description: event.detail.value });
                  }}
                />
              </FormField>
              <TextField
                label={optionalLabel('Target selector')}
                description={
                  <>
                    The hosts the job runs on, by their tags, e.g. <Box variant="code">env=prod,role in (web,db)</Box>. Empty: each run must choose.
                  </>
                }
                value={form.selector}
                error={errorOf('targets')}
                onChange={(selector) => {
                  set({ selector });
                }}
              />
              <SelectorPreview preview={preview} />
              <ColumnLayout columns={2}>
                <TextField
                  label="Concurrency"
                  description="Hosts at once: a number or a share like 25%."
                  value={form.concurrency}
                  error={errorOf('concurrency')}
                  onChange={(concurrency) => {
                    set({ concurrency });
                  }}
                />
                <TextField
                  label="Max errors"
                  description="Failed hosts tolerated before the run stops: a number or a share."
                  value={form.maxErrors}
                  error={errorOf('maxErrors')}
                  onChange={(maxErrors) => {
                    set({ maxErrors });
                  }}
                />
              </ColumnLayout>
            </SpaceBetween>
          </Container>
          <Container header={<Header variant="h2">Steps</Header>}>
            <SpaceBetween size="s">
              {errorOf('steps') !== undefined && <FormField errorText={errorOf('steps')} />}
              <StepsEditor
                steps={form.steps}
                errorOf={errorOf}
                onChange={(steps) => {
                  set({ steps });
                }}
              />
            </SpaceBetween>
          </Container>
          <Container header={<Header variant="h2">Parameters</Header>}>
            <SpaceBetween size="s">
              {errorOf('parameters') !== undefined && <FormField errorText={errorOf('parameters')} />}
              <ParametersEditor
                parameters={form.parameters}
                errorOf={errorOf}
                onChange={(parameters) => {
                  set({ parameters });
                }}
              />
            </SpaceBetween>
          </Container>
        </SpaceBetween>
      </Form>
    </form>
  );
};
