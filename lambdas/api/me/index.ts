import { awsApiRuntime } from '../../aws-runtime';
import { makeMeHandler } from './handler';

export const handler = makeMeHandler(awsApiRuntime());
