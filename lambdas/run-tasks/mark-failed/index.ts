import { markRunFailed } from '../../../core/runs/tasks';
import { awsRunTasks } from '../../aws-run-tasks';

const deps = awsRunTasks();

/** A task of state-machines/job-run.asl.json, invoked by Step Functions with the state's Parameters. */
export const handler = (input: Parameters<typeof markRunFailed>[1]) => markRunFailed(deps, input);
