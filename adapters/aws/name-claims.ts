import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../core/errors';
import type { DynamoDeps } from './project-store';

/**
 * Unique names without transactions (dynalite has none): a claim item per name, written before the
 * thing that holds the name and released if that write fails. A claim orphaned by a crash in
 * between is taken over once its holder is found not to hold the name any more.
 */
export interface ClaimKey {
  PK: string;
  SK: string;
}

const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException;

export const createNameClaims = ({ ddb, tableName }: DynamoDeps) => {
  const claim = async (key: ClaimKey, ownerId: string, what: string, stillHeldBy: (ownerId: string) => Promise<boolean>): Promise<void> => {
    const taken = () => conflict(`${what} is already taken.`, { field: 'name' });
    try {
      await ddb.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...key, ownerId },
          ConditionExpression: 'attribute_not_exists(PK) OR ownerId = :self',
          ExpressionAttributeValues: { ':self': ownerId },
        }),
      );
      return;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    const existing = await ddb.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    const holder = existing.Item?.ownerId as string | undefined;
    if (holder !== undefined && (await stillHeldBy(holder))) throw taken();
    try {
      await ddb.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...key, ownerId },
          ConditionExpression: 'ownerId = :orphan',
          ExpressionAttributeValues: { ':orphan': holder },
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw taken();
      throw e;
    }
  };

  const release = async (key: ClaimKey, ownerId: string): Promise<void> => {
    try {
      await ddb.send(
        new DeleteCommand({ TableName: tableName, Key: key, ConditionExpression: 'ownerId = :self', ExpressionAttributeValues: { ':self': ownerId } }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  };

  return { claim, release };
};
