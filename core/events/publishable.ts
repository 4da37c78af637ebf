import type { DomainEvent } from '../ports/event-bus';
import { eventCatalog, type EventDefinition } from './catalog';

/** Why a bus refused to publish an event: it is not in the catalog, or its detail does not fit the schema. */
export class InvalidEventError extends Error {
  constructor(
    message: string,
    readonly detailType: string,
  ) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

const byKey = new Map<string, EventDefinition>(eventCatalog.map((d) => [`${d.source}\u0000${d.detailType}`, d]));

/**
 * Every bus calls this on every event before it goes anywhere: the detail-type (with its source)
 * must be in `eventCatalog` and the detail must parse with its schema. Returns the event with the
 * parsed detail (unknown members stripped, as `eventOf` does); throws InvalidEventError otherwise.
 */
export const checkPublishable = (event: DomainEvent): DomainEvent => {
  const def = byKey.get(`${event.source}\u0000${event.detailType}`);
  if (def === undefined) {
    throw new InvalidEventError(`'${event.detailType}' from '${event.source}' is not in the event catalog.`, event.detailType);
  }
  const parsed = def.schema.safeParse(event.detail);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(detail)'}: ${i.message}`);
    throw new InvalidEventError(`The detail of '${event.detailType}' does not fit its schema: ${issues.join('; ')}`, event.detailType);
  }
  return { ...event, detail: parsed.data };
};
