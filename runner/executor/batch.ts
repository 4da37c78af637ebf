import type { Clock } from '../../core/clock';
import { runHost } from './host-run';
import { checkStep, parameterEnv } from './remote-script';
import { ExecutorInputError, type HostConnector, type HostResult, type HostRunOptions, type OutputSink, type StepResult, type StepSpec } from './types';

/**
 * Runs the same steps on a batch of hosts with a bounded pool: never more than `concurrency` hosts
 * at once, each over its own single session. Once more than `maxErrors` hosts have ended failed,
 * unreachable or timed out, no further host is started (they become `skipped`); hosts already
 * running finish. Cancelling stops the running hosts' steps (see host-run.ts) and leaves the hosts
 * not yet started `cancelled`. Results come back in the order of `hosts`.
 */

export interface BatchHost {
  targetId: string;
  connect: HostConnector;
  /** The steps this host runs, when not all of the batch's (a mixed fleet: each host runs the steps for its kind). */
  steps?: readonly StepSpec[] | undefined;
}

export interface BatchInput {
  hosts: readonly BatchHost[];
  concurrency: number;
  /** How many failed hosts are tolerated; one more stops starting new hosts. */
  maxErrors: number;
  steps: readonly StepSpec[];
  parameters: Readonly<Record<string, string>>;
  secureValues: readonly string[];
  signal: AbortSignal;
  options?: HostRunOptions | undefined;
  /**
   * Asked just before a host would start (after the checks above): `start` it, or leave it
   * `skipped` or `cancelled`. The run's runner uses it to apply max errors across batches.
   */
  admit?: ((targetId: string) => Promise<'start' | 'skip' | 'cancel'>) | undefined;
  /** Told each host's result as soon as it is known (the results array comes only at the end). */
  onResult?: ((result: BatchHostResult) => Promise<void>) | undefined;
}

export interface BatchDeps {
  /** Each host's output has its own sequence, so each host gets its own sink. */
  output: (targetId: string) => OutputSink;
  clock: Clock;
}

/** `started`: the pool took the host up (connecting included, so an unreachable host was started). */
export type BatchHostResult =
  | ({ targetId: string; started: true } & HostResult)
  | { targetId: string; started: false; status: 'skipped' | 'cancelled'; steps: StepResult[]; finishedAt: string };

const ERROR_STATUSES = new Set<HostResult['status']>(['failed', 'unreachable', 'timed_out']);

export const runBatch = async (deps: BatchDeps, input: BatchInput): Promise<BatchHostResult[]> => {
  if (!Number.isInteger(input.concurrency) || input.concurrency < 1) throw new ExecutorInputError('concurrency must be a whole number of at least 1.');
  if (!Number.isInteger(input.maxErrors) || input.maxErrors < 0) throw new ExecutorInputError('maxErrors must be a whole number of at least 0.');
  for (const step of [...input.steps, ...input.hosts.flatMap((h) => h.steps ?? [])]) checkStep(step);
  parameterEnv(input.parameters);
  const ids = new Set<string>();
  for (const host of input.hosts) {
    if (ids.has(host.targetId)) throw new ExecutorInputError(`Target ${host.targetId} is in the batch twice.`);
    ids.add(host.targetId);
  }

  const results: (BatchHostResult | undefined)[] = [];
  let next = 0;
  let errors = 0;
  const notStarted = (host: BatchHost, status: 'skipped' | 'cancelled'): BatchHostResult => ({
    targetId: host.targetId,
    started: false,
    status,
    steps: (host.steps ?? input.steps).map((s) => ({ id: s.id, status, attempts: 0 })),
    finishedAt: deps.clock.now().toISOString(),
  });

  const settle = async (i: number, result: BatchHostResult) => {
    results[i] = result;
    await input.onResult?.(result);
  };

  const worker = async () => {
    for (let i = next++; i < input.hosts.length; i = next++) {
      const host = input.hosts[i];
      if (host === undefined) continue;
      if (input.signal.aborted) {
        await settle(i, notStarted(host, 'cancelled'));
        continue;
      }
      if (errors > input.maxErrors) {
        await settle(i, notStarted(host, 'skipped'));
        continue;
      }
      const admitted = input.admit ? await input.admit(host.targetId) : 'start';
      if (admitted !== 'start') {
        await settle(i, notStarted(host, admitted === 'skip' ? 'skipped' : 'cancelled'));
        continue;
      }
      const result = await runHost(
        { output: deps.output(host.targetId), clock: deps.clock },
        {
          connection: host.connect,
          steps: host.steps ?? input.steps,
          parameters: input.parameters,
          secureValues: input.secureValues,
          signal: input.signal,
          options: input.options,
        },
      );
      if (ERROR_STATUSES.has(result.status)) errors += 1;
      await settle(i, { targetId: host.targetId, started: true, ...result });
    }
  };

  await Promise.all(Array.from({ length: Math.min(input.concurrency, input.hosts.length) }, worker));
  return results.filter((r) => r !== undefined);
};
