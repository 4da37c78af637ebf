import { HookPath } from '../../../core/triggers/schema';
import { receiveWebhook, SIGNATURE_HEADER, type WebhookDeps } from '../../../core/triggers/webhook';
import { apiHandler, json, publicOperation, type HttpDeps } from '../http';

/** Signed webhooks for triggers: no authorizer, the HMAC signature of the body is the credential. */
export const makeHooksHandler = (deps: WebhookDeps & HttpDeps) =>
  apiHandler(
    'hooks',
    {
      receiveWebhook: publicOperation({
        path: HookPath,
        handle: async ({ path, headers, rawBody }) => {
          await receiveWebhook(deps, path.triggerId, headers[SIGNATURE_HEADER], rawBody);
          return json({ accepted: true }, 202);
        },
      }),
    },
    deps,
  );
