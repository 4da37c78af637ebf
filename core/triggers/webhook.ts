import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors';
import { WebhookReceived } from '../events/catalog';
import { eventOf, type EventBus } from '../ports/event-bus';
import type { RunSealer } from '../ports/run-sealer';
import type { TriggerStore } from '../ports/trigger-store';
import { WEBHOOK_SECRET_FIELD } from './service';

/**
 * `POST /v1/hooks/{triggerId}`: no principal, the signature is the credential.
 * `X-OpsConductor-Signature: sha256=<hex HMAC-SHA256 of the raw body with the webhook secret>`,
 * compared in constant time. Anything wrong (unknown or disabled trigger, webhook off, missing or
 * bad signature) answers the same 401 and publishes nothing, so trigger ids cannot be probed.
 * A good call publishes `Webhook Received` {projectId, triggerId, body}; the trigger's own rule
 * matches it and fires (core/triggers/fire.ts).
 */
export interface WebhookDeps {
  triggers: Pick<TriggerStore, 'getEnabled'>;
  sealer: Pick<RunSealer, 'open'>;
  bus: EventBus;
}

export const SIGNATURE_HEADER = 'x-opsconductor-signature';
/** The body limit: the event with its envelope must stay under EventBridge's 256 KB entry limit. */
export const MAX_WEBHOOK_BODY_BYTES = 240 * 1024;

export const signWebhook = (secret: string, rawBody: Buffer | string): string => `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;

const refused = () => new AppError('UNAUTHORIZED', 'The webhook signature is missing or does not match.');

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

export const receiveWebhook = async (deps: WebhookDeps, triggerId: string, signature: string | undefined, rawBody: Buffer): Promise<void> => {
  const given = SIGNATURE.exec(signature?.trim() ?? '')?.[1];
  if (given === undefined) throw refused();
  if (!/^trg_[0-9A-HJKMNP-TV-Z]{26}$/.test(triggerId)) throw refused();
  const trigger = await deps.triggers.getEnabled(triggerId);
  if (!trigger?.webhook.enabled || trigger.webhook.sealedSecret === undefined) throw refused();
  const secret = (await deps.sealer.open(trigger.id, trigger.webhook.sealedSecret))[WEBHOOK_SECRET_FIELD];
  if (secret === undefined) throw refused();
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const actual = Buffer.from(given, 'hex');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw refused();
  // Signed, so the sender is who holds the secret: only now is the body looked at.
  if (rawBody.length > MAX_WEBHOOK_BODY_BYTES) {
    throw new AppError('PAYLOAD_TOO_LARGE', `A webhook body must be at most ${String(MAX_WEBHOOK_BODY_BYTES)} bytes.`, { limitBytes: MAX_WEBHOOK_BODY_BYTES });
  }
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString('utf8')) as unknown;
  } catch {
    throw new AppError('INVALID_JSON', 'The webhook body is not valid JSON.');
  }
  await deps.bus.publish([eventOf(WebhookReceived, { projectId: trigger.projectId, actor: { type: 'system', id: trigger.id, name: `webhook:${trigger.id}` }, triggerId: trigger.id, body })]);
};
