import { catalogAsJsonSchema } from '../../../core/events/catalog';
import { TestPatternInput, testEventPattern } from '../../../core/events/test-pattern';
import { apiHandler, json, operation, type HttpDeps } from '../http';

/** The event catalog for consumers, and EventBridge's TestEventPattern (with a trigger's input mapping). */
export const makeEventsHandler = (deps: HttpDeps) =>
  apiHandler(
    'events',
    {
      getEventCatalog: operation({ handle: () => json({ items: catalogAsJsonSchema() }) }),
      testEventPattern: operation({ body: TestPatternInput, handle: ({ body }) => json(testEventPattern(body)) }),
    },
    deps,
  );
