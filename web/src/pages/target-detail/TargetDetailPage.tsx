import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import Container from '@cloudscape-design/components/container';
import ContentLayout from '@cloudscape-design/components/content-layout';
import Header from '@cloudscape-design/components/header';
import KeyValuePairs from '@cloudscape-design/components/key-value-pairs';
import Link from '@cloudscape-design/components/link';
import SpaceBetween from '@cloudscape-design/components/space-between';
import Spinner from '@cloudscape-design/components/spinner';
import StatusIndicator from '@cloudscape-design/components/status-indicator';
import { useCallback, useEffect, useState } from 'react';
import { ApiError, messageOf } from '../../api/errors';
import { targetsApi } from '../../api/targets';
import type { ConnectionTestResult, Project, Target } from '../../api/types';
import type { ProjectAbilities } from '../../app/access';
import { useFlash } from '../../app/flash';
import { usePageLabel } from '../../app/page-label';
import { followLink, navigate } from '../../app/router';
import { projectHref } from '../../app/routes';
import { useApi } from '../../app/services';
import { DateTime } from '../../components/DateTime';
import { useProjectCredentials } from '../credentials/hooks/use-project-credentials';
import { kindLabels, loginOf } from '../credentials/kinds';
import { ProjectGate } from '../project/components/ProjectGate';
import { DeleteTargetModal } from '../targets/components/DeleteTargetModal';
import { TargetFormModal } from '../targets/components/TargetFormModal';
import { EnabledStatus, LastTestStatus, TagBadges, endpointOf, protocolText } from '../targets/display';
import { HostKeyAcceptModal } from './components/HostKeyAcceptModal';
import { TestResultPanel } from './components/TestResultPanel';

type Dialog = 'edit' | 'delete' | 'acceptKey' | undefined;

const Muted = ({ children }: { children: string }) => <Box color="text-status-inactive">{children}</Box>;

/** One target (/projects/<id>/targets/<targetId>): every field, its tags, the last test, the host key; test, edit, delete. */
export const TargetDetailPage = ({ projectId, targetId }: { projectId: string; targetId: string }) => (
  <ProjectGate projectId={projectId}>{(project, abilities) => <TargetDetail project={project} abilities={abilities} targetId={targetId} />}</ProjectGate>
);

const TargetDetail = ({ project, abilities, targetId }: { project: Project; abilities: ProjectAbilities; targetId: string }) => {
  const api = useApi(targetsApi);
  const flash = useFlash();
  const credentials = useProjectCredentials(project.id);
  const [target, setTarget] = useState<Target | undefined>(undefined);
  const [loadError, setLoadError] = useState<{ message: string; status: number | undefined } | undefined>(undefined);
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<ConnectionTestResult | undefined>(undefined);
  const [testError, setTestError] = useState<string | undefined>(undefined);
  const [dialog, setDialog] = useState<Dialog>(undefined);
  usePageLabel(target?.name);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoadError(undefined);
      try {
        const t = await api.get(project.id, targetId, signal);
        if (signal?.aborted !== true) setTarget(t);
      } catch (e) {
        if (signal?.aborted !== true) setLoadError({ message: messageOf(e), status: e instanceof ApiError ? e.status : undefined });
      }
    },
    [api, project.id, targetId],
  );

  useEffect(() => {
    const controller = new AbortController();
    setTarget(undefined);
    setResult(undefined);
    void load(controller.signal);
    return () => {
      controller.abort();
    };
  }, [load]);

  const close = () => {
    setDialog(undefined);
  };

  if (target === undefined) {
    if (loadError === undefined) return <Spinner size="large" />;
    return (
      <ContentLayout header={<Header variant="h1">{loadError.status === 404 ? 'Target not found' : 'Target'}</Header>}>
        {loadError.status === 404 ? (
          <Container>
            <Box variant="p">
              There is no target <Box variant="code">{targetId}</Box> in this project.{' '}
              <Link href={projectHref(project.id, 'targets')} onFollow={followLink}>
                Go to Targets
              </Link>
            </Box>
          </Container>
        ) : (
          <Alert type="error" header="The target could not be loaded" action={<Button onClick={() => void load()}>Retry</Button>}>
            {loadError.message}
          </Alert>
        )}
      </ContentLayout>
    );
  }

  const test = async () => {
    setTesting(true);
    setTestError(undefined);
    setResult(undefined);
    try {
      const answer = await api.test(project.id, target.id);
      setTarget(answer.target);
      setResult(answer.result);
    } catch (e) {
      setTestError(messageOf(e));
    } finally {
      setTesting(false);
    }
  };

  const credential = credentials.byId(target.credentialId);
  const presented = result !== undefined && !result.ok && result.category === 'HOST_KEY_MISMATCH' ? result.hostKeyFingerprint : undefined;

  return (
    <ContentLayout
      header={
        <Header
          variant="h1"
          description={target.description === '' ? undefined : target.description}
          actions={
            <SpaceBetween direction="horizontal" size="xs">
              {abilities.manageTargets && (
                <>
                  <Button
                    onClick={() => {
                      setDialog('delete');
                    }}
                  >
                    Delete
                  </Button>
                  <Button
                    onClick={() => {
                      setDialog('edit');
                    }}
                  >
                    Edit
                  </Button>
                </>
              )}
              {abilities.testTargets && (
                <Button variant="primary" onClick={() => void test()} loading={testing} loadingText="Testing connection">
                  Test connection
                </Button>
              )}
            </SpaceBetween>
          }
        >
          {target.name}
        </Header>
      }
    >
      <SpaceBetween size="l">
        {testError !== undefined && (
          <Alert
            type="error"
            header="The test could not run"
            dismissible
            onDismiss={() => {
              setTestError(undefined);
            }}
            i18nStrings={{ dismissAriaLabel: 'Dismiss' }}
          >
            {testError}
          </Alert>
        )}
        {result !== undefined && (
          <TestResultPanel
            result={result}
            canAcceptKey={abilities.manageTargets}
            onReviewKey={() => {
              setDialog('acceptKey');
            }}
            onDismiss={() => {
              setResult(undefined);
            }}
          />
        )}
        <Container header={<Header variant="h2">Connection</Header>}>
          <KeyValuePairs
            columns={3}
            items={[
              { label: 'Address', value: <Box variant="code">{endpointOf(target)}</Box> },
              { label: 'Protocol', value: protocolText(target) },
              ...(target.winrm === undefined
                ? []
                : [
                    {
                      label: 'TLS certificate',
                      value:
                        target.winrm.transport === 'http' ? (
                          <Muted>Not used (HTTP)</Muted>
                        ) : target.winrm.verifyTls ? (
                          <StatusIndicator type="success">Verified</StatusIndicator>
                        ) : (
                          <StatusIndicator type="warning">Not verified: any certificate is accepted</StatusIndicator>
                        ),
                    },
                  ]),
              {
                label: 'Credential',
                value:
                  target.credentialId === undefined ? (
                    <Muted>None: add one to test and run</Muted>
                  ) : credential === undefined ? (
                    <Box variant="code">{target.credentialId}</Box>
                  ) : (
                    <Link href={projectHref(project.id, 'credentials')} onFollow={followLink}>
                      {`${credential.name} (${kindLabels[credential.kind]}, ${loginOf(credential)})`}
                    </Link>
                  ),
              },
              { label: 'Username on this host', value: target.username ?? <Muted>The credential's</Muted> },
              { label: 'Enabled', value: <EnabledStatus enabled={target.enabled} /> },
              { label: 'Target ID', value: <Box variant="code">{target.id}</Box> },
              {
                label: 'Created',
                value: (
                  <>
                    <DateTime iso={target.createdAt} /> by {target.createdBy}
                  </>
                ),
              },
              {
                label: 'Last changed',
                value: (
                  <>
                    <DateTime iso={target.updatedAt} /> by {target.updatedBy}
                  </>
                ),
              },
            ]}
          />
        </Container>
        <Container header={<Header variant="h2">Tags</Header>}>
          <TagBadges tags={target.tags} />
        </Container>
        <Container header={<Header variant="h2">Last connection test</Header>}>
          {target.lastTest === undefined ? (
            <Muted>Never tested.</Muted>
          ) : (
            <KeyValuePairs
              columns={3}
              items={[
                { label: 'Result', value: <LastTestStatus test={target.lastTest} /> },
                { label: 'When', value: <DateTime iso={target.lastTest.at} /> },
                ...(target.lastTest.ok
                  ? [
                      { label: 'Latency', value: target.lastTest.latencyMs === undefined ? '—' : `${target.lastTest.latencyMs} ms` },
                      { label: 'Operating system', value: target.lastTest.os ?? '—' },
                    ]
                  : [{ label: 'Message', value: target.lastTest.message ?? '—' }]),
              ]}
            />
          )}
        </Container>
        {target.protocol === 'ssh' && <HostKeyContainer target={target} mismatchUnseen={presented === undefined && target.lastTest?.category === 'HOST_KEY_MISMATCH'} />}
      </SpaceBetween>
      {dialog === 'edit' && (
        <TargetFormModal
          projectId={project.id}
          mode={{ kind: 'edit', target }}
          credentials={credentials}
          onDismiss={close}
          onSaved={(saved) => {
            close();
            setTarget(saved);
            flash.notify({ type: 'success', content: `Target “${saved.name}” was saved.` });
          }}
        />
      )}
      {dialog === 'delete' && (
        <DeleteTargetModal
          target={target}
          onDismiss={close}
          onDeleted={(deleted) => {
            flash.notify({ type: 'success', content: `Target “${deleted.name}” was deleted.`, forNextPage: true });
            navigate(projectHref(project.id, 'targets'));
          }}
        />
      )}
      {dialog === 'acceptKey' && presented !== undefined && (
        <HostKeyAcceptModal
          projectId={project.id}
          target={target}
          presented={presented}
          onDismiss={close}
          onAccepted={(saved) => {
            close();
            setTarget(saved);
            setResult(undefined);
            flash.notify({ type: 'success', content: `The new host key of “${saved.name}” is trusted. Test the connection again to check it.` });
          }}
        />
      )}
    </ContentLayout>
  );
};

/** Which key connections must see, and who decided it: an admin's pin, or a key trusted on first use or accepted. */
const HostKeyContainer = ({ target, mismatchUnseen }: { target: Target; mismatchUnseen: boolean }) => {
  const pinned = target.hostKeyFingerprint;
  const trusted = target.hostKey;
  return (
    <Container header={<Header variant="h2">Host key</Header>}>
      <SpaceBetween size="m">
        {pinned !== undefined ? (
          <KeyValuePairs
            columns={2}
            items={[
              {
                label: 'Pinned fingerprint',
                value: (
                  <Box variant="code">
                    <span data-testid="host-key-fingerprint">{pinned}</span>
                  </Box>
                ),
              },
              { label: 'Trust', value: 'Pinned by an admin: a host presenting any other key is refused.' },
            ]}
          />
        ) : trusted !== undefined ? (
          <KeyValuePairs
            columns={2}
            items={[
              {
                label: 'Trusted fingerprint',
                value: (
                  <Box variant="code">
                    <span data-testid="host-key-fingerprint">{trusted.fingerprint}</span>
                  </Box>
                ),
              },
              {
                label: 'Trusted',
                value: (
                  <>
                    {trusted.acceptedBy === 'trust-on-first-use' ? 'On first use (the first successful test)' : `Accepted by ${trusted.acceptedBy}`},{' '}
                    <DateTime iso={trusted.acceptedAt} />
                  </>
                ),
              },
            ]}
          />
        ) : (
          <Muted>Not known yet: the key the host presents at the first successful test is trusted from then on.</Muted>
        )}
        {mismatchUnseen && (
          <Alert type="warning" header="The host presented another key at the last test">
            Test the connection again to see the key it presents now; an admin of the project can then check it and accept it.
          </Alert>
        )}
      </SpaceBetween>
    </Container>
  );
};
