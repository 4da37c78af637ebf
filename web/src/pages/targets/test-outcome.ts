import type { ConnectionTestResult } from '../../api/types';

/** A connection test's outcome in one sentence. */
export const testOutcomeText = (result: ConnectionTestResult): string =>
  result.ok ? `Connected in ${result.latencyMs} ms: ${result.os}.` : `${result.category}: ${result.message}`;
