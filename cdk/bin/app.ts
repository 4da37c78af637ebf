import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { OpsConductorStack } from '../lib/stack';

/**
 * The CDK app: one env-agnostic stack (no lookups), so `cdk synth` runs offline without AWS
 * credentials or Docker. Every cdk-nag AwsSolutions finding fails synth unless acknowledged.
 *
 * Context (`-c key=value`):
 *   localstack=true           deploy to LocalStack with cdklocal (seam only, no behaviour yet)
 *   consoleDomain=host        serve the console on a custom host name...
 *   consoleCertificateArn=arn ...with this ACM certificate from us-east-1 (both or neither)
 */
const app = new App();

const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const localstack = context('localstack') === 'true' || app.node.tryGetContext('localstack') === true;
const consoleDomain = context('consoleDomain');
const consoleCertificateArn = context('consoleCertificateArn');
if ((consoleDomain === undefined) !== (consoleCertificateArn === undefined)) {
  throw new Error('Set both consoleDomain and consoleCertificateArn context values, or neither.');
}

new OpsConductorStack(app, 'OpsConductor', {
  description: 'OpsConductor: agentless IT-operations automation',
  localstack,
  console:
    consoleDomain !== undefined && consoleCertificateArn !== undefined
      ? { domain: { names: [consoleDomain], certificateArn: consoleCertificateArn } }
      : {},
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
