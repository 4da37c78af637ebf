import { awsApiRuntime, awsUserDirectory } from '../../aws-runtime';
import { makeUsersHandler } from './handler';

export const handler = makeUsersHandler({ ...awsApiRuntime(), directory: awsUserDirectory() });
