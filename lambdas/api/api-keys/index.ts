import { awsApiRuntime } from '../../aws-runtime';
import { makeApiKeysHandler } from './handler';

export const handler = makeApiKeysHandler(awsApiRuntime());
