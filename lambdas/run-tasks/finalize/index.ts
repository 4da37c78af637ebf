import { finalizeRun } from '../../../core/runs/tasks';
import { awsRunTasks } from '../../aws-run-tasks';

const deps = awsRunTasks();

/** A task of state-machines/job-run.asl.json, invoked by Step Functions with the state's Parameters. */
export const handler = (input: Parameters<typeof finalizeRun>[1]) => finalizeRun(deps, input);
