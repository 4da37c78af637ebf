import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { WebhookReceived } from '../events/catalog';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { RunSealer } from '../ports/run-sealer';
import type { TriggerStore } from '../ports/trigger-store';
import { WEBHOOK_SECRET_FIELD } from './service';

/**
 * `POST /v1/hooks/{triggerId}`: no principal, the signature is the credential.
 *
 * - `X-OpsConductor-Timestamp: <unix seconds>`, within `WEBHOOK_TOLERANCE_SECONDS` of our clock,
 *   so a captured call stops working after minutes;
 * - `X-OpsConductor-Delivery: <the sender's id for this delivery>`, the same on every retry of it:
 *   a trigger starts one run per delivery id (core/triggers/fire.ts), so a re-signed retry starts
 *   no second run; and a call whose signature was already accepted (a byte-identical replay, under
 *   any delivery id) is answered 202 and publishes nothing (`claimWebhookCall`);
 * - `X-OpsConductor-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" with the secret>`,
 *   compared in constant time.
 *
 * Anything wrong (unknown or disabled trigger, webhook off, a header missing or malformed, a stale
 * timestamp, a bad signature) answers the same 401 and publishes nothing, so trigger ids cannot be
 * probed. A good call publishes `Webhook Received` {projectId, triggerId, deliveryId, body}; the
 * trigger's own rule matches it and fires.
 */
export interface WebhookDeps {
  triggers: Pick<TriggerStore, 'getEnabled' | 'claimWebhookCall' | 'releaseWebhookCall'>;
  sealer: Pick<RunSealer, 'open'>;
  bus: EventBus;
  clock: Clock;
}

export const SIGNATURE_HEADER = 'x-opsconductor-signature';
export const TIMESTAMP_HEADER = 'x-opsconductor-timestamp';
export const DELIVERY_HEADER = 'x-opsconductor-delivery';
/** How far a call's timestamp may be from our clock, either way (senders' clocks drift a little). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
/** The body limit: the event with its envelope must stay under EventBridge's 256 KB entry limit. */
export const MAX_WEBHOOK_BODY_BYTES = 240 * 1024;

export interface WebhookCall {
  signature: string | undefined;
  timestamp: string | undefined;
  deliveryId: string | undefined;
  rawBody: Buffer;
}

/** What a sender signs: the timestamp, a dot, the raw body bytes. */
const signedPayload = (timestamp: string, rawBody: Buffer | string): Buffer => Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(rawBody)]);

/** The signature header's value for a call (senders in tests and docs compute the same). */
export const signWebhook = (secret: string, timestamp: string, rawBody: Buffer | string): string =>
  `sha256=${createHmac('sha256', secret).update(signedPayload(timestamp, rawBody)).digest('hex')}`;

const refused = () => new AppError('UNAUTHORIZED', 'The webhook signature is missing or does not match.');

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;
const TIMESTAMP = /^[0-9]{1,12}$/;
/** Sender-chosen ids (GitHub's GUIDs, ULIDs, "build-1234"): printable, no spaces, short enough for an idempotency key. */
const DELIVERY_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const TRIGGER_ID = /^trg_[0-9A-HJKMNP-TV-Z]{26}$/;

export const receiveWebhook = async (deps: WebhookDeps, triggerId: string, call: WebhookCall): Promise<void> => {
  const given = SIGNATURE.exec(call.signature?.trim() ?? '')?.[1];
  const timestamp = call.timestamp?.trim() ?? '';
  const deliveryId = call.deliveryId?.trim() ?? '';
  if (given === undefined || !TIMESTAMP.test(timestamp) || !DELIVERY_ID.test(deliveryId) || !TRIGGER_ID.test(triggerId)) throw refused();
  // Checked before any read: a stale call costs no table or key access.
  if (Math.abs(deps.clock.now().getTime() / 1000 - Number(timestamp)) > WEBHOOK_TOLERANCE_SECONDS) throw refused();
  const trigger = await deps.triggers.getEnabled(triggerId);
  if (!trigger?.webhook.enabled || trigger.webhook.sealedSecret === undefined) throw refused();
  const secret = (await deps.sealer.open(trigger.id, trigger.webhook.sealedSecret))[WEBHOOK_SECRET_FIELD];
  if (secret === undefined) throw refused();
  const expected = createHmac('sha256', secret).update(signedPayload(timestamp, call.rawBody)).digest();
  const actual = Buffer.from(given, 'hex');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw refused();
  // Signed, so the sender is who holds the secret: only now is the body looked at.
  if (call.rawBody.length > MAX_WEBHOOK_BODY_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `A webhook body must be at most ${String(MAX_WEBHOOK_BODY_BYTES)} bytes.`, { limitBytes: MAX_WEBHOOK_BODY_BYTES });
  }
  let body: unknown;
  try {
    body = JSON.parse(call.rawBody.toString('utf8')) as unknown;
  } catch {
    throw new AppError('INVALID_JSON', 'The webhook body is not valid JSON.');
  }
  // A byte-identical call (a replay, even under another delivery id, or a retry of an answered one) publishes nothing more.
  const digest = createHash('sha256').update(actual).digest('hex');
  const now = Math.floor(deps.clock.now().getTime() / 1000);
  if (!(await deps.triggers.claimWebhookCall(trigger.id, digest, { now, expiresAt: Number(timestamp) + WEBHOOK_TOLERANCE_SECONDS + 60 }))) return;
  try {
    await deps.bus.publish([
      eventOf(WebhookReceived, { projectId: trigger.projectId, actor: { type: 'system', id: trigger.id, name: `webhook:${trigger.id}` }, triggerId: trigger.id, deliveryId, body }),
    ]);
  } catch (e) {
    await deps.triggers.releaseWebhookCall(trigger.id, digest);
    throw e;
  }
};
