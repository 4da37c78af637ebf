/**
 * The single table's key schema, read by CDK (to create it on AWS) and by the local stack
 * (to create it in dynalite), so both have the same keys and indexes.
 * Access patterns are listed in docs/data-model.md.
 */
export const table = {
  partitionKey: 'PK',
  sortKey: 'SK',
  versionAttribute: 'version',
  /** Expiry in epoch seconds: DynamoDB TTL on AWS; filtered on read and swept locally. */
  ttlAttribute: 'expiresAt',
  indexes: [
    { name: 'GSI1', partitionKey: 'GSI1PK', sortKey: 'GSI1SK' },
    { name: 'GSI2', partitionKey: 'GSI2PK', sortKey: 'GSI2SK' },
  ],
} as const;
