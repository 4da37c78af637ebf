import './promise-polyfill';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import type { RunLauncher } from '../core/ports/run-launcher';
import { finalizeRun, markBatchLost, markRunFailed, planRun, type RunTaskDeps } from '../core/runs/tasks';

/**
 * Step Functions' stand-in: the same state-machines/job-run.asl.json, run by aws-local-stepfunctions,
 * its Task states mapped by name to the same task code the Lambdas run. RunBatch gets the ECS
 * RunTask parameters the file builds and hands the container's environment to the runner pool, so
 * the runner sees exactly what a Fargate task would.
 */
export const JOB_RUN_ASL = path.resolve(import.meta.dirname, '../state-machines/job-run.asl.json');

/** Values for the file's placeholders: well-formed, never called (every Task is mapped locally). */
const localSubstitutions: Record<string, string> = {
  PlanFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:opsc-local-plan',
  FinalizeFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:opsc-local-finalize',
  MarkBatchLostFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:opsc-local-mark-batch-lost',
  MarkFailedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:opsc-local-mark-failed',
  ClusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/opsc-local',
  RunnerTaskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/opsc-local-runner:1',
  RunnerSubnetIds: 'subnet-local',
  RunnerSecurityGroupId: 'sg-local',
};

export const loadJobRunDefinition = (substitutions: Record<string, string> = localSubstitutions): Record<string, unknown> => {
  let text = readFileSync(JOB_RUN_ASL, 'utf8');
  for (const [name, value] of Object.entries(substitutions)) text = text.replaceAll(`\${${name}}`, value);
  return JSON.parse(text) as Record<string, unknown>;
};

interface EcsRunTaskParameters {
  Overrides?: { ContainerOverrides?: { Name?: string; Environment?: { Name: string; Value: string }[] }[] };
}

const containerEnvironment = (input: unknown): Record<string, string> => {
  const runner = (input as EcsRunTaskParameters).Overrides?.ContainerOverrides?.find((c) => c.Name === 'runner');
  return Object.fromEntries((runner?.Environment ?? []).map((e) => [e.Name, e.Value]));
};

export interface LocalRunEngine extends RunLauncher {
  /** Resolves when every execution started so far has ended (tests). */
  idle(): Promise<void>;
  close(): Promise<void>;
}

export const createLocalRunEngine = (opts: {
  tasks: RunTaskDeps;
  runBatch: (env: Record<string, string>) => Promise<unknown>;
  onExecutionError?: (runId: string, error: unknown) => void;
}): LocalRunEngine => {
  // Built once and not validated here: the library would validate the Map's item processor again
  // for every batch (half a second each). test/unit/state-machines validates the file instead.
  const machine = new StateMachine(loadJobRunDefinition() as unknown as ConstructorParameters<typeof StateMachine>[0], { validationOptions: { noValidate: true } });
  const executions = new Map<string, { abort: () => void; done: Promise<void> }>();
  const json = async <T>(p: Promise<T>) => JSON.parse(JSON.stringify(await p)) as never;
  const handlers = {
    Plan: (input: unknown) => json(planRun(opts.tasks, input as { runId: string })),
    RunBatch: (input: unknown) => json(opts.runBatch(containerEnvironment(input))),
    MarkBatchLost: (input: unknown) => json(markBatchLost(opts.tasks, input as Parameters<typeof markBatchLost>[1])),
    Finalize: (input: unknown) => json(finalizeRun(opts.tasks, input as { runId: string })),
    MarkFailed: (input: unknown) => json(markRunFailed(opts.tasks, input as Parameters<typeof markRunFailed>[1])),
  };
  return {
    start: ({ runId, projectId }) => {
      if (executions.has(runId)) return Promise.resolve();
      const execution = machine.run(
        { runId, projectId },
        { overrides: { taskResourceLocalHandlers: handlers }, noThrowOnAbort: true, context: { Execution: { Id: runId, Name: runId }, Task: { Token: `local:${runId}` } } },
      );
      const done = execution.result.then(
        () => undefined,
        (e: unknown) => {
          opts.onExecutionError?.(runId, e);
        },
      ).finally(() => {
        executions.delete(runId);
      });
      executions.set(runId, { abort: execution.abort, done });
      return Promise.resolve();
    },
    idle: async () => {
      while (executions.size > 0) await Promise.all([...executions.values()].map((e) => e.done));
    },
    close: async () => {
      for (const e of executions.values()) e.abort();
      await Promise.all([...executions.values()].map((e) => e.done));
    },
  };
};
