import { awsApiRuntime } from '../../aws-runtime';
import { makeEventsHandler } from './handler';

export const handler = makeEventsHandler(awsApiRuntime());
