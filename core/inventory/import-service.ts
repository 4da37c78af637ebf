import { isAppError } from '../errors';
import type { Principal } from '../identity/principal';
import { parseInventory, type ImportFormat, type ImportIssue } from './import';
import type { UpdateTargetInput } from './target-schema';
import { applyTargetChange, createTarget, updateTarget, type TargetDeps } from './targets-service';

export interface ImportReport {
  dryRun: boolean;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  rows: { line: number; name?: string; action: 'create' | 'update' | 'unchanged' | 'error'; errors: ImportIssue[]; warnings: ImportIssue[] }[];
}

/**
 * Imports are idempotent by name: a row whose name exists updates that target, others create one.
 * A dry run reports what would happen (including the credential check) and writes nothing.
 */
export const importTargets = async (
  deps: TargetDeps,
  by: Principal,
  projectId: string,
  request: { format: ImportFormat; content: string; dryRun: boolean },
): Promise<ImportReport> => {
  const parsed = parseInventory(request.format, request.content);
  const report: ImportReport = { dryRun: request.dryRun, created: 0, updated: 0, unchanged: 0, failed: 0, rows: [] };
  for (const row of parsed.rows) {
    const input = row.input;
    if (!input) {
      report.failed++;
      report.rows.push({ line: row.line, action: 'error', errors: row.errors, warnings: row.warnings });
      continue;
    }
    const existing = await deps.targets.getByName(projectId, input.name);
    const action = !existing ? 'create' : applyTargetChange(existing, input).changed.length > 0 ? 'update' : 'unchanged';
    const errors: ImportIssue[] = [];
    if (input.credentialId !== undefined) {
      const credential = await deps.credentials.get(projectId, input.credentialId);
      if (!credential) errors.push({ field: 'credentialId', message: 'does not exist in this project' });
    }
    if (errors.length === 0 && !request.dryRun && action !== 'unchanged') {
      try {
        if (existing) await updateTarget(deps, by, projectId, existing.id, input satisfies UpdateTargetInput);
        else await createTarget(deps, by, projectId, input);
      } catch (e) {
        if (!isAppError(e)) throw e;
        errors.push({ message: e.message });
      }
    }
    if (errors.length > 0) {
      report.failed++;
      report.rows.push({ line: row.line, name: input.name, action: 'error', errors, warnings: row.warnings });
      continue;
    }
    report[({ create: 'created', update: 'updated', unchanged: 'unchanged' } as const)[action]]++;
    report.rows.push({ line: row.line, name: input.name, action, errors: [], warnings: row.warnings });
  }
  return report;
};
