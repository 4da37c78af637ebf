import '../../../local/promise-polyfill';
import aslValidator from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import { loadJobRunDefinition } from '../../../local/run-engine';

/**
 * The job-run ASL file itself: valid Amazon States Language, and the flow the runs rely on, run by
 * the same local engine `npm start` uses, with its tasks replaced by recorders.
 */
type Handler = (input: Record<string, unknown>) => unknown;

const runMachine = async (handlers: Record<string, Handler>) => {
  const machine = new StateMachine(loadJobRunDefinition() as unknown as ConstructorParameters<typeof StateMachine>[0]);
  const calls: { state: string; input: Record<string, unknown> }[] = [];
  const recorded = Object.fromEntries(
    Object.entries(handlers).map(([state, handler]) => [
      state,
      async (input: unknown) => {
        calls.push({ state, input: input as Record<string, unknown> });
        return JSON.parse(JSON.stringify((await handler(input as Record<string, unknown>)) ?? {})) as never;
      },
    ]),
  );
  const execution = machine.run({ runId: 'run_1', projectId: 'prj_1' }, { overrides: { taskResourceLocalHandlers: recorded }, context: { Task: { Token: 'token' } } });
  try {
    return { result: await execution.result, error: undefined, calls };
  } catch (error) {
    return { result: undefined, error: error as Error, calls };
  }
};

const batchOf = (input: Record<string, unknown>) => {
  const overrides = input.Overrides as { ContainerOverrides: { Name: string; Environment: { Name: string; Value: string }[] }[] };
  const env = Object.fromEntries(overrides.ContainerOverrides[0]?.Environment.map((e) => [e.Name, e.Value]) ?? []);
  return { request: JSON.parse(env.OPSC_BATCH ?? '{}') as { batch: number; concurrency: number }, token: env.OPSC_TASK_TOKEN };
};

const plan = (batches: number, mapConcurrency: number) => () => ({
  hostCount: batches * 10,
  mapConcurrency,
  batches: Array.from({ length: batches }, (_, batch) => ({ runId: 'run_1', batch, concurrency: 5, deadline: '2030-01-01T00:00:00.000Z' })),
});

const named = (name: string, message: string) => Object.assign(new Error(message), { name });

describe('state-machines/job-run.asl.json', () => {
  it('is valid Amazon States Language with its placeholders filled', () => {
    const result = aslValidator(loadJobRunDefinition(), { checkPaths: true, checkArn: true });

    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('plans, runs every batch on the runner with the batch and task token as container environment, then finalizes', async () => {
    let running = 0;
    let most = 0;
    const { result, calls } = await runMachine({
      Plan: plan(4, 2),
      RunBatch: async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 20));
        running -= 1;
        return { ok: true };
      },
      Finalize: () => ({ status: 'succeeded' }),
    });

    expect(result).toEqual({ status: 'succeeded' });
    expect(calls.map((c) => c.state)).toEqual(['Plan', 'RunBatch', 'RunBatch', 'RunBatch', 'RunBatch', 'Finalize']);
    expect(calls.filter((c) => c.state === 'RunBatch').map((c) => batchOf(c.input).request.batch).sort()).toEqual([0, 1, 2, 3]);
    expect(batchOf(calls[1]?.input ?? {})).toMatchObject({ request: { concurrency: 5 }, token: 'token' });
    expect(most).toBe(2);
    expect(calls[0]?.input).toEqual({ runId: 'run_1' });
    expect(calls.at(-1)?.input).toEqual({ runId: 'run_1' });
  });

  it('goes straight to Finalize when there is nothing to run', async () => {
    const { calls } = await runMachine({ Plan: plan(0, 1), Finalize: () => ({ status: 'failed' }) });

    expect(calls.map((c) => c.state)).toEqual(['Plan', 'Finalize']);
  });

  it('marks a batch lost when its runner dies, and the other batches still finish', async () => {
    const { result, calls } = await runMachine({
      Plan: plan(2, 2),
      RunBatch: (input) => {
        if (batchOf(input).request.batch === 1) throw named('Runner.Lost', 'The runner process exited.');
        return {};
      },
      MarkBatchLost: () => ({}),
      Finalize: () => ({ status: 'failed' }),
    });

    expect(result).toEqual({ status: 'failed' });
    const lost = calls.find((c) => c.state === 'MarkBatchLost');
    expect(lost?.input).toEqual({ runId: 'run_1', batch: 1, error: { Error: 'Runner.Lost', Cause: 'The runner process exited.' } });
    expect(calls.at(-1)?.state).toBe('Finalize');
  });

  it('fails the run through MarkFailed when planning breaks for good', async () => {
    const { error, calls } = await runMachine({
      Plan: () => {
        throw named('Run.JobMissing', 'Version 3 of job job_1 does not exist.');
      },
      MarkFailed: () => ({}),
    });

    expect(calls.map((c) => c.state)).toEqual(['Plan', 'MarkFailed']);
    expect(calls[1]?.input).toEqual({ runId: 'run_1', error: { Error: 'Run.JobMissing', Cause: 'Version 3 of job job_1 does not exist.' } });
    expect(error?.message).toMatch(/could not be carried out/);
  });
});
