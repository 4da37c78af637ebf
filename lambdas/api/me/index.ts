import { awsLogger } from '../../aws-runtime';
import { makeMeHandler } from './handler';

export const handler = makeMeHandler({ logger: awsLogger(), consoleOrigin: process.env.CONSOLE_ORIGIN });
