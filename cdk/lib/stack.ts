import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './api';
import { Console, type ConsoleProps } from './console';
import { Data } from './data';
import { Events } from './events';
import { Identity } from './identity';

export interface OpsConductorStackProps extends StackProps {
  /**
   * Deploying to LocalStack (`cdklocal`, context `localstack=true`). Reserved seam: later it runs
   * RunBatch as a Lambda task and uses the local identity provider instead of Cognito. No
   * behaviour differs yet.
   */
  readonly localstack?: boolean;
  readonly console?: ConsoleProps;
}

/** The whole product on AWS, composed from one construct per capability. */
export class OpsConductorStack extends Stack {
  readonly localstack: boolean;
  readonly data: Data;
  readonly identity: Identity;
  readonly events: Events;
  readonly console: Console;
  readonly api: Api;

  constructor(scope: Construct, id: string, props: OpsConductorStackProps = {}) {
    super(scope, id, props);
    this.localstack = props.localstack ?? false;

    this.data = new Data(this, 'Data');
    this.identity = new Identity(this, 'Identity');
    this.events = new Events(this, 'Events');
    this.console = new Console(this, 'Console', props.console ?? {});
    this.api = new Api(this, 'Api', {
      data: this.data,
      bus: this.events.bus,
      userPool: this.identity.userPool,
      tokenIssuer: this.identity.issuerUrl,
      tokenClientId: this.identity.consoleClient.userPoolClientId,
      consoleOrigin: this.console.origin,
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
  }
}
