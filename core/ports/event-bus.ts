import type { z } from 'zod';
import type { EventDefinition } from '../events/catalog';

/** A domain event as publishers hand it to the bus; the bus adds id, time, account and region. */
export interface DomainEvent<D = unknown> {
  readonly source: string;
  readonly detailType: string;
  readonly detail: D;
  readonly resources?: readonly string[];
}

export interface EventBus {
  publish(events: readonly DomainEvent[]): Promise<void>;
}

/** Build an event from its catalog definition, validating the detail so nothing off-schema is published. */
export const eventOf = <S extends z.ZodType>(def: EventDefinition<S>, detail: z.input<S>): DomainEvent<z.output<S>> => ({
  source: def.source,
  detailType: def.detailType,
  detail: def.schema.parse(detail),
});

/** The envelope EventBridge delivers to rules and targets; the local bus builds the same shape. */
export interface EventEnvelope<D = unknown> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: D;
  /** Set on events an archive replay delivers again (EventBridge's `replay-name`); they keep their id. */
  'replay-name'?: string;
}
