import { awsApiRuntime, awsInventory } from '../../aws-runtime';
import { makeCredentialsHandler } from './handler';

export const handler = makeCredentialsHandler({ ...awsApiRuntime(), ...awsInventory() });
