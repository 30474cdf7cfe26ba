import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId, zPage } from '../../../contracts/common.js';
import {
  ZTask,
  ZTaskBoard,
  ZTaskBoardQuery,
  ZTaskComplete,
  ZTaskCompleteResult,
  ZTaskCounts,
  ZTaskCountsQuery,
  ZTaskCreate,
  ZTaskListQuery,
  ZTaskReassign,
  ZTaskReassignResult,
  ZTaskSettings,
  ZTaskSettingsInput,
  ZTaskSettingsQuery,
} from '../../../contracts/tasks.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';

const tags = ['tasks'];
const ZIdParams = z.object({ id: ZId });

export function tasksRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const svc = ctx.services.tasks;
  return async (app) => {
    app.get(
      '/tasks',
      {
        schema: {
          operationId: 'listTasks',
          tags,
          summary: 'My tasks by bucket (overdue / today / upcoming / done, in the store time zone); managers may list an assignee or the store',
          querystring: ZTaskListQuery,
          response: { 200: zPage(ZTask) },
        },
      },
      async (req) => svc.listTasks(actorOf(req), req.query),
    );
    app.get(
      '/tasks/counts',
      {
        schema: {
          operationId: 'countTasks',
          tags,
          summary: 'Open tasks per bucket (overdue / today / upcoming) for the same people as GET /tasks: the header badge and the "my tasks" tabs',
          querystring: ZTaskCountsQuery,
          response: { 200: ZTaskCounts },
        },
      },
      async (req) => svc.countTasks(actorOf(req), req.query),
    );
    app.get(
      '/tasks/board',
      { schema: { operationId: 'taskBoard', tags, summary: 'Team board: open, overdue, escalated, done this week and completion rate per staff member', querystring: ZTaskBoardQuery, response: { 200: ZTaskBoard } } },
      async (req) => svc.teamBoard(actorOf(req), req.query),
    );
    app.post(
      '/tasks/reassign',
      { schema: { operationId: 'reassignTasks', tags, summary: 'Hand open tasks to another employee of their store (bulk)', body: ZTaskReassign, response: { 200: ZTaskReassignResult } } },
      async (req) => svc.reassign(actorOf(req), req.body.ids, req.body.staffId),
    );
    app.get('/tasks/:id', { schema: { operationId: 'getTask', tags, params: ZIdParams, response: { 200: ZTask } } }, async (req) => svc.getTask(actorOf(req), req.params.id));
    app.post('/tasks', { schema: { operationId: 'createTask', tags, summary: 'A manual task (your own unless you manage the store)', body: ZTaskCreate, response: { 201: ZTask } } }, async (req, reply) =>
      reply.status(201).send(await svc.createManualTask(actorOf(req), req.body)),
    );
    app.post(
      '/tasks/:id/complete',
      {
        schema: {
          operationId: 'completeTask',
          tags,
          summary: 'Close a task with its outcome; not reached schedules the next try',
          params: ZIdParams,
          body: ZTaskComplete,
          response: { 200: ZTaskCompleteResult },
        },
      },
      async (req) => svc.completeTask(actorOf(req), req.params.id, req.body),
    );
    app.get(
      '/task-settings',
      { schema: { operationId: 'getTaskSettings', tags, summary: "A store's escalation and retry policy (readable by its staff; changed by managers)", querystring: ZTaskSettingsQuery, response: { 200: ZTaskSettings } } },
      async (req) => svc.getSettings(actorOf(req), req.query.storeId),
    );
    app.put(
      '/task-settings',
      { schema: { operationId: 'putTaskSettings', tags, querystring: ZTaskSettingsQuery, body: ZTaskSettingsInput, response: { 200: ZTaskSettings } } },
      async (req) => svc.putSettings(actorOf(req), req.query.storeId, req.body),
    );
  };
}
