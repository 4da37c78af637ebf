import { awsApiRuntime, awsUserDirectory } from '../../aws-runtime';
import { makeSettingsHandler } from './handler';

export const handler = makeSettingsHandler({ ...awsApiRuntime(), directory: awsUserDirectory() });
