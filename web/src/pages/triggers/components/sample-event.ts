import type { CatalogEntry } from '../../../api/triggers';

type Schema = Record<string, unknown>;

/** A value of the schema's shape with placeholder content: the first enum value, "example" strings, zeros. */
const sampleOf = (schema: Schema | undefined, depth = 0): unknown => {
  if (schema === undefined || depth > 6) return null;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (Array.isArray(alternatives) && alternatives[0] !== undefined) return sampleOf(alternatives[0], depth + 1);
  const type = Array.isArray(schema.type) ? (schema.type as string[])[0] : schema.type;
  switch (type) {
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, sampleOf(v, depth + 1)]));
    }
    case 'array':
      return [];
    case 'string':
      if (schema.format === 'date-time') return '2026-01-01T00:00:00.000Z';
      return typeof schema.pattern === 'string' && schema.pattern.includes('prj') ? 'prj_01JD0000000000000000000001' : 'example';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
};

/** An EventBridge envelope for a catalog entry, its detail filled in from the entry's JSON Schema, for editing. */
export const sampleEventOf = (entry: CatalogEntry): string =>
  JSON.stringify(
    {
      version: '0',
      id: '00000000-0000-0000-0000-000000000000',
      source: entry.source,
      'detail-type': entry.detailType,
      account: '111122223333',
      time: '2026-01-01T00:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: sampleOf(entry.schema),
    },
    null,
    2,
  );

/** A sample for an outside system's event (what a cross-account sender might put on the bus). */
export const customSampleEvent = JSON.stringify(
  {
    version: '0',
    id: '00000000-0000-0000-0000-000000000000',
    source: 'com.example.ci',
    'detail-type': 'Deploy Requested',
    account: '111122223333',
    time: '2026-01-01T00:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: { version: '1.2.3' },
  },
  null,
  2,
);
