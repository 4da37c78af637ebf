import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { RunLauncher } from '../../core/ports/run-launcher';

/** Step Functions: the run id is the execution name, so starting a run twice starts it once. */
export const createStepFunctionsRunLauncher = ({ sfn, stateMachineArn }: { sfn: Pick<SFNClient, 'send'>; stateMachineArn: string }): RunLauncher => ({
  start: async ({ runId, projectId }) => {
    try {
      await sfn.send(new StartExecutionCommand({ stateMachineArn, name: runId, input: JSON.stringify({ runId, projectId }) }));
    } catch (e) {
      if (e instanceof ExecutionAlreadyExists) return;
      throw e;
    }
  },
});
