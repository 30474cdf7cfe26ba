import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  TTask,
  TTaskBoard,
  TTaskBucket,
  TTaskCompleteResult,
  TTaskCounts,
  TTaskKind,
  TTaskOutcome,
  TTaskPriority,
  TTaskSettings,
  TTaskSettingsInput,
} from '../../contracts/tasks';
import { api } from '../api/client';
import type { Page, Wire } from '../api/types';
import { customerKeys } from '../customers/api';

export type Task = Wire<TTask>;
export type TaskBoard = Wire<TTaskBoard>;
export type TaskCounts = TTaskCounts;
export type TaskSettings = TTaskSettings;
export type TaskCompleteResult = Wire<TTaskCompleteResult>;
export type { TTaskBucket as TaskBucket, TTaskKind as TaskKind, TTaskOutcome as TaskOutcome, TTaskPriority as TaskPriority };

/** Query of GET /tasks as the console sends it: the caller's own tasks unless an assignee, store or customer is named. */
export interface TaskListQuery {
  bucket?: TTaskBucket;
  assigneeId?: string;
  storeId?: string;
  customerId?: string;
  kind?: TTaskKind;
  escalated?: boolean;
  limit?: number;
}
export type TaskCountsQuery = Omit<TaskListQuery, 'bucket' | 'limit'>;

export interface TaskCreateInput {
  customerId: string;
  vehicleId?: string;
  assigneeId?: string;
  title: string;
  description?: string;
  kind?: TTaskKind;
  priority?: TTaskPriority;
  dueAt: string;
}

export interface TaskCompleteInput {
  outcome: TTaskOutcome;
  note?: string;
  retryAt?: string;
}

export const taskKeys = {
  all: ['tasks'] as const,
  lists: () => [...taskKeys.all, 'list'] as const,
  list: (q: TaskListQuery) => [...taskKeys.lists(), q] as const,
  counts: (q: TaskCountsQuery) => [...taskKeys.all, 'counts', q] as const,
  detail: (id: string) => [...taskKeys.all, 'detail', id] as const,
  board: (storeId: string | undefined) => [...taskKeys.all, 'board', storeId ?? null] as const,
  settings: (storeId: string | undefined) => [...taskKeys.all, 'settings', storeId ?? null] as const,
};

/** Cursor-paged tasks (due first; done ones by completion, newest first). */
export function useTasks(q: TaskListQuery, opts: { enabled?: boolean } = {}) {
  return useInfiniteQuery({
    queryKey: taskKeys.list(q),
    queryFn: ({ pageParam, signal }) => api<Page<Task>>('/tasks', { query: { ...q, limit: q.limit ?? 50, cursor: pageParam }, signal }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
    enabled: opts.enabled ?? true,
  });
}

/** Open tasks per bucket. The header badge polls it, so an escalation or a new task shows within a minute. */
export function useTaskCounts(q: TaskCountsQuery = {}, opts: { refetchInterval?: number; enabled?: boolean } = {}) {
  return useQuery({
    queryKey: taskKeys.counts(q),
    queryFn: ({ signal }) => api<TaskCounts>('/tasks/counts', { query: { ...q }, signal }),
    refetchInterval: opts.refetchInterval,
    enabled: opts.enabled ?? true,
  });
}

export function useTask(id: string | undefined) {
  return useQuery({
    queryKey: taskKeys.detail(id ?? ''),
    queryFn: ({ signal }) => api<Task>(`/tasks/${id}`, { signal }),
    enabled: Boolean(id),
  });
}

export function useTaskBoard(storeId: string | undefined, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: taskKeys.board(storeId),
    queryFn: ({ signal }) => api<TaskBoard>('/tasks/board', { query: { storeId }, signal }),
    enabled: opts.enabled ?? true,
  });
}

export function useTaskSettings(storeId: string | undefined, opts: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: taskKeys.settings(storeId),
    queryFn: ({ signal }) => api<TaskSettings>('/task-settings', { query: { storeId }, signal }),
    staleTime: 5 * 60_000,
    enabled: opts.enabled ?? true,
  });
}

/** Every task list, count and board may change after a write; the customer's 360 too (its task tab). */
function invalidateTasks(qc: ReturnType<typeof useQueryClient>) {
  return qc.invalidateQueries({ queryKey: taskKeys.all });
}

export function useCreateTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TaskCreateInput) => api<Task>('/tasks', { method: 'POST', body }),
    onSuccess: (task) => Promise.all([invalidateTasks(qc), qc.invalidateQueries({ queryKey: customerKeys.detail(task.customer.id) })]),
  });
}

export function useCompleteTask() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: TaskCompleteInput & { id: string }) => api<TaskCompleteResult>(`/tasks/${id}/complete`, { method: 'POST', body }),
    onSuccess: (r) => {
      qc.setQueryData(taskKeys.detail(r.task.id), r.task);
      return invalidateTasks(qc);
    },
  });
}

export function useReassignTasks() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { ids: string[]; staffId: string }) => api<{ updated: number }>('/tasks/reassign', { method: 'POST', body }),
    onSuccess: () => invalidateTasks(qc),
  });
}

export function usePutTaskSettings(storeId: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TTaskSettingsInput) => api<TaskSettings>('/task-settings', { method: 'PUT', query: { storeId }, body }),
    onSuccess: (s) => qc.setQueryData(taskKeys.settings(storeId), s),
  });
}
