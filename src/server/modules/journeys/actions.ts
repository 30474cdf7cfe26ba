/**
 * The one registry of journey actions. Each kind is { zod params schema, a descriptor for the console's form, and a
 * set-based `execute` } that receives the audience of the firings its rule has just inserted (same transaction) and
 * hands it to its module's own set-based function. A later module (loyalty: issue_coupon / award_points; voice:
 * send_survey) adds ONE entry here that calls its own `…ForAudience(tx, { audience, … })`.
 */
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { ROLES } from '../../../contracts/common.js';
import type { TActionKind, TActionSpec } from '../../../contracts/journeys.js';
import { MESSAGE_CHANNELS, MESSAGE_PURPOSES, ZMessageChannel, ZMessagePurpose } from '../../../contracts/messaging.js';
import { TASK_KINDS, TASK_PRIORITIES, ZTaskKind, ZTaskPriority } from '../../../contracts/tasks.js';
import type { TDbOrTx } from '../../db/index.js';
import { ValidationError } from '../../platform/errors.js';
import type { TMessagingService } from '../messaging/service.js';
import type { TTasksService } from '../tasks/service.js';

export interface TActionContext {
  /**
   * `select customer_id, vehicle_id, firing_key, due_at, vars` of the firings this execution inserted; `firing_key`
   * is already unique across rules and actions (`j:<firing id>:<action index>`), so the tasks' and messages' own
   * unique firing keys hold as a second guard.
   */
  audience: SQL;
  rule: { id: string; code: string; nameZh: string };
  runId: string | null;
  asOf: string;
  now: Date;
}

export interface TActionResult {
  /** Records the action wrote (tasks, messages, tags). */
  done: number;
  /** Firings the action held back (consent, quiet hours are deferred not suppressed, cap, nobody to assign). */
  suppressed: number;
}

export interface TActionDef<P> {
  kind: string;
  schema: z.ZodType<P>;
  describe: Omit<TActionKind, 'kind'>;
  execute(tx: TDbOrTx, params: P, ctx: TActionContext & { fired: number }): Promise<TActionResult>;
}

const opts = <T extends { key: string; zh: string; en: string }>(xs: readonly T[]) => xs.map((x) => ({ value: x.key, zh: x.zh, en: x.en }));

const ROLE_ZH: Record<string, string> = { store_manager: '店总', sales: '销售顾问', service: '服务顾问', cx: '客户体验官', marketing: '市场专员', group_admin: '集团管理员' };
const ASSIGNEES = [
  { key: 'owner_advisor', zh: '车主的服务顾问', en: "Owner's service advisor" },
  { key: 'owner_consultant', zh: '车主的销售顾问', en: "Owner's sales consultant" },
  ...ROLES.filter((r) => r !== 'group_admin').map((r) => ({ key: `role:${r}`, zh: `角色：${ROLE_ZH[r]}`, en: `Role: ${r}` })),
];

const ZCreateTask = z.object({
  title: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(''),
  kind: ZTaskKind.default('care'),
  assignTo: z.string().regex(/^(owner_advisor|owner_consultant|role:(store_manager|sales|service|cx|marketing))$/).default('owner_advisor'),
  dueInDays: z.number().int().min(0).max(365).default(3),
  priority: ZTaskPriority.default('normal'),
});
const ZSendMessage = z.object({
  templateCode: z.string().trim().min(1).max(80),
  channel: ZMessageChannel.default('sms'),
  purpose: ZMessagePurpose.default('service'),
});
const ZTag = z.object({ tag: z.string().trim().min(1).max(40) });

const DAY_MS = 86_400_000;

/**
 * `extra`: the action kinds other modules contribute (loyalty's issue_coupon and award_points, surveys' send_survey),
 * each built by its own module from its own set-based audience function (`…/journey-actions.ts`).
 */
export function createActionRegistry(
  deps: { tasks: Pick<TTasksService, 'createTasksForAudience'>; messaging: Pick<TMessagingService, 'enqueueForAudience'> },
  extra: TActionDef<never>[] = [],
) {
  const createTask: TActionDef<z.infer<typeof ZCreateTask>> = {
    kind: 'create_task',
    schema: ZCreateTask,
    describe: {
      zh: '创建任务',
      en: 'Create a task',
      fields: [
        { key: 'title', type: 'text', zh: '任务标题', en: 'Title', required: true },
        { key: 'description', type: 'text', zh: '说明', en: 'Description', required: false },
        { key: 'kind', type: 'select', zh: '任务类型', en: 'Kind', required: true, options: opts(TASK_KINDS), default: 'care' },
        { key: 'assignTo', type: 'select', zh: '负责人', en: 'Assignee', required: true, options: opts(ASSIGNEES), default: 'owner_advisor' },
        { key: 'dueInDays', type: 'number', zh: '几天内完成', en: 'Due in days', required: true, default: 3 },
        { key: 'priority', type: 'select', zh: '优先级', en: 'Priority', required: true, options: opts(TASK_PRIORITIES), default: 'normal' },
      ],
    },
    async execute(tx, p, ctx) {
      const assignTo = p.assignTo === 'owner_advisor' || p.assignTo === 'owner_consultant' ? p.assignTo : { role: p.assignTo.slice(5) as (typeof ROLES)[number] };
      const r = await deps.tasks.createTasksForAudience(tx, {
        audience: ctx.audience,
        assignTo,
        title: p.title,
        description: p.description,
        kind: p.kind,
        priority: p.priority,
        dueAt: new Date(ctx.now.getTime() + p.dueInDays * DAY_MS),
        sourceRuleId: ctx.rule.id,
      });
      return { done: r.created, suppressed: Math.max(0, ctx.fired - r.created) };
    },
  };

  const sendMessage: TActionDef<z.infer<typeof ZSendMessage>> = {
    kind: 'send_message',
    schema: ZSendMessage,
    describe: {
      zh: '发送消息',
      en: 'Send a message',
      fields: [
        { key: 'templateCode', type: 'template', zh: '消息模板', en: 'Template', required: true },
        { key: 'channel', type: 'select', zh: '渠道', en: 'Channel', required: true, options: opts(MESSAGE_CHANNELS), default: 'sms' },
        { key: 'purpose', type: 'select', zh: '用途', en: 'Purpose', required: true, options: opts(MESSAGE_PURPOSES), default: 'service' },
      ],
    },
    async execute(tx, p, ctx) {
      const r = await deps.messaging.enqueueForAudience(tx, { audience: ctx.audience, channel: p.channel, purpose: p.purpose, templateCode: p.templateCode, sourceRuleId: ctx.rule.id });
      return { done: r.queued + r.deferred, suppressed: r.suppressed + Math.max(0, ctx.fired - r.inserted) };
    },
  };

  async function tagId(tx: TDbOrTx, name: string): Promise<string> {
    const res = await tx.execute<{ id: string }>(sql`
      with ins as (insert into tags (id, name, kind, created_at, updated_at) values (gen_random_uuid(), ${name}, 'manual', now(), now()) on conflict (name) do nothing returning id)
      select id from ins union all select id from tags where name = ${name} limit 1`);
    return res.rows[0]!.id;
  }

  const addTag: TActionDef<z.infer<typeof ZTag>> = {
    kind: 'add_tag',
    schema: ZTag,
    describe: { zh: '添加标签', en: 'Add a tag', fields: [{ key: 'tag', type: 'text', zh: '标签', en: 'Tag', required: true }] },
    async execute(tx, p, ctx) {
      const id = await tagId(tx, p.tag);
      const res = await tx.execute(sql`
        insert into customer_tags (customer_id, tag_id, store_id, created_at, customer_created_at)
        select distinct c.id, ${id}::uuid, c.store_id, ${ctx.now.toISOString()}::timestamptz, c.created_at
        from (${ctx.audience}) a join customers c on c.id = a.customer_id
        on conflict do nothing`);
      return { done: res.rowCount ?? 0, suppressed: 0 };
    },
  };

  const removeTag: TActionDef<z.infer<typeof ZTag>> = {
    kind: 'remove_tag',
    schema: ZTag,
    describe: { zh: '移除标签', en: 'Remove a tag', fields: [{ key: 'tag', type: 'text', zh: '标签', en: 'Tag', required: true }] },
    async execute(tx, p, ctx) {
      const res = await tx.execute(sql`
        delete from customer_tags ct using tags t
        where t.id = ct.tag_id and t.name = ${p.tag} and ct.customer_id in (select a.customer_id from (${ctx.audience}) a)`);
      return { done: res.rowCount ?? 0, suppressed: 0 };
    },
  };

  const defs: TActionDef<never>[] = [...([createTask, sendMessage, addTag, removeTag] as unknown as TActionDef<never>[]), ...extra];
  const byKind = new Map(defs.map((d) => [d.kind, d]));

  return {
    kinds: (): TActionKind[] => defs.map((d) => ({ kind: d.kind, ...d.describe })),
    /** Validates a rule's actions (400 naming the bad one); returns them with their params' defaults filled in. */
    parse(actions: TActionSpec[], path = 'actions'): TActionSpec[] {
      return actions.map((a, i) => {
        const def = byKind.get(a.kind);
        if (!def) throw new ValidationError(`未知的动作「${a.kind}」 / Unknown action`, [{ path: `${path}.${i}.kind`, message: 'unknown action kind' }]);
        const r = (def.schema as z.ZodType).safeParse(a.params ?? {});
        if (!r.success) {
          const errors = r.error.issues.map((x) => ({ path: [path, String(i), 'params', ...x.path.map(String)].join('.'), message: x.message }));
          throw new ValidationError('动作参数有误 / Invalid action parameters', errors);
        }
        return { kind: a.kind, params: r.data as Record<string, unknown> };
      });
    },
    async execute(tx: TDbOrTx, spec: TActionSpec, ctx: TActionContext & { fired: number }): Promise<TActionResult> {
      const def = byKind.get(spec.kind);
      if (!def) throw new Error(`unknown action kind ${spec.kind}`);
      return def.execute(tx, (def.schema as z.ZodType).parse(spec.params ?? {}) as never, ctx);
    },
  };
}

export type TActionRegistry = ReturnType<typeof createActionRegistry>;
