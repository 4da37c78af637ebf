import { awsInventory } from '../../aws-inventory';
import { awsApiRuntime } from '../../aws-runtime';
import { makeCredentialsHandler } from './handler';

export const handler = makeCredentialsHandler({ ...awsApiRuntime(), ...awsInventory() });
