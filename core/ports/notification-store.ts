import type { Delivery, DeliveryListQuery, Channel, Rule } from '../notifications/schema';
import type { Page } from '../pagination';

/** A project's notification channels. Edits are conditional on `version`. */
export interface NotificationChannelStore {
  get(projectId: string, channelId: string): Promise<Channel | undefined>;
  list(projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Channel>>;
  /** CONFLICT when the id exists. */
  create(channel: Channel): Promise<void>;
  /** VERSION_CONFLICT when the stored version is not `expectedVersion`, NOT_FOUND when gone. */
  update(channel: Channel, expectedVersion: number): Promise<void>;
  delete(channel: Channel): Promise<void>;
}

/** A project's notification rules; a project holds a handful, so the consumer reads them all. */
export interface NotificationRuleStore {
  get(projectId: string, ruleId: string): Promise<Rule | undefined>;
  list(projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Rule>>;
  listAll(projectId: string): Promise<Rule[]>;
  create(rule: Rule): Promise<void>;
  update(rule: Rule, expectedVersion: number): Promise<void>;
  delete(rule: Rule): Promise<void>;
}

/** The delivery log, which is also what makes a delivery happen once. */
export interface NotificationDeliveryStore {
  /**
   * Writes the delivery `pending` with a lease when it is new, or takes over a pending one whose
   * lease ran out (its sender died mid-send). Otherwise answers the stored delivery: already sent,
   * failed for good, or being sent by someone else.
   */
  claim(delivery: Delivery, now: string): Promise<{ claimed: true } | { claimed: false; current: Delivery }>;
  /** The outcome of a claimed delivery. */
  finish(delivery: Delivery): Promise<void>;
  get(deliveryId: string): Promise<Delivery | undefined>;
  /** Newest first. */
  list(projectId: string, query: DeliveryListQuery): Promise<Page<Delivery>>;
}
