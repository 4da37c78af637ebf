import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { notFound, versionConflict } from '../../core/errors';
import { Job } from '../../core/jobs/schema';
import type { JobStore } from '../../core/ports/job-store';
import type { DynamoDeps } from './project-store';
import { queryPage, stripKeys } from './query-page';

/**
 * Jobs:   current  PK=P#<project>  SK=JOB#<id>
 *         version  PK=JOB#<id>     SK=V#<version, 10 digits>   (immutable, written first)
 * The snapshot is written before the current item moves, so a version a run names always exists.
 */
const currentKey = (projectId: string, id: string) => ({ PK: `P#${projectId}`, SK: `JOB#${id}` });
const versionKey = (id: string, version: number) => ({ PK: `JOB#${id}`, SK: `V#${String(version).padStart(10, '0')}` });
const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException;

export const createDynamoJobStore = ({ ddb, tableName }: DynamoDeps): JobStore => {
  const get = async (projectId: string, id: string) => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: currentKey(projectId, id), ConsistentRead: true }));
    return res.Item ? Job.parse(stripKeys(res.Item)) : undefined;
  };
  return {
    get,

    list: (projectId, page) =>
      queryPage(
        ddb,
        { TableName: tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)', ExpressionAttributeValues: { ':pk': `P#${projectId}`, ':sk': 'JOB#' } },
        page,
        (i) => Job.parse(i),
      ),

    put: async (job, expectedVersion) => {
      try {
        await ddb.send(
          new PutCommand({ TableName: tableName, Item: { ...versionKey(job.id, job.version), ...job }, ConditionExpression: 'attribute_not_exists(PK)' }),
        );
      } catch (e) {
        // Someone else saved this version number first.
        if (isConditionFailure(e)) throw versionConflict(expectedVersion, job.version);
        throw e;
      }
      try {
        await ddb.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...currentKey(job.projectId, job.id), ...job },
            ...(expectedVersion === 0
              ? { ConditionExpression: 'attribute_not_exists(PK)' }
              : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': expectedVersion } }),
          }),
        );
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        const current = await get(job.projectId, job.id);
        throw current ? versionConflict(expectedVersion, current.version) : notFound('Job', job.id);
      }
    },

    getVersion: async (projectId, id, version) => {
      const res = await ddb.send(new GetCommand({ TableName: tableName, Key: versionKey(id, version), ConsistentRead: true }));
      const job = res.Item ? Job.parse(stripKeys(res.Item)) : undefined;
      return job?.projectId === projectId ? job : undefined;
    },

    listVersions: (_projectId, id, page) =>
      queryPage(
        ddb,
        { TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': `JOB#${id}` }, ScanIndexForward: false },
        page,
        (i) => Job.parse(i),
      ),

    delete: async (job) => {
      try {
        await ddb.send(
          new DeleteCommand({ TableName: tableName, Key: currentKey(job.projectId, job.id), ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': job.version } }),
        );
      } catch (e) {
        if (isConditionFailure(e)) throw notFound('Job', job.id);
        throw e;
      }
    },
  };
};
