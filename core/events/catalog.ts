import { z } from 'zod';
import { Actor } from '../identity/principal';
import { Project, ProjectId } from '../projects/schema';

/**
 * Every event OpsConductor puts on the bus is defined here, once. Publishers, consumers and
 * EventBridge rules import these definitions; nobody retypes a detail-type as a string.
 */
export const eventSources = [
  'opsconductor.identity',
  'opsconductor.inventory',
  'opsconductor.automation',
  'opsconductor.communication',
  'opsconductor.audit',
] as const;
export type EventSource = (typeof eventSources)[number];

export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  readonly source: EventSource;
  readonly detailType: string;
  readonly description: string;
  readonly schema: S;
}

const defineEvent = <S extends z.ZodType>(def: EventDefinition<S>): EventDefinition<S> => def;

// What events say about a project: never more than the API would show.
const ProjectSnapshot = Project.pick({ id: true, name: true, description: true, version: true });

export const ProjectCreated = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'Project Created',
  description: 'A project was created.',
  schema: z.object({ projectId: ProjectId, actor: Actor, project: ProjectSnapshot }),
});

export const ProjectUpdated = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'Project Updated',
  description: 'A project was renamed or its description changed.',
  schema: z.object({
    projectId: ProjectId,
    actor: Actor,
    project: ProjectSnapshot,
    changed: z.array(z.enum(['name', 'description'])),
  }),
});

export const ProjectDeleted = defineEvent({
  source: 'opsconductor.identity',
  detailType: 'Project Deleted',
  description: 'A project was deleted.',
  schema: z.object({ projectId: ProjectId, actor: Actor, project: ProjectSnapshot }),
});

export const eventCatalog: readonly EventDefinition[] = [ProjectCreated, ProjectUpdated, ProjectDeleted];

export interface CatalogEntry {
  source: EventSource;
  detailType: string;
  description: string;
  schema: Record<string, unknown>;
}

/** The catalog as consumers see it: JSON Schemas generated from the same zod schemas. */
export const catalogAsJsonSchema = (): CatalogEntry[] =>
  eventCatalog.map((e) => ({
    source: e.source,
    detailType: e.detailType,
    description: e.description,
    schema: z.toJSONSchema(e.schema, { io: 'output' }),
  }));
