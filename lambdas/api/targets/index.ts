import { awsInventory } from '../../aws-inventory';
import { awsApiRuntime } from '../../aws-runtime';
import { makeTargetsHandler } from './handler';

export const handler = makeTargetsHandler({ ...awsApiRuntime(), ...awsInventory() });
