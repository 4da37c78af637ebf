import { PageQuery } from '../../../core/pagination';
import { ProjectPath } from '../../../core/projects/schema';
import { PreviewInput, ScheduleInput, SchedulePatch, SchedulePath } from '../../../core/schedules/schema';
import { createSchedule, deleteSchedule, getSchedule, listSchedules, previewSchedule, updateSchedule, type ScheduleDeps } from '../../../core/schedules/service';
import { apiHandler, json, noContent, operation, type HttpDeps } from '../http';

export const makeSchedulesHandler = (deps: ScheduleDeps & HttpDeps) =>
  apiHandler(
    'schedules',
    {
      listSchedules: operation({
        path: ProjectPath,
        query: PageQuery,
        handle: async ({ path, query }) => json(await listSchedules(deps, path.projectId, query)),
      }),
      createSchedule: operation({
        path: ProjectPath,
        body: ScheduleInput,
        handle: async ({ path, body, principal, role }) => json(await createSchedule(deps, principal, role, path.projectId, body), 201),
      }),
      getSchedule: operation({
        path: SchedulePath,
        handle: async ({ path }) => json(await getSchedule(deps, path.projectId, path.scheduleId)),
      }),
      updateSchedule: operation({
        path: SchedulePath,
        body: SchedulePatch,
        handle: async ({ path, body, principal, role }) => json(await updateSchedule(deps, principal, role, path.projectId, path.scheduleId, body)),
      }),
      deleteSchedule: operation({
        path: SchedulePath,
        handle: async ({ path, principal }) => {
          await deleteSchedule(deps, principal, path.projectId, path.scheduleId);
          return noContent();
        },
      }),
      previewSchedule: operation({ body: PreviewInput, handle: ({ body }) => json(previewSchedule(deps, body)) }),
    },
    deps,
  );
