import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { table } from '../../core/data-model';
import { conflict, notFound, versionConflict } from '../../core/errors';
import type { ScheduleStore } from '../../core/ports/schedule-store';
import { Schedule } from '../../core/schedules/schema';
import type { DynamoDeps } from './project-store';
import { queryAll, queryPage, stripKeys } from './query-page';

/**
 * Schedules:  PK=P#<project>  SK=SCHED#<id>  GSI2PK=SCHEDULES GSI2SK=<id>  (GSI2 only while enabled:
 * a sparse index the scheduler reads to find every enabled schedule in every project).
 * Edits are conditional on `version`; fires record lastFireAt/lastRunId/lastMissedAt with their own
 * updates that leave `version` alone, so a fire never makes a user's edit fail and an edit never
 * puts back an older fire mark.
 */
const key = (projectId: string, id: string) => ({ PK: `P#${projectId}`, SK: `SCHED#${id}` });
const enabledKeys = (s: Schedule) => (s.enabled ? { GSI2PK: 'SCHEDULES', GSI2SK: s.id } : {});
const isConditionFailure = (e: unknown) => e instanceof ConditionalCheckFailedException;

/** What an edit may change; the rest is set at creation or by fires. */
const editable = ['name', 'jobId', 'parameters', 'expression', 'timezone', 'startAt', 'endAt', 'enabled', 'overlap', 'graceSeconds', 'confirmDangerous', 'updatedAt', 'updatedBy', 'version'] as const;

export const createDynamoScheduleStore = ({ ddb, tableName }: DynamoDeps): ScheduleStore => {
  const get = async (projectId: string, id: string) => {
    const res = await ddb.send(new GetCommand({ TableName: tableName, Key: key(projectId, id), ConsistentRead: true }));
    return res.Item ? Schedule.parse(stripKeys(res.Item)) : undefined;
  };

  const moveMark = async (projectId: string, id: string, attribute: 'lastFireAt' | 'lastMissedAt', time: string, extra: Record<string, string> = {}) => {
    const names: Record<string, string> = { '#m': attribute };
    const values: Record<string, string> = { ':t': time };
    const sets = ['#m = :t'];
    for (const [i, [k, v]] of Object.entries(extra).entries()) {
      names[`#x${String(i)}`] = k;
      values[`:x${String(i)}`] = v;
      sets.push(`#x${String(i)} = :x${String(i)}`);
    }
    try {
      await ddb.send(
        new UpdateCommand({
          TableName: tableName,
          Key: key(projectId, id),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(PK) AND (attribute_not_exists(#m) OR #m < :t)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (e) {
      // Gone, or a later time is recorded already: nothing to move.
      if (!isConditionFailure(e)) throw e;
    }
  };

  return {
    get,

    list: (projectId, page) =>
      queryPage(
        ddb,
        { TableName: tableName, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)', ExpressionAttributeValues: { ':pk': `P#${projectId}`, ':sk': 'SCHED#' } },
        page,
        (i) => Schedule.parse(i),
      ),

    listEnabled: async () => {
      const index = table.indexes[1];
      const items = await queryAll(ddb, {
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': index.partitionKey },
        ExpressionAttributeValues: { ':pk': 'SCHEDULES' },
      });
      return items.map((i) => Schedule.parse(stripKeys(i))).filter((s) => s.enabled);
    },

    create: async (schedule) => {
      try {
        await ddb.send(
          new PutCommand({ TableName: tableName, Item: { ...key(schedule.projectId, schedule.id), ...enabledKeys(schedule), ...schedule }, ConditionExpression: 'attribute_not_exists(PK)' }),
        );
      } catch (e) {
        throw isConditionFailure(e) ? conflict(`Schedule '${schedule.id}' already exists.`) : e;
      }
    },

    update: async (schedule, expectedVersion) => {
      const names: Record<string, string> = { '#version': 'version' };
      const values: Record<string, unknown> = { ':expected': expectedVersion };
      const sets: string[] = [];
      const removes: string[] = [];
      for (const [i, field] of editable.entries()) {
        const n = `#f${String(i)}`;
        names[n] = field;
        const value = schedule[field];
        if (value === undefined) removes.push(n);
        else {
          values[`:f${String(i)}`] = value;
          sets.push(`${n} = :f${String(i)}`);
        }
      }
      names['#gpk'] = 'GSI2PK';
      names['#gsk'] = 'GSI2SK';
      if (schedule.enabled) {
        values[':gpk'] = 'SCHEDULES';
        values[':gsk'] = schedule.id;
        sets.push('#gpk = :gpk', '#gsk = :gsk');
      } else removes.push('#gpk', '#gsk');
      try {
        await ddb.send(
          new UpdateCommand({
            TableName: tableName,
            Key: key(schedule.projectId, schedule.id),
            UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
            ConditionExpression: 'attribute_exists(PK) AND #version = :expected',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
      } catch (e) {
        if (!isConditionFailure(e)) throw e;
        const current = await get(schedule.projectId, schedule.id);
        throw current ? versionConflict(expectedVersion, current.version) : notFound('Schedule', schedule.id);
      }
    },

    recordFire: (projectId, id, fire) => moveMark(projectId, id, 'lastFireAt', fire.scheduledTime, { lastRunId: fire.runId }),

    recordMissed: (projectId, id, scheduledTime) => moveMark(projectId, id, 'lastMissedAt', scheduledTime),

    delete: async (schedule) => {
      try {
        await ddb.send(
          new DeleteCommand({
            TableName: tableName,
            Key: key(schedule.projectId, schedule.id),
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': schedule.version },
          }),
        );
      } catch (e) {
        if (isConditionFailure(e)) throw notFound('Schedule', schedule.id);
        throw e;
      }
    },
  };
};
