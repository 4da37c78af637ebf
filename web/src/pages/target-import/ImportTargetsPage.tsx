import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import FileUpload from '@cloudscape-design/components/file-upload';
import FormField from '@cloudscape-design/components/form-field';
import Header from '@cloudscape-design/components/header';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Textarea from '@cloudscape-design/components/textarea';
import Tiles from '@cloudscape-design/components/tiles';
import Wizard from '@cloudscape-design/components/wizard';
import { useState } from 'react';
import { messageOf } from '../../api/errors';
import { targetsApi } from '../../api/targets';
import type { ImportFormat, ImportReport, Project } from '../../api/types';
import { useFlash } from '../../app/flash';
import { navigate } from '../../app/router';
import { projectHref } from '../../app/routes';
import { useApi } from '../../app/services';
import { ProjectGate } from '../project/components/ProjectGate';
import { ImportReportView } from './components/ImportReportView';
import { MAX_CONTENT_BYTES, formatInfo, importFormats } from './formats';

/** Importing targets (/projects/<id>/targets/import): for the project's admins. */
export const ImportTargetsPage = ({ projectId }: { projectId: string }) => (
  <ProjectGate projectId={projectId}>
    {(project, abilities) =>
      abilities.manageTargets ? (
        <ImportWizard project={project} />
      ) : (
        <ContentLayout header={<Header variant="h1">Import targets</Header>}>
          <Alert type="info" header="Imports are for project admins">
            Only admins of this project can import targets.
          </Alert>
        </ContentLayout>
      )
    }
  </ProjectGate>
);

const byteLength = (text: string) => new TextEncoder().encode(text).length;

/**
 * Choose a format, paste or upload the document, look at the dry run (what each row would do,
 * with its errors and warnings; nothing is written), then import for real and read the report.
 * Imports are idempotent by name: a row whose name exists updates that target.
 */
const ImportWizard = ({ project }: { project: Project }) => {
  const api = useApi(targetsApi);
  const flash = useFlash();
  const [step, setStep] = useState(0);
  const [format, setFormat] = useState<ImportFormat>('ansible-ini');
  const [files, setFiles] = useState<File[]>([]);
  const [content, setContent] = useState('');
  const [contentError, setContentError] = useState<string | undefined>(undefined);
  const [stepError, setStepError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [dryRun, setDryRun] = useState<ImportReport | undefined>(undefined);
  const [done, setDone] = useState<ImportReport | undefined>(undefined);
  const targetsHref = projectHref(project.id, 'targets');

  const readFile = async (file: File | undefined) => {
    setContentError(undefined);
    if (file === undefined) return;
    if (file.size > MAX_CONTENT_BYTES) {
      setContentError(`${file.name} is larger than ${Math.floor(MAX_CONTENT_BYTES / 1024)} KiB; split it into smaller files.`);
      return;
    }
    try {
      setContent(await file.text());
    } catch {
      setContentError(`${file.name} could not be read.`);
    }
  };

  const runDry = async () => {
    if (content.trim() === '') {
      setContentError('Paste the inventory or upload a file.');
      return;
    }
    if (byteLength(content) > MAX_CONTENT_BYTES) {
      setContentError(`The inventory is larger than ${Math.floor(MAX_CONTENT_BYTES / 1024)} KiB; split it into smaller files.`);
      return;
    }
    setBusy(true);
    setStepError(undefined);
    try {
      setDryRun(await api.import(project.id, { format, content, dryRun: true }));
      setStep(2);
    } catch (e) {
      // A document that cannot be read as a whole (400, naming the line where it can).
      setStepError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const runImport = async () => {
    if (dryRun !== undefined && dryRun.created + dryRun.updated === 0) {
      setStepError('Nothing to import: no row would create or change a target.');
      return;
    }
    setBusy(true);
    setStepError(undefined);
    try {
      const report = await api.import(project.id, { format, content, dryRun: false });
      setDone(report);
      flash.notify({
        type: report.failed === 0 ? 'success' : 'warning',
        content: `Import finished: ${report.created} created, ${report.updated} updated, ${report.unchanged} unchanged, ${report.failed} failed.`,
      });
    } catch (e) {
      setStepError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  const restart = () => {
    setStep(0);
    setFiles([]);
    setContent('');
    setDryRun(undefined);
    setDone(undefined);
    setStepError(undefined);
  };

  if (done !== undefined) {
    return (
      <ContentLayout
        header={
          <Header
            variant="h1"
            actions={
              <SpaceBetween direction="horizontal" size="xs">
                <Button onClick={restart}>Import another file</Button>
                <Button
                  variant="primary"
                  onClick={() => {
                    navigate(targetsHref);
                  }}
                >
                  Go to targets
                </Button>
              </SpaceBetween>
            }
          >
            Import finished
          </Header>
        }
      >
        <Container header={<Header variant="h2">Report</Header>}>
          <ImportReportView report={done} />
        </Container>
      </ContentLayout>
    );
  }

  const info = formatInfo[format];
  return (
    <Wizard
      activeStepIndex={step}
      isLoadingNextStep={busy}
      submitButtonText="Import targets"
      onCancel={() => {
        navigate(targetsHref);
      }}
      onSubmit={() => void runImport()}
      onNavigate={(event) => {
        const next = event.detail.requestedStepIndex;
        setStepError(undefined);
        if (next === 2 && step === 1) void runDry();
        else setStep(next);
      }}
      i18nStrings={{
        stepNumberLabel: (n) => `Step ${n}`,
        collapsedStepsLabel: (n, total) => `Step ${n} of ${total}`,
        navigationAriaLabel: 'Import steps',
        cancelButton: 'Cancel',
        previousButton: 'Previous',
        nextButton: 'Next',
        optional: 'optional',
        errorIconAriaLabel: 'Error',
      }}
      steps={[
        {
          title: 'Choose a format',
          description: 'Targets are matched by name: a row whose name exists in the project updates that target, any other creates one.',
          content: (
            <Container header={<Header variant="h2">Format</Header>}>
              <FormField label="Format of the inventory" stretch>
                <Tiles
                  value={format}
                  onChange={(event) => {
                    const f = importFormats.find((x) => x === event.detail.value);
                    if (f !== undefined) setFormat(f);
                  }}
                  columns={3}
                  items={importFormats.map((f) => ({ value: f, label: formatInfo[f].label, description: formatInfo[f].description }))}
                />
              </FormField>
            </Container>
          ),
        },
        {
          title: 'Add the inventory',
          description: 'Upload the file, or paste its contents.',
          errorText: stepError,
          content: (
            <Container header={<Header variant="h2">{info.label}</Header>}>
              <SpaceBetween size="l">
                <FormField label="File" description="Its contents appear below, where you can still change them.">
                  <FileUpload
                    value={files}
                    onChange={(event) => {
                      setFiles(event.detail.value);
                      void readFile(event.detail.value[0]);
                    }}
                    accept={info.accept}
                    showFileSize
                    i18nStrings={{
                      uploadButtonText: () => 'Choose file',
                      dropzoneText: () => 'Drop a file to upload',
                      removeFileAriaLabel: (_i, name) => `Remove ${name}`,
                      errorIconAriaLabel: 'Error',
                      warningIconAriaLabel: 'Warning',
                    }}
                  />
                </FormField>
                <FormField label="Inventory" errorText={contentError} constraintText={`Up to ${Math.floor(MAX_CONTENT_BYTES / 1024)} KiB.`} stretch>
                  <Textarea
                    value={content}
                    onChange={(event) => {
                      setContent(event.detail.value);
                      setContentError(undefined);
                    }}
                    rows={14}
                    spellcheck={false}
                    placeholder={info.example}
                    invalid={contentError !== undefined}
                  />
                </FormField>
              </SpaceBetween>
            </Container>
          ),
        },
        {
          title: 'Review the dry run',
          description: 'Nothing has been written yet. Rows with errors are skipped; the others are imported.',
          errorText: stepError,
          content: (
            <Container header={<Header variant="h2">What the import would do</Header>}>
              {dryRun === undefined ? <Box>Go back and add the inventory.</Box> : <ImportReportView report={dryRun} />}
            </Container>
          ),
        },
      ]}
    />
  );
};
