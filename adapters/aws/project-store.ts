import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { table } from '../../core/data-model';
import { conflict, isAppError, notFound, versionConflict } from '../../core/errors';
import type { ProjectStore } from '../../core/ports/project-store';
import { Project } from '../../core/projects/schema';
import { createNameClaims } from './name-claims';
import { queryPage, stripKeys } from './query-page';

/**
 * Projects in the single table:
 *   project     PK=P#<id>            SK=META   GSI1PK=PROJECTS GSI1SK=<lower name>#<id>  (list by name)
 *   name claim  PK=PROJECTNAME#<lower name>  SK=CLAIM  ownerId (name-claims.ts)
 * Names are unique case-insensitively.
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

  const claims = createNameClaims({ ddb, tableName });
  const holdsName = (name: string) => async (holderId: string) => (await get(holderId))?.name.toLowerCase() === name.toLowerCase();
  const claimName = async (name: string, projectId: string) => {
    try {
      await claims.claim(claimKey(name), projectId, `The project name '${name}'`, holdsName(name));
    } catch (e) {
      throw isAppError(e) && e.code === 'CONFLICT' ? conflict(`A project named '${name}' already exists.`, { field: 'name' }) : e;
    }
  };
  const releaseName = (name: string, projectId: string) => claims.release(claimKey(name), projectId);

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
