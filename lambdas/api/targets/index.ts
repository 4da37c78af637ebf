import { awsApiRuntime, awsInventory } from '../../aws-runtime';
import { makeTargetsHandler } from './handler';

export const handler = makeTargetsHandler({ ...awsApiRuntime(), ...awsInventory() });
