import { Aws, CfnOutput, Fn, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api';
import { Audit } from './audit';
import { Console, type ConsoleProps } from './console';
import { Data } from './data';
import { Events, type EventsProps } from './events';
import { Identity } from './identity';
import { Inventory } from './inventory';
import { Network, type NetworkProps } from './network';
import { Notifications } from './notifications';
import { Runs } from './runs';
import { Schedules } from './schedules';
import { Triggers } from './triggers';

export interface OpsConductorStackProps extends StackProps {
  /**
   * Deploying to LocalStack (`cdklocal`, context `localstack=true`). Reserved seam: later it runs
   * RunBatch as a Lambda task and uses the local identity provider instead of Cognito. No
   * behaviour differs yet.
   */
  readonly localstack?: boolean;
  readonly console?: ConsoleProps;
  readonly network?: NetworkProps;
  /** The bus's archive retention and the other accounts that may put events on it (cross-account triggers). */
  readonly events?: EventsProps;
  /** The notifications' sender address, an SES identity of the account (`-c mailFrom=`). */
  readonly mailFrom?: string;
}

/** The whole product on AWS, composed from one construct per capability. */
export class OpsConductorStack extends Stack {
  readonly localstack: boolean;
  readonly data: Data;
  readonly identity: Identity;
  readonly events: Events;
  readonly network: Network;
  readonly inventory: Inventory;
  readonly console: Console;
  readonly runs: Runs;
  readonly schedules: Schedules;
  readonly triggers: Triggers;
  readonly api: Api;
  readonly audit: Audit;
  readonly notifications: Notifications;

  constructor(scope: Construct, id: string, props: OpsConductorStackProps = {}) {
    super(scope, id, props);
    this.localstack = props.localstack ?? false;

    this.data = new Data(this, 'Data');
    this.identity = new Identity(this, 'Identity');
    this.events = new Events(this, 'Events', props.events ?? {});
    this.network = new Network(this, 'Network', props.network ?? {});
    this.inventory = new Inventory(this, 'Inventory');
    this.console = new Console(this, 'Console', props.console ?? {});
    this.runs = new Runs(this, 'Runs', {
      data: this.data,
      bus: this.events.bus,
      inventory: this.inventory,
      network: this.network,
      accessLogsBucket: this.console.logsBucket,
    });
    this.schedules = new Schedules(this, 'Schedules', { data: this.data, bus: this.events.bus, runs: this.runs });
    this.triggers = new Triggers(this, 'Triggers', { data: this.data, bus: this.events.bus, runs: this.runs });
    this.api = new Api(this, 'Api', {
      data: this.data,
      bus: this.events.bus,
      inventory: this.inventory,
      network: this.network,
      userPool: this.identity.userPool,
      tokenIssuer: this.identity.issuerUrl,
      tokenClientId: this.identity.consoleClient.userPoolClientId,
      consoleOrigin: this.console.origin,
      runs: this.runs,
      schedules: this.schedules,
      triggers: this.triggers,
    });
    this.audit = new Audit(this, 'Audit', { data: this.data, bus: this.events.bus });
    const notificationsApi = this.api.handlers.get('notifications');
    if (!notificationsApi) throw new Error('The API has no notifications handler');
    this.notifications = new Notifications(this, 'Notifications', {
      data: this.data,
      bus: this.events.bus,
      runs: this.runs,
      consoleUrl: this.console.origin,
      apiHandler: notificationsApi,
      ...(props.mailFrom === undefined ? {} : { mailFrom: props.mailFrom }),
    });
    this.console.publish({
      region: Aws.REGION,
      userPoolId: this.identity.userPool.userPoolId,
      userPoolClientId: this.identity.consoleClient.userPoolClientId,
      identityEndpoint: this.identity.endpoint,
      apiBaseUrl: this.api.baseUrl,
    });

    new CfnOutput(this, 'ConsoleUrl', { value: this.console.origin });
    new CfnOutput(this, 'ApiBaseUrl', { value: this.api.baseUrl });
    new CfnOutput(this, 'UserPoolId', { value: this.identity.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.identity.consoleClient.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'EventBusName', { value: this.events.bus.eventBusName });
    new CfnOutput(this, 'JobRunStateMachineArn', { value: this.runs.stateMachine.stateMachineArn });
    new CfnOutput(this, 'ScheduleGroupName', { value: this.schedules.groupName });
    new CfnOutput(this, 'RunOutputBucketName', { value: this.runs.outputBucket.bucketName });
    new CfnOutput(this, 'VpcId', {
      value: this.network.vpc.vpcId,
      description: 'Peer this VPC, or attach a VPN or Transit Gateway, to reach private hosts',
    });
    new CfnOutput(this, 'HostAccessSecurityGroupId', {
      value: this.network.hostAccess.securityGroupId,
      description: 'Connections to managed hosts come from this security group (allow it on hosts reached through peering)',
    });
    new CfnOutput(this, 'NatPublicIps', {
      value: Fn.join(',', this.network.natPublicIps),
      description: 'Connections to hosts reached over the internet come from these addresses (allow them on the hosts)',
    });
  }
}
