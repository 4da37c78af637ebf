import { awsLogger } from '../../aws-runtime';
import { makeHealthHandler } from './handler';

export const handler = makeHealthHandler({ logger: awsLogger(), consoleOrigin: process.env.CONSOLE_ORIGIN });
