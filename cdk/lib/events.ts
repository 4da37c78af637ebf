import { Aws, Duration } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { AccountPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

export const eventBusName = 'opsconductor';
export const eventArchiveRetention = Duration.days(90);

export interface EventsProps {
  /** How long the archive keeps events for replay (default 90 days; EventBridge allows indefinite, which this does not offer). */
  readonly archiveRetention?: Duration;
  /**
   * Other AWS accounts allowed to put events on the bus (a CI system's, for example), so their
   * events can match trigger patterns. Their events may not claim an `opsconductor.*` source.
   */
  readonly putEventsAccounts?: readonly string[];
}

const ACCOUNT_ID = /^[0-9]{12}$/;

/**
 * The one custom EventBridge bus every domain event goes to (sources and detail-types in
 * core/events/catalog.ts), with an archive of everything published in this account so events
 * can be replayed into the bus after a consumer bug is fixed, and a resource policy for the
 * accounts listed in `putEventsAccounts`, if any.
 */
export class Events extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: EventsProps = {}) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', {
      eventBusName,
      description: 'OpsConductor domain events (source opsconductor.<domain>)',
    });
    this.bus.archive('Archive', {
      description: 'Every OpsConductor event, kept for replay',
      eventPattern: { account: [Aws.ACCOUNT_ID] },
      retention: props.archiveRetention ?? eventArchiveRetention,
    });
    const accounts = props.putEventsAccounts ?? [];
    const invalid = accounts.filter((a) => !ACCOUNT_ID.test(a));
    if (invalid.length > 0) throw new Error(`putEventsAccounts must be 12-digit account ids, not ${JSON.stringify(invalid)}.`);
    if (accounts.length > 0) {
      this.bus.addToResourcePolicy(
        new PolicyStatement({
          sid: 'PutEventsFromListedAccounts',
          principals: accounts.map((a) => new AccountPrincipal(a)),
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
          // Product events are ours alone: an outside account cannot pass as OpsConductor (for example as Webhook Received).
          conditions: { StringNotLike: { 'events:source': 'opsconductor.*' } },
        }),
      );
    }
  }
}
