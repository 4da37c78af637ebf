import { HookPath } from '../../../core/triggers/schema';
import { DELIVERY_HEADER, receiveWebhook, SIGNATURE_HEADER, TIMESTAMP_HEADER, type WebhookDeps } from '../../../core/triggers/webhook';
import { apiHandler, json, publicOperation, type HttpDeps } from '../http';

/** Signed webhooks for triggers: no authorizer, the HMAC signature of the timestamp and body is the credential. */
export const makeHooksHandler = (deps: WebhookDeps & HttpDeps) =>
  apiHandler(
    'hooks',
    {
      receiveWebhook: publicOperation({
        path: HookPath,
        handle: async ({ path, headers, rawBody }) => {
          await receiveWebhook(deps, path.triggerId, {
            signature: headers[SIGNATURE_HEADER],
            timestamp: headers[TIMESTAMP_HEADER],
            deliveryId: headers[DELIVERY_HEADER],
            rawBody,
          });
          return json({ accepted: true }, 202);
        },
      }),
    },
    deps,
  );
