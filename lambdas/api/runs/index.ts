import { awsApiRuntime } from '../../aws-runtime';
import { awsRuns } from '../../aws-runs';
import { makeRunsHandler } from './handler';

export const handler = makeRunsHandler({ ...awsApiRuntime(), ...awsRuns() });
