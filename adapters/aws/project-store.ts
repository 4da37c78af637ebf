import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { table } from '../../core/data-model';
import { conflict, notFound, versionConflict } from '../../core/errors';
import type { ProjectStore } from '../../core/ports/project-store';
import { Project } from '../../core/projects/schema';
import { queryPage, stripKeys } from './query-page';

/**
 * Projects in the single table:
 *   project     PK=P#<id>            SK=META   GSI1PK=PROJECTS GSI1SK=<lower name>#<id>  (list by name)
 *   name claim  PK=PROJECTNAME#<lower name>  SK=CLAIM  projectId
 * Names are unique case-insensitively. There are no transactions (dynalite has none), so the claim
 * is written first and released on failure; a claim orphaned by a crash is taken over when its
 * project no longer holds that name.
 */
const projectKey = (id: string) => ({ PK: `P#${id}`, SK: 'META' });
const claimKey = (name: string) => ({ PK: `PROJECTNAME#${name.toLowerCase()}`, SK: 'CLAIM' });
const listKeys = (p: Project) => ({ GSI1PK: 'PROJECTS', GSI1SK: `${p.name.toLowerCase()}#${p.id}` });

const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException;

export interface DynamoDeps {
  ddb: DynamoDBDocumentClient;
  tableName: string;
}

export const createDynamoProjectStore = ({ ddb, tableName }: DynamoDeps): ProjectStore => {
  const get = async (id: string): Promise<Project | undefined> => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: projectKey(id), ConsistentRead: true }));
    return res.Item ? Project.parse(stripKeys(res.Item)) : undefined;
  };

  const nameTaken = (name: string) => conflict(`A project named '${name}' already exists.`, { field: 'name' });

  const claimName = async (name: string, projectId: string): Promise<void> => {
    try {
      await ddb.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...claimKey(name), projectId },
          ConditionExpression: 'attribute_not_exists(PK) OR projectId = :self',
          ExpressionAttributeValues: { ':self': projectId },
        }),
      );
      return;
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
    const claim = await ddb.send(new GetCommand({ TableName: tableName, Key: claimKey(name), ConsistentRead: true }));
    const holderId = claim.Item?.projectId as string | undefined;
    const holder = holderId === undefined ? undefined : await get(holderId);
    if (holder && holder.name.toLowerCase() === name.toLowerCase()) throw nameTaken(name);
    try {
      await ddb.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...claimKey(name), projectId },
          ConditionExpression: 'projectId = :orphan',
          ExpressionAttributeValues: { ':orphan': holderId },
        }),
      );
    } catch (e) {
      if (isConditionFailure(e)) throw nameTaken(name);
      throw e;
    }
  };

  const releaseName = async (name: string, projectId: string): Promise<void> => {
    try {
      await ddb.send(
        new DeleteCommand({
          TableName: tableName,
          Key: claimKey(name),
          ConditionExpression: 'projectId = :self',
          ExpressionAttributeValues: { ':self': projectId },
        }),
      );
    } catch (e) {
      if (!isConditionFailure(e)) throw e;
    }
  };

  const failedWrite = async (id: string, expectedVersion: number): Promise<Error> => {
    const current = await get(id);
    return current ? versionConflict(expectedVersion, current.version) : notFound('Project', id);
  };

  return {
    get,

    create: async (project) => {
      await claimName(project.name, project.id);
      try {
        await ddb.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...projectKey(project.id), ...listKeys(project), ...project },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      } catch (e) {
        await releaseName(project.name, project.id);
        throw isConditionFailure(e) ? conflict(`Project '${project.id}' already exists.`) : e;
      }
    },

    list: (page) => {
      const index = table.indexes[0];
      return queryPage(
        ddb,
        {
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':pk': 'PROJECTS' },
        },
        page,
        (i) => Project.parse(i),
      );
    },

    update: async (next, expectedVersion) => {
      const current = await get(next.id);
      if (!current) throw notFound('Project', next.id);
      const renamed = current.name.toLowerCase() !== next.name.toLowerCase();
      if (renamed) await claimName(next.name, next.id);
      try {
        await ddb.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...projectKey(next.id), ...listKeys(next), ...next },
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': table.versionAttribute },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          }),
        );
      } catch (e) {
        if (renamed) await releaseName(next.name, next.id);
        throw isConditionFailure(e) ? await failedWrite(next.id, expectedVersion) : e;
      }
      if (renamed) await releaseName(current.name, next.id);
    },

    delete: async (project) => {
      try {
        await ddb.send(
          new DeleteCommand({
            TableName: tableName,
            Key: projectKey(project.id),
            ConditionExpression: '#v = :expected',
            ExpressionAttributeNames: { '#v': table.versionAttribute },
            ExpressionAttributeValues: { ':expected': project.version },
          }),
        );
      } catch (e) {
        throw isConditionFailure(e) ? await failedWrite(project.id, project.version) : e;
      }
      await releaseName(project.name, project.id);
    },
  };
};
