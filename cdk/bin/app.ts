import { App, Duration, Validations } from 'aws-cdk-lib';
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
 *   natGateways=1|2           NAT gateways for the VPC's private subnets (default 1; 2 for one per AZ)
 *   vpcCidr=10.0.0.0/16       the VPC's range: choose one that overlaps no network you will peer or connect by VPN
 *   eventArchiveDays=90       days the bus archive keeps events for replay
 *   putEventsAccounts=a,b     12-digit ids of other accounts that may put events on the bus (cross-account triggers)
 *   mailFrom=ops@example.org  the notifications' sender, an SES identity (address or domain) verified in the account
 */
const app = new App();

const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** A context value given on the command line (a string) or in cdk.json (a number). */
const numberContext = (key: string): number | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  if (value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) throw new Error(`Context ${key} must be a whole number, not ${JSON.stringify(value)}.`);
  return n;
};

const localstack = context('localstack') === 'true' || app.node.tryGetContext('localstack') === true;
const consoleDomain = context('consoleDomain');
const consoleCertificateArn = context('consoleCertificateArn');
const natGateways = numberContext('natGateways');
const vpcCidr = context('vpcCidr');
const eventArchiveDays = numberContext('eventArchiveDays');
const putEventsAccounts = context('putEventsAccounts')?.split(',').map((a) => a.trim()).filter((a) => a !== '');
const mailFrom = context('mailFrom');
if ((consoleDomain === undefined) !== (consoleCertificateArn === undefined)) {
  throw new Error('Set both consoleDomain and consoleCertificateArn context values, or neither.');
}

new OpsConductorStack(app, 'OpsConductor', {
  description: 'OpsConductor: agentless IT-operations automation',
  localstack,
  events: {
    ...(eventArchiveDays === undefined ? {} : { archiveRetention: Duration.days(eventArchiveDays) }),
    ...(putEventsAccounts === undefined ? {} : { putEventsAccounts }),
  },
  ...(mailFrom === undefined ? {} : { mailFrom }),
  network: { ...(natGateways === undefined ? {} : { natGateways }), ...(vpcCidr === undefined ? {} : { cidr: vpcCidr }) },
  console:
    consoleDomain !== undefined && consoleCertificateArn !== undefined
      ? { domain: { names: [consoleDomain], certificateArn: consoleCertificateArn } }
      : {},
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
