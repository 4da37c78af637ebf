import type { Page } from '../pagination';
import type { Trigger } from '../triggers/schema';

/** Triggers of a project, one by id alone (webhooks name only the trigger), and every enabled one (for the local bus). */
export interface TriggerStore {
  get(projectId: string, triggerId: string): Promise<Trigger | undefined>;
  /** By id alone, through the sparse GSI2 of enabled triggers: only an enabled trigger is found. */
  getEnabled(triggerId: string): Promise<Trigger | undefined>;
  list(projectId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Trigger>>;
  /** Every enabled trigger in every project. */
  listEnabled(): Promise<Trigger[]>;
  /** CONFLICT when the id exists. */
  create(trigger: Trigger): Promise<void>;
  /** VERSION_CONFLICT when the stored version is not `expectedVersion`, NOT_FOUND when gone. */
  update(trigger: Trigger, expectedVersion: number): Promise<void>;
  delete(trigger: Trigger): Promise<void>;
  /**
   * Marks one accepted webhook call, by a digest of its signature, until `expiresAt` (epoch seconds):
   * false when that call was already accepted and its mark has not expired by `now`. A replay is
   * byte-identical, so it has the same signature.
   */
  claimWebhookCall(triggerId: string, digest: string, at: { now: number; expiresAt: number }): Promise<boolean>;
  /** Undoes a claim whose event could not be published, so the sender's retry is not taken for a replay. */
  releaseWebhookCall(triggerId: string, digest: string): Promise<void>;
}
