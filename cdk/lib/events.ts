import { Aws, Duration } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export const eventBusName = 'opsconductor';
export const eventArchiveRetention = Duration.days(90);

/**
 * The one custom EventBridge bus every domain event goes to (sources and detail-types in
 * core/events/catalog.ts), with an archive of everything published in this account so events
 * can be replayed into the bus after a consumer bug is fixed.
 */
export class Events extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      eventBusName,
      description: 'OpsConductor domain events (source opsconductor.<domain>)',
    });
    this.bus.archive('Archive', {
      description: 'Every OpsConductor event, kept for replay',
      eventPattern: { account: [Aws.ACCOUNT_ID] },
      retention: eventArchiveRetention,
    });
  }
}
