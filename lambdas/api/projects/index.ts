import { awsApiRuntime } from '../../aws-runtime';
import { makeProjectsHandler } from './handler';

export const handler = makeProjectsHandler(awsApiRuntime());
