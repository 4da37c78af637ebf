import { planRun } from '../../../core/runs/tasks';
import { awsRunTasks } from '../../aws-run-tasks';

const deps = awsRunTasks();

/** A task of state-machines/job-run.asl.json, invoked by Step Functions with the state's Parameters. */
export const handler = (input: Parameters<typeof planRun>[1]) => planRun(deps, input);
