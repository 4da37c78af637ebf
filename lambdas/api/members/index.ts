import { awsApiRuntime, awsUserDirectory } from '../../aws-runtime';
import { makeMembersHandler } from './handler';

export const handler = makeMembersHandler({ ...awsApiRuntime(), directory: awsUserDirectory() });
