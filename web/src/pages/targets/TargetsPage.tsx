import Alert from '@cloudscape-design/components/alert';
import Box from '@cloudscape-design/components/box';
import Button from '@cloudscape-design/components/button';
import type { PropertyFilterProps } from '@cloudscape-design/components/property-filter';
import SpaceBetween from '@cloudscape-design/components/space-between';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, messageOf } from '../../api/errors';
import { targetsApi } from '../../api/targets';
import type { Project, Target } from '../../api/types';
import type { ProjectAbilities } from '../../app/access';
import { useFlash } from '../../app/flash';
import { navigate } from '../../app/router';
import { targetImportHref } from '../../app/routes';
import { useApi } from '../../app/services';
import { useProjectCredentials } from '../credentials/hooks/use-project-credentials';
import { BulkTestModal } from './components/BulkTestModal';
import { DeleteTargetModal } from './components/DeleteTargetModal';
import { DiscoveryModal } from './components/DiscoveryModal';
import { TargetFormModal } from './components/TargetFormModal';
import { TargetsFilter, type SelectorProblem } from './components/TargetsFilter';
import { TargetsTable, type TargetAction } from './components/TargetsTable';
import { filterOf, positionOf, withTagsOf, type KnownTags } from './filter';
import { useTargetPages } from './hooks/use-target-pages';
import { testOutcomeText } from './test-outcome';

type Dialog =
  | { kind: 'create' }
  | { kind: 'edit'; target: Target }
  | { kind: 'delete'; target: Target }
  | { kind: 'testAll' }
  | { kind: 'discover' }
  | undefined;

const emptyQuery: PropertyFilterProps.Query = { tokens: [], operation: 'and' };

/** A selector syntax error the API answered (400 VALIDATION_FAILED on `selector`), if that is what `failure` is. */
const selectorIssueOf = (failure: unknown): string | undefined => {
  if (!(failure instanceof ApiError) || failure.code !== 'VALIDATION_FAILED') return undefined;
  return failure.issues.find((i) => i.path === 'selector')?.message;
};

/**
 * A project's targets (/projects/<id>/targets): filtered on the server by tags, name prefix and
 * protocol, paged by cursor. Operators test connections (one, or all that match); admins create,
 * edit, delete, import and discover. The API decides every request.
 */
export const TargetsPage = ({ project, abilities }: { project: Project; abilities: ProjectAbilities }) => {
  const api = useApi(targetsApi);
  const flash = useFlash();
  const credentials = useProjectCredentials(project.id);
  const [query, setQuery] = useState<PropertyFilterProps.Query>(emptyQuery);
  const [typed, setTyped] = useState('');
  const [applied, setApplied] = useState('');
  const filter = useMemo(() => filterOf(query, applied), [query, applied]);
  const pages = useTargetPages(project.id, filter);
  const [known, setKnown] = useState<KnownTags>(() => new Map());
  const [selectedId, setSelectedId] = useState<string | undefined>(undefined);
  const [dialog, setDialog] = useState<Dialog>(undefined);
  const [testing, setTesting] = useState(false);

  // Tag keys and values seen in any page loaded so far are what the filter suggests.
  const loaded = pages.all;
  useEffect(() => {
    setKnown((k) => withTagsOf(k, loaded));
  }, [loaded]);

  const selectorMessage = selectorIssueOf(pages.failure);
  const problem: SelectorProblem | undefined =
    selectorMessage === undefined ? undefined : { message: selectorMessage, sent: filter.selector ?? '', position: positionOf(selectorMessage) };
  const items = pages.error === undefined ? pages.items : [];
  const selected = items.find((t) => t.id === selectedId);

  const close = () => {
    setDialog(undefined);
  };

  const testOne = async (target: Target) => {
    setTesting(true);
    try {
      const { target: saved, result } = await api.test(project.id, target.id);
      pages.replace(saved);
      flash.notify({ type: result.ok ? 'success' : 'error', header: `Connection test: ${target.name}`, content: testOutcomeText(result) });
    } catch (e) {
      flash.notify({ type: 'error', header: `${target.name} could not be tested`, content: messageOf(e) });
    } finally {
      setTesting(false);
    }
  };

  const onAction = (action: TargetAction) => {
    if (selected === undefined) return;
    if (action === 'test') void testOne(selected);
    else setDialog({ kind: action, target: selected });
  };

  const filtered = filter.selector !== undefined || filter.namePrefix !== undefined || filter.protocol !== undefined;
  const empty = (
    <Box textAlign="center" color="inherit">
      <SpaceBetween size="m">
        <div>
          <Box variant="strong" color="inherit">
            {problem !== undefined ? 'Fix the selector to see targets' : filtered ? 'No matching targets' : 'No targets'}
          </Box>
          <Box variant="p" color="inherit">
            {problem !== undefined
              ? 'The selector could not be read; see the message under it.'
              : filtered
                ? 'No target matches all of these filters.'
                : abilities.manageTargets
                  ? 'Create targets one by one, import an inventory, or discover hosts in a network.'
                  : 'Nobody has added targets to this project yet.'}
          </Box>
        </div>
        {filtered && problem === undefined && (
          <Button
            onClick={() => {
              setQuery(emptyQuery);
              setTyped('');
              setApplied('');
            }}
          >
            Clear filters
          </Button>
        )}
      </SpaceBetween>
    </Box>
  );

  return (
    <SpaceBetween size="m">
      {pages.error !== undefined && problem === undefined && (
        <Alert type="error" header="Targets could not be loaded" action={<Button onClick={() => void pages.reload()}>Retry</Button>}>
          {pages.error}
        </Alert>
      )}
      <TargetsTable
        pages={pages}
        items={items}
        credentialOf={credentials.byId}
        abilities={abilities}
        selected={selected}
        onSelect={(t) => {
          setSelectedId(t?.id);
        }}
        onAction={onAction}
        onCreate={() => {
          setDialog({ kind: 'create' });
        }}
        onImport={() => {
          navigate(targetImportHref(project.id));
        }}
        onDiscover={() => {
          setDialog({ kind: 'discover' });
        }}
        onTestAll={() => {
          setDialog({ kind: 'testAll' });
        }}
        testing={testing}
        filter={
          <TargetsFilter
            query={query}
            onQueryChange={(q) => {
              setSelectedId(undefined);
              setQuery(q);
            }}
            typed={typed}
            onTypedChange={setTyped}
            applied={applied}
            onApply={(text) => {
              setSelectedId(undefined);
              setApplied(text);
            }}
            known={known}
            sent={filter}
            problem={problem}
            countText={pages.loading || pages.error !== undefined ? undefined : `${pages.loadedCount}${pages.hasMore ? '+' : ''} matches`}
            loading={pages.loading}
          />
        }
        empty={empty}
      />
      {(dialog?.kind === 'create' || dialog?.kind === 'edit') && (
        <TargetFormModal
          projectId={project.id}
          mode={dialog}
          credentials={credentials}
          onDismiss={close}
          onSaved={(target) => {
            close();
            if (dialog.kind === 'create') {
              setSelectedId(target.id);
              void pages.reload();
              flash.notify({ type: 'success', content: `Target “${target.name}” was created.` });
            } else {
              pages.replace(target);
              flash.notify({ type: 'success', content: `Target “${target.name}” was saved.` });
            }
          }}
        />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteTargetModal
          target={dialog.target}
          onDismiss={close}
          onDeleted={(target) => {
            close();
            setSelectedId(undefined);
            pages.remove(target.id);
            flash.notify({ type: 'success', content: `Target “${target.name}” was deleted.` });
          }}
        />
      )}
      {dialog?.kind === 'testAll' && (
        <BulkTestModal
          projectId={project.id}
          filter={filter}
          onDismiss={close}
          onTested={() => {
            void pages.reload();
          }}
        />
      )}
      {dialog?.kind === 'discover' && (
        <DiscoveryModal
          projectId={project.id}
          credentials={credentials}
          onDismiss={close}
          onAdded={() => {
            void pages.reload();
          }}
        />
      )}
    </SpaceBetween>
  );
};
