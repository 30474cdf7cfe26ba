import { and, asc, desc, eq, gte, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type {
  TMessage,
  TMessageChannel,
  TMessageListQuery,
  TMessagePurpose,
  TMessageSend,
  TMessageStatus,
  TMessageTemplate,
  TMessageTemplateCreate,
  TMessageTemplateListQuery,
  TMessageTemplateUpdate,
  TMessagingSettings,
  TMessagingSettingsInput,
  TSuppressionReason,
  TTemplateLocale,
  TTemplatePreview,
  TTemplatePreviewRequest,
} from '../../../contracts/messaging.js';
import type { TConfig } from '../../config.js';
import type { TDb, TDbOrTx } from '../../db/index.js';
import type { Clock } from '../../platform/clock.js';
import { BusinessRuleError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.js';
import type { Jobs } from '../../platform/jobs.js';
import { encodeCursor, type Page } from '../../platform/pagination.js';
import { assertCan, assertStoreAccess, isGroupWide, storeScope, SYSTEM_ACTOR, type Actor } from '../../platform/rbac.js';
import { recordAudit } from '../audit/service.js';
import { customers } from '../customers/schema.js';
import { staff, stores } from '../org/schema.js';
import { decodeKeyset, isUniqueViolation, staffIdOf } from '../vehicles/service.js';
import { outboxAdapter, smtpAdapter, type TChannelAdapter, type TOutgoingMessage } from './adapters.js';
import { claimDueSql, gatedInsertSql, renderBodySql, renderSql, type TTemplateSource } from './gate.js';
import {
  backoffMs,
  DEFAULT_MESSAGING_SETTINGS,
  INBOX_CONSENT_CHANNELS,
  isVariableName,
  maskAddress,
  normaliseVariables,
  SEND_LEASE_MS,
  SEND_TIMEOUT_MS,
  UNSUBSCRIBE_SOURCE,
  unknownVariables,
  unsubscribeUrl,
  variablesOf,
} from './rules.js';
import { messages, messageTemplates, messageUnsubscribeTokens, messagingSettings } from './schema.js';

export interface TMessagingDeps {
  db: TDb;
  clock: Clock;
  jobs: Jobs | null;
  config: TConfig;
}

/**
 * What the unsubscribe link needs from the customers module: recording a consent answer as the system. The
 * customers service's `putConsent` has exactly this shape.
 */
export interface TConsentWriter {
  putConsent(actor: Actor, customerId: string, channel: 'sms' | 'wechat' | 'phone' | 'email', purpose: 'service' | 'marketing', input: { granted: boolean; source: string }): Promise<unknown>;
}

/** One message for one customer, as journeys (and the console) ask for it. */
export interface TEnqueueMessage {
  customerId: string;
  /** The vehicle the message is about (its plate fills `{{车牌}}`); default the customer's latest in-use vehicle. */
  vehicleId?: string | null;
  channel: TMessageChannel;
  /** Default: the template's. Required with an inline `body`. */
  purpose?: TMessagePurpose;
  templateId?: string;
  /** Resolved for the customer's store: the store's own template of that code and channel, else the group's. */
  templateCode?: string;
  locale?: TTemplateLocale;
  /** Inline text instead of a template (manual messages). */
  subject?: string;
  body?: string;
  vars?: Record<string, string>;
  /** One message per key, ever: a second enqueue with the same key returns the first message. */
  firingKey?: string | null;
  sourceRuleId?: string | null;
  /** Send at (default now); quiet hours are judged at this instant. */
  scheduledAt?: Date;
  /** Staff who asked for it (manual sends); null for the system. */
  createdBy?: string | null;
  /**
   * The recipient asked for this very message just now (a portal sign-in code): it is not held back by consent or
   * quiet hours, only by a missing address. Never for anything the recipient did not request themselves.
   */
  requestedByRecipient?: boolean;
}

export interface TEnqueueResult {
  id: string;
  status: TMessageStatus;
  suppressionReason: TSuppressionReason | null;
  /** The firing key was already used: this is the earlier message, nothing new was written. */
  duplicate: boolean;
}

/** Messages for a whole audience in one statement (journeys' daily run). */
export interface TEnqueueAudience {
  /**
   * A SELECT with columns `customer_id uuid, vehicle_id uuid, firing_key text, vars jsonb` (vehicle_id, firing_key
   * and vars may be null). At most one message per customer per call: duplicate customers are collapsed, because
   * the frequency cap is judged per row against what is already stored.
   */
  audience: SQL;
  channel: TMessageChannel;
  purpose: TMessagePurpose;
  templateId?: string;
  templateCode?: string;
  locale?: TTemplateLocale;
  /** Values for every message (a row's own `vars` win). */
  vars?: Record<string, string>;
  /** Names (besides the catalogue's) that rows' `vars` carry. */
  rowVarKeys?: string[];
  sourceRuleId?: string | null;
  scheduledAt?: Date;
}

export interface TEnqueueAudienceResult {
  /** Messages written (rows whose firing key already existed, customers no longer active, or without a template for their store are not). */
  inserted: number;
  queued: number;
  deferred: number;
  suppressed: number;
  byReason: Partial<Record<TSuppressionReason, number>>;
}

export interface TDispatchResult {
  claimed: number;
  sent: number;
  /** Failed this time, will be tried again after a backoff. */
  retrying: number;
  /** Failed for the last time: status failed, kept for a person to retry. */
  failed: number;
  /** Held back at send time: consent withdrawn, address gone. */
  suppressed: number;
  /** Fell into quiet hours at send time: waits until they end. */
  deferred: number;
}

/** `SELECT … AS customer_id, …` for a list of customer ids, each with its firing key `${prefix}:${id}` (or none). */
export function audienceOfIds(customerIds: string[], opts: { firingKeyPrefix?: string; vehicleIds?: (string | null)[] } = {}): SQL {
  const keys = customerIds.map((id) => (opts.firingKeyPrefix ? `${opts.firingKeyPrefix}:${id}` : null));
  const vehicles = opts.vehicleIds ?? customerIds.map(() => null);
  return sql`select u.customer_id, u.vehicle_id, u.firing_key, null::jsonb as vars
    from unnest(${`{${customerIds.join(',')}}`}::uuid[], ${toPgArray(vehicles)}::uuid[], ${toPgArray(keys)}::text[]) as u(customer_id, vehicle_id, firing_key)`;
}

function toPgArray(values: (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/(["\\])/g, '\\$1')}"`)).join(',')}}`;
}

/** Advisory lock keys that serialise the frequency-cap check (count then insert) per customer. */
const CAP_LOCK = 815201;
const CAP_LOCK_CUSTOMER = 815202;
/** Sent results are recorded in chunks of this many. */
const SENT_CHUNK = 25;

const creator = alias(staff, 'creator');

type TMessageRow = {
  m: typeof messages.$inferSelect;
  customerName: string;
  templateCode: string | null;
  templateName: string | null;
  creatorName: string | null;
};

function toMessage(r: TMessageRow): TMessage {
  const m = r.m;
  return {
    id: m.id,
    customer: { id: m.customerId, name: r.customerName },
    storeId: m.storeId,
    channel: m.channel,
    purpose: m.purpose,
    template: m.templateId && r.templateCode !== null ? { id: m.templateId, code: r.templateCode, name: r.templateName ?? '' } : null,
    toAddressMasked: maskAddress(m.channel, m.toAddress),
    subject: m.subject,
    body: m.body,
    status: m.status,
    suppressionReason: m.suppressionReason,
    scheduledAt: m.scheduledAt,
    nextAttemptAt: m.nextAttemptAt,
    sentAt: m.sentAt,
    attempts: m.attempts,
    lastError: m.lastError,
    provider: m.provider,
    providerMessageId: m.providerMessageId,
    sourceRuleId: m.sourceRuleId,
    createdBy: m.createdBy && r.creatorName !== null ? { id: m.createdBy, displayName: r.creatorName } : null,
    createdAt: m.createdAt,
  };
}

function toTemplate(t: typeof messageTemplates.$inferSelect): TMessageTemplate {
  return {
    id: t.id,
    storeId: t.storeId,
    code: t.code,
    name: t.name,
    channel: t.channel,
    purpose: t.purpose,
    locale: t.locale,
    subject: t.subject,
    body: t.body,
    active: t.active,
    variables: variablesOf(t.subject, t.body),
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

const hhmm = (t: string) => t.slice(0, 5);

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_r, reject) => {
        timer = setTimeout(() => reject(new Error(`provider timeout after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Checks a template text's variables; `{{}}` or names with braces would render unpredictably. */
function assertVariables(text: string, path: string) {
  const bad = [...text.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)].map((m) => m[1]!).filter((n) => !isVariableName(n));
  if (bad.length) throw new ValidationError('模板变量格式有误 / A template variable is malformed', [{ path, message: `bad variable: {{${bad[0]}}}` }]);
}

/**
 * The messaging service: templates, the one consent/quiet-hours/frequency gate (in SQL, see gate.ts), the outbox and
 * its sender, unsubscribe links. `enqueueMessage` and `enqueueForAudience` are the entry points of the journeys
 * engine; they run in the caller's transaction.
 */
export function createMessagingService(deps: TMessagingDeps) {
  const { db, clock, config } = deps;
  const publicUrl = config.BAOKE_PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  const adapters = new Map<TMessageChannel, TChannelAdapter>((['sms', 'wechat', 'email', 'inbox'] as const).map((c) => [c, outboxAdapter(c)]));
  if (config.BAOKE_SMTP_URL) adapters.set('email', smtpAdapter(config.BAOKE_SMTP_URL, config.BAOKE_MAIL_FROM, SEND_TIMEOUT_MS));

  /** Asks the worker to send now rather than at its next minute (after commit; a lost nudge only delays). */
  function nudge() {
    if (!deps.jobs) return;
    deps.jobs.send('messaging.send', {}, { singletonKey: 'messaging.send', singletonSeconds: 2 }).catch(() => undefined);
  }

  async function customerOf(exec: TDbOrTx, actor: Actor, id: string) {
    const [c] = await exec
      .select({ id: customers.id, storeId: customers.storeId, status: customers.status })
      .from(customers)
      .where(and(eq(customers.id, id), storeScope(actor, customers.storeId)));
    if (!c) throw new NotFoundError('客户');
    return c;
  }

  /** The store a settings call is about: group admins name one, store staff get their own (another answers 404). */
  async function storeParam(exec: TDbOrTx, actor: Actor, storeId: string | undefined): Promise<string> {
    const id = storeId ?? actor.storeId;
    if (!id) throw new ValidationError('请选择门店 / Choose a store', [{ path: 'querystring.storeId', message: 'required' }]);
    assertStoreAccess(actor, id, '门店');
    const [s] = await exec.select({ id: stores.id }).from(stores).where(eq(stores.id, id));
    if (!s) throw new NotFoundError('门店');
    return id;
  }

  /** Picks the template a single message uses and checks it fits the channel, purpose and customer's store. */
  async function resolveTemplate(
    exec: TDbOrTx,
    input: Pick<TEnqueueMessage, 'templateId' | 'templateCode' | 'locale' | 'subject' | 'body' | 'channel' | 'purpose'>,
    storeId: string,
  ): Promise<{ source: TTemplateSource; purpose: TMessagePurpose; keys: string[] }> {
    const locale = input.locale ?? 'zh-CN';
    if (input.body !== undefined) {
      if (!input.purpose) throw new ValidationError('请选择消息类型 / Choose the purpose', [{ path: 'body.purpose', message: 'required' }]);
      assertVariables(`${input.subject ?? ''}${input.body}`, 'body.body');
      const subject = normaliseVariables(input.subject ?? '');
      const body = normaliseVariables(input.body);
      if (input.channel === 'email' && !subject.trim()) throw new ValidationError('邮件需要主题 / An email needs a subject', [{ path: 'body.subject', message: 'required' }]);
      return { source: { kind: 'inline', subject, body, locale }, purpose: input.purpose, keys: [] };
    }
    let t: typeof messageTemplates.$inferSelect | undefined;
    if (input.templateId) {
      [t] = await exec.select().from(messageTemplates).where(eq(messageTemplates.id, input.templateId));
      if (!t || (t.storeId !== null && t.storeId !== storeId)) throw new ValidationError('模板不存在 / No such template', [{ path: 'body.templateId', message: 'unknown template' }]);
    } else if (input.templateCode) {
      [t] = await exec
        .select()
        .from(messageTemplates)
        .where(
          and(
            eq(messageTemplates.code, input.templateCode),
            eq(messageTemplates.channel, input.channel),
            eq(messageTemplates.active, true),
            or(isNull(messageTemplates.storeId), eq(messageTemplates.storeId, storeId)),
            input.purpose ? eq(messageTemplates.purpose, input.purpose) : undefined,
          ),
        )
        .orderBy(sql`(${messageTemplates.locale} = ${locale}) desc`, sql`(${messageTemplates.storeId} is not null) desc`, sql`(${messageTemplates.locale} = 'zh-CN') desc`)
        .limit(1);
      if (!t) throw new ValidationError(`没有可用的模板「${input.templateCode}」(${input.channel}) / No active template with this code for the channel`, [{ path: 'body.templateCode', message: 'unknown template' }]);
    } else {
      throw new ValidationError('请选择模板或填写内容 / Give a template or a body', [{ path: 'body.templateId', message: 'required' }]);
    }
    if (!t.active) throw new BusinessRuleError('template-inactive', '该模板已停用 / This template is inactive');
    if (t.channel !== input.channel) throw new ValidationError('模板的渠道与所选渠道不一致 / The template is for another channel', [{ path: 'body.channel', message: 'template channel differs' }]);
    if (input.purpose && input.purpose !== t.purpose) throw new ValidationError('模板的类型与所选类型不一致 / The template is for another purpose', [{ path: 'body.purpose', message: 'template purpose differs' }]);
    return { source: { kind: 'id', id: t.id }, purpose: t.purpose, keys: [] };
  }

  async function loadMessage(exec: TDbOrTx, actor: Actor, id: string): Promise<TMessage> {
    const [row] = await selectMessages(exec).where(and(eq(messages.id, id), storeScope(actor, messages.storeId)));
    if (!row) throw new NotFoundError('消息');
    return toMessage(row);
  }

  function selectMessages(exec: TDbOrTx) {
    return exec
      .select({ m: messages, customerName: customers.name, templateCode: messageTemplates.code, templateName: messageTemplates.name, creatorName: creator.displayName })
      .from(messages)
      .innerJoin(customers, eq(customers.id, messages.customerId))
      .leftJoin(messageTemplates, eq(messageTemplates.id, messages.templateId))
      .leftJoin(creator, eq(creator.id, messages.createdBy));
  }

  async function enqueueMessage(exec: TDbOrTx, input: TEnqueueMessage): Promise<TEnqueueResult> {
    return exec.transaction(async (tx) => {
      if (input.firingKey) {
        // A replay answers with the first message even if the template was changed or deactivated since.
        const [dup] = await tx.select({ id: messages.id, status: messages.status, suppressionReason: messages.suppressionReason }).from(messages).where(eq(messages.firingKey, input.firingKey));
        if (dup) return { ...dup, duplicate: true };
      }
      const [c] = await tx.select({ storeId: customers.storeId, status: customers.status }).from(customers).where(eq(customers.id, input.customerId));
      if (!c) throw new NotFoundError('客户');
      if (c.status !== 'active') throw new BusinessRuleError('customer-inactive', '该客户已合并或已注销 / This customer was merged or erased');
      const { source, purpose } = await resolveTemplate(tx, input, c.storeId);
      if (purpose === 'marketing') {
        // Count-then-insert must not interleave for one customer, or two parallel sends could both pass the cap.
        await tx.execute(sql`select pg_advisory_xact_lock_shared(${CAP_LOCK}::int, 0)`);
        await tx.execute(sql`select pg_advisory_xact_lock(${CAP_LOCK_CUSTOMER}::int, hashtext(${input.customerId}::text))`);
      }
      const now = clock.now();
      const res = await tx.execute<{ id: string; status: TMessageStatus; suppression_reason: TSuppressionReason | null }>(
        gatedInsertSql({
          audience: sql`select ${input.customerId}::uuid as customer_id, ${input.vehicleId ?? null}::uuid as vehicle_id, ${input.firingKey ?? null}::text as firing_key, null::jsonb as vars`,
          channel: input.channel,
          purpose,
          template: source,
          vars: input.vars ?? {},
          rowVarKeys: [],
          at: input.scheduledAt && input.scheduledAt > now ? input.scheduledAt : now,
          now,
          sourceRuleId: input.sourceRuleId ?? null,
          createdBy: input.createdBy ?? null,
          publicUrl,
          requestedByRecipient: input.requestedByRecipient ?? false,
        }),
      );
      const row = res.rows[0];
      if (row) return { id: row.id, status: row.status, suppressionReason: row.suppression_reason, duplicate: false };
      if (input.firingKey) {
        const [dup] = await tx
          .select({ id: messages.id, status: messages.status, suppressionReason: messages.suppressionReason })
          .from(messages)
          .where(eq(messages.firingKey, input.firingKey));
        if (dup) return { ...dup, duplicate: true };
      }
      throw new BusinessRuleError('message-not-created', '消息未能生成（模板不适用于该客户的门店） / The message could not be created for this customer');
    });
  }

  interface TSent {
    id: string;
    lease: Date;
    provider: string;
    providerMessageId: string;
    at: Date;
  }

  /**
   * Hands one claimed message to its adapter. A failure is recorded at once (retry with backoff, or failed after the
   * store's max attempts); a success is returned for `recordSent`, which writes a chunk of them in one statement.
   */
  async function sendOne(row: TClaimedRow): Promise<TSent | 'retrying' | 'failed'> {
    const adapter = adapters.get(row.channel) ?? outboxAdapter(row.channel);
    const lease = new Date(row.locked_until);
    const msg: TOutgoingMessage = {
      id: row.id,
      customerId: row.customer_id,
      storeId: row.store_id,
      channel: row.channel,
      purpose: row.purpose,
      toAddress: row.to_address ?? '',
      subject: row.subject,
      body: row.body,
      attempt: row.attempts,
    };
    try {
      const { providerMessageId } = await withTimeout(adapter.send(msg), SEND_TIMEOUT_MS);
      return { id: row.id, lease, provider: adapter.provider, providerMessageId, at: clock.now() };
    } catch (err) {
      const now = clock.now();
      const error = (err instanceof Error ? err.message : String(err)).slice(0, 500);
      const last = row.attempts >= row.max_attempts;
      await db
        .update(messages)
        .set(
          last
            ? { status: 'failed', nextAttemptAt: null, lockedUntil: null, lastError: error, provider: adapter.provider, updatedAt: now }
            : { status: 'queued', nextAttemptAt: new Date(now.getTime() + backoffMs(row.attempts)), lockedUntil: null, lastError: error, provider: adapter.provider, updatedAt: now },
        )
        // Only while our lease holds: a worker that overran it must not overwrite the newer owner's result.
        .where(and(eq(messages.id, row.id), eq(messages.lockedUntil, lease)));
      return last ? 'failed' : 'retrying';
    }
  }

  /** Marks a chunk of accepted messages sent, in one statement (each only while our lease on it holds). */
  async function recordSent(sent: TSent[]): Promise<void> {
    if (sent.length === 0) return;
    await db.execute(sql`
      update messages m set status = 'sent', sent_at = u.at, provider = u.provider, provider_message_id = u.pid,
        locked_until = null, next_attempt_at = null, last_error = null, updated_at = u.at
      from unnest(${toPgArray(sent.map((x) => x.id))}::uuid[], ${toPgArray(sent.map((x) => x.lease.toISOString()))}::timestamptz[],
        ${toPgArray(sent.map((x) => x.provider))}::text[], ${toPgArray(sent.map((x) => x.providerMessageId))}::text[],
        ${toPgArray(sent.map((x) => x.at.toISOString()))}::timestamptz[]) as u(id, lease, provider, pid, at)
      where m.id = u.id and m.locked_until = u.lease`);
  }

  return {
    /** Replaces the provider of a channel (a real SMS gateway, WeChat, …); the outbox adapter is the default. */
    setAdapter(adapter: TChannelAdapter): void {
      adapters.set(adapter.channel, adapter);
    },

    /**
     * Gates, renders and stores one message in the caller's transaction (journeys, manual sends). A suppressed
     * message is stored with its reason; a firing key already used returns the earlier message (`duplicate`).
     */
    enqueueMessage,

    /** Asks the worker to send what is due now rather than at its next minute (call after the enqueue committed). */
    nudge,

    /**
     * The set-based variant for journeys: one INSERT … SELECT gates and renders a message per audience row, with
     * the same SQL as `enqueueMessage`. Takes an exclusive cap lock for the transaction when the purpose is
     * marketing (single marketing sends wait meanwhile), so counts and inserts cannot interleave.
     */
    async enqueueForAudience(exec: TDbOrTx, input: TEnqueueAudience): Promise<TEnqueueAudienceResult> {
      if (!input.templateId && !input.templateCode) throw new ValidationError('请选择模板 / Choose a template', [{ path: 'template', message: 'required' }]);
      for (const k of [...Object.keys(input.vars ?? {}), ...(input.rowVarKeys ?? [])]) {
        if (!isVariableName(k)) throw new ValidationError('模板变量名有误 / Invalid variable name', [{ path: 'vars', message: k }]);
      }
      if (input.templateCode) {
        const [any] = await exec
          .select({ id: messageTemplates.id })
          .from(messageTemplates)
          .where(and(eq(messageTemplates.code, input.templateCode), eq(messageTemplates.channel, input.channel), eq(messageTemplates.purpose, input.purpose), eq(messageTemplates.active, true)))
          .limit(1);
        if (!any) throw new ValidationError(`没有可用的模板「${input.templateCode}」 / No active template with this code`, [{ path: 'templateCode', message: 'unknown template' }]);
      }
      return exec.transaction(async (tx) => {
        if (input.purpose === 'marketing') await tx.execute(sql`select pg_advisory_xact_lock(${CAP_LOCK}::int, 0)`);
        const now = clock.now();
        const res = await tx.execute<{ status: TMessageStatus; suppression_reason: TSuppressionReason | null }>(
          gatedInsertSql({
            audience: input.audience,
            channel: input.channel,
            purpose: input.purpose,
            template: input.templateId ? { kind: 'id', id: input.templateId } : { kind: 'code', code: input.templateCode!, locale: input.locale ?? 'zh-CN' },
            vars: input.vars ?? {},
            rowVarKeys: input.rowVarKeys ?? [],
            at: input.scheduledAt && input.scheduledAt > now ? input.scheduledAt : now,
            now,
            sourceRuleId: input.sourceRuleId ?? null,
            createdBy: null,
            publicUrl,
          }),
        );
        const out: TEnqueueAudienceResult = { inserted: res.rows.length, queued: 0, deferred: 0, suppressed: 0, byReason: {} };
        for (const r of res.rows) {
          if (r.status === 'queued') out.queued++;
          else if (r.status === 'deferred') out.deferred++;
          else out.suppressed++;
          if (r.suppression_reason) out.byReason[r.suppression_reason] = (out.byReason[r.suppression_reason] ?? 0) + 1;
        }
        return out;
      });
    },

    /**
     * Sends what is due: claims batches with SKIP LOCKED (any number of workers may run this at once), re-checks
     * the gate, hands each message to its channel's adapter outside any transaction, and records the result. A
     * failure is retried with exponential backoff until the store's max attempts, then the message is `failed` —
     * kept, visible, and retryable from the console.
     */
    async dispatchDue(opts: { batchSize?: number; maxBatches?: number; concurrency?: number } = {}): Promise<TDispatchResult> {
      const batchSize = opts.batchSize ?? 100;
      const total: TDispatchResult = { claimed: 0, sent: 0, retrying: 0, failed: 0, suppressed: 0, deferred: 0 };
      for (let b = 0; b < (opts.maxBatches ?? 50); b++) {
        const now = clock.now();
        const res = await db.execute<TClaimedRow>(claimDueSql({ now, limit: batchSize, leaseUntil: new Date(now.getTime() + SEND_LEASE_MS) }));
        const rows = res.rows;
        total.claimed += rows.length;
        const toSend: TClaimedRow[] = [];
        for (const r of rows) {
          if (r.reason === null) toSend.push(r);
          else if (r.reason === 'quiet_hours') total.deferred++;
          else total.suppressed++;
        }
        // Results are written every SENT_CHUNK messages: few statements, and if this worker dies only that many
        // accepted-but-unrecorded messages can be sent again once their lease runs out.
        for (let i = 0; i < toSend.length; i += SENT_CHUNK) {
          const sent: TSent[] = [];
          await mapLimit(toSend.slice(i, i + SENT_CHUNK), opts.concurrency ?? 5, async (r) => {
            const out = await sendOne(r);
            if (typeof out === 'string') total[out]++;
            else sent.push(out);
          });
          await recordSent(sent);
          total.sent += sent.length;
        }
        if (rows.length < batchSize) break;
      }
      return total;
    },

    /** The outbox: newest first, filtered, addresses masked. */
    async listMessages(actor: Actor, q: TMessageListQuery): Promise<Page<TMessage>> {
      assertCan(actor, 'messages.read');
      const conds: (SQL | undefined)[] = [storeScope(actor, messages.storeId)];
      if (q.storeId) {
        assertStoreAccess(actor, q.storeId, '门店');
        conds.push(eq(messages.storeId, q.storeId));
      }
      if (q.status) conds.push(eq(messages.status, q.status));
      if (q.channel) conds.push(eq(messages.channel, q.channel));
      if (q.purpose) conds.push(eq(messages.purpose, q.purpose));
      if (q.customerId) conds.push(eq(messages.customerId, q.customerId));
      if (q.createdFrom) conds.push(gte(messages.createdAt, q.createdFrom));
      if (q.createdTo) conds.push(lt(messages.createdAt, q.createdTo));
      const c = decodeKeyset(q.cursor, ['instant', 'uuid'] as const);
      if (c) conds.push(or(lt(messages.createdAt, c[0]), and(eq(messages.createdAt, c[0]), lt(messages.id, c[1]))));
      const rows = await selectMessages(db)
        .where(and(...conds))
        .orderBy(desc(messages.createdAt), desc(messages.id))
        .limit(q.limit + 1);
      const items = rows.slice(0, q.limit).map(toMessage);
      const last = items.at(-1);
      return { items, nextCursor: rows.length > q.limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
    },

    async getMessage(actor: Actor, id: string): Promise<TMessage> {
      assertCan(actor, 'messages.read');
      return loadMessage(db, actor, id);
    },

    /** Puts a failed message back in the queue with fresh attempts (after the provider was fixed). Audited. */
    async retryMessage(actor: Actor, id: string): Promise<TMessage> {
      assertCan(actor, 'messages.send');
      const out = await db.transaction(async (tx) => {
        const m = await loadMessage(tx, actor, id);
        const now = clock.now();
        const [u] = await tx
          .update(messages)
          .set({ status: 'queued', attempts: 0, nextAttemptAt: now, lockedUntil: null, updatedAt: now })
          .where(and(eq(messages.id, id), eq(messages.status, 'failed')))
          .returning({ id: messages.id });
        if (!u) throw new BusinessRuleError('message-not-failed', `只能重发发送失败的消息（当前：${m.status}） / Only failed messages can be retried`);
        await recordAudit(tx, actor, { action: 'message.retry', entityType: 'message', entityId: id, storeId: m.storeId, customerId: m.customer.id, detail: { lastError: m.lastError } });
        return loadMessage(tx, actor, id);
      });
      nudge();
      return out;
    },

    /**
     * Sends one message to a customer of the actor's store through the gate (a suppressed one is kept and returned
     * with its reason). An `idempotencyKey` makes a retried request return the first message.
     */
    async sendMessage(actor: Actor, input: TMessageSend, idempotencyKey?: string): Promise<{ message: TMessage; duplicate: boolean }> {
      assertCan(actor, 'messages.send');
      const out = await db.transaction(async (tx) => {
        const c = await customerOf(tx, actor, input.customerId);
        const r = await enqueueMessage(tx, {
          ...input,
          firingKey: idempotencyKey ? `manual:${actor.staffId}:${idempotencyKey}` : null,
          createdBy: staffIdOf(actor),
        });
        if (!r.duplicate) {
          await recordAudit(tx, actor, {
            action: 'message.send',
            entityType: 'message',
            entityId: r.id,
            storeId: c.storeId,
            customerId: c.id,
            detail: { channel: input.channel, status: r.status, suppressionReason: r.suppressionReason },
          });
        }
        return { message: await loadMessage(tx, actor, r.id), duplicate: r.duplicate };
      });
      nudge();
      return out;
    },

    async listTemplates(actor: Actor, q: TMessageTemplateListQuery): Promise<TMessageTemplate[]> {
      assertCan(actor, 'messages.read');
      const conds: (SQL | undefined)[] = [or(isNull(messageTemplates.storeId), storeScope(actor, messageTemplates.storeId))];
      if (q.storeId) {
        assertStoreAccess(actor, q.storeId, '门店');
        conds.push(or(isNull(messageTemplates.storeId), eq(messageTemplates.storeId, q.storeId)));
      }
      if (q.channel) conds.push(eq(messageTemplates.channel, q.channel));
      if (q.purpose) conds.push(eq(messageTemplates.purpose, q.purpose));
      if (q.code) conds.push(eq(messageTemplates.code, q.code));
      if (q.active !== undefined) conds.push(eq(messageTemplates.active, q.active));
      const rows = await db
        .select()
        .from(messageTemplates)
        .where(and(...conds))
        .orderBy(asc(messageTemplates.code), asc(messageTemplates.channel), asc(messageTemplates.locale), sql`${messageTemplates.storeId} nulls first`)
        .limit(1000);
      return rows.map(toTemplate);
    },

    async getTemplate(actor: Actor, id: string): Promise<TMessageTemplate> {
      assertCan(actor, 'messages.read');
      const [t] = await db
        .select()
        .from(messageTemplates)
        .where(and(eq(messageTemplates.id, id), or(isNull(messageTemplates.storeId), storeScope(actor, messageTemplates.storeId))));
      if (!t) throw new NotFoundError('模板');
      return toTemplate(t);
    },

    /** A group template (group admins, no `storeId`) or a store's own. Email templates need a subject. Audited. */
    async createTemplate(actor: Actor, input: TMessageTemplateCreate): Promise<TMessageTemplate> {
      assertCan(actor, 'templates.manage');
      let storeId: string | null;
      if (isGroupWide(actor)) storeId = input.storeId ?? null;
      else {
        if (input.storeId === null) throw new ForbiddenError('只有集团管理员可以创建集团模板 / Only a group admin may create group templates');
        if (input.storeId && input.storeId !== actor.storeId) throw new NotFoundError('门店');
        storeId = actor.storeId;
      }
      assertVariables(`${input.subject ?? ''}${input.body}`, 'body.body');
      const subject = normaliseVariables(input.subject ?? '');
      if (input.channel === 'email' && !subject) throw new ValidationError('邮件模板需要主题 / An email template needs a subject', [{ path: 'body.subject', message: 'required' }]);
      const values = {
        storeId,
        code: input.code,
        name: input.name,
        channel: input.channel,
        purpose: input.purpose,
        locale: input.locale,
        subject,
        body: normaliseVariables(input.body),
        active: input.active ?? true,
        createdBy: staffIdOf(actor),
      };
      try {
        return await db.transaction(async (tx) => {
          const [t] = await tx.insert(messageTemplates).values(values).returning();
          await recordAudit(tx, actor, { action: 'template.create', entityType: 'message_template', entityId: t!.id, storeId, detail: { code: t!.code, channel: t!.channel, locale: t!.locale } });
          return toTemplate(t!);
        });
      } catch (err) {
        if (isUniqueViolation(err, 'message_templates_group_uq') || isUniqueViolation(err, 'message_templates_store_uq')) {
          const [e] = await db
            .select({ id: messageTemplates.id })
            .from(messageTemplates)
            .where(
              and(
                eq(messageTemplates.code, values.code),
                eq(messageTemplates.channel, values.channel),
                eq(messageTemplates.locale, values.locale),
                storeId ? eq(messageTemplates.storeId, storeId) : isNull(messageTemplates.storeId),
              ),
            );
          throw new ConflictError(`模板编码「${values.code}」在该渠道和语言下已存在 / A template with this code, channel and language exists`, e ? { type: 'message_template', id: e.id, label: values.code } : undefined);
        }
        throw err;
      }
    },

    async updateTemplate(actor: Actor, id: string, patch: TMessageTemplateUpdate): Promise<TMessageTemplate> {
      assertCan(actor, 'templates.manage');
      return db.transaction(async (tx) => {
        const t = await writableTemplate(tx, actor, id);
        const next = {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.subject !== undefined ? { subject: normaliseVariables(patch.subject) } : {}),
          ...(patch.body !== undefined ? { body: normaliseVariables(patch.body) } : {}),
          ...(patch.active !== undefined ? { active: patch.active } : {}),
        };
        assertVariables(`${next.subject ?? ''}${next.body ?? ''}`, 'body.body');
        if (t.channel === 'email' && (next.subject ?? t.subject) === '') throw new ValidationError('邮件模板需要主题 / An email template needs a subject', [{ path: 'body.subject', message: 'required' }]);
        const [u] = await tx.update(messageTemplates).set(next).where(eq(messageTemplates.id, id)).returning();
        await recordAudit(tx, actor, { action: 'template.update', entityType: 'message_template', entityId: id, storeId: t.storeId, detail: { fields: Object.keys(next) } });
        return toTemplate(u!);
      });
    },

    /** Deletes a template no message used; a used one is kept for the record (deactivate it instead: 409). */
    async deleteTemplate(actor: Actor, id: string): Promise<void> {
      assertCan(actor, 'templates.manage');
      await db.transaction(async (tx) => {
        const t = await writableTemplate(tx, actor, id);
        const [used] = await tx.select({ id: messages.id }).from(messages).where(eq(messages.templateId, id)).limit(1);
        if (used) throw new ConflictError('模板已被使用，不能删除，请停用 / The template was used; deactivate it instead', { type: 'message_template', id, label: t.code });
        await tx.delete(messageTemplates).where(eq(messageTemplates.id, id));
        await recordAudit(tx, actor, { action: 'template.delete', entityType: 'message_template', entityId: id, storeId: t.storeId, detail: { code: t.code } });
      });
    },

    /**
     * Renders a template or unsaved text with the same SQL the sender uses, for one customer (scoped) or with sample
     * values; lists the variables that found no value.
     */
    async previewTemplate(actor: Actor, input: TTemplatePreviewRequest): Promise<TTemplatePreview> {
      assertCan(actor, 'messages.send');
      let subject = normaliseVariables(input.subject ?? '');
      let body = normaliseVariables(input.body ?? '');
      let purpose = input.purpose ?? 'service';
      let locale = input.locale ?? 'zh-CN';
      if (input.templateId) {
        const [t] = await db
          .select()
          .from(messageTemplates)
          .where(and(eq(messageTemplates.id, input.templateId), or(isNull(messageTemplates.storeId), storeScope(actor, messageTemplates.storeId))));
        if (!t) throw new NotFoundError('模板');
        ({ subject, body, purpose, locale } = t);
      }
      assertVariables(`${subject}${body}`, 'body.body');
      const vars = input.vars ?? {};
      const keys = Object.keys(vars);
      const sampleLink = unsubscribeUrl(publicUrl, 'EXAMPLE');
      let source: SQL;
      if (input.customerId) {
        const c = await customerOf(db, actor, input.customerId);
        source = sql`select c.name as customer_name, veh.plate, veh.model_name, s.name as store_name, s.phone as store_phone
          from customers c join stores s on s.id = c.store_id
          left join lateral (
            select v.plate, nullif(concat_ws(' ', vm.brand, vm.series, vm.name), '') as model_name
            from vehicles v left join vehicle_models vm on vm.id = v.model_id
            where v.customer_id = c.id and (${input.vehicleId ?? null}::uuid is null or v.id = ${input.vehicleId ?? null}::uuid)
            order by (v.status = 'in_use') desc, v.delivery_date desc nulls last, v.created_at desc limit 1
          ) veh on true
          where c.id = ${c.id}`;
      } else {
        const [s] = actor.storeId ? await db.select({ name: stores.name, phone: stores.phone }).from(stores).where(eq(stores.id, actor.storeId)) : [];
        source = sql`select '张先生'::text as customer_name, '京A·12345'::text as plate, '领航 L7'::text as model_name,
          ${s?.name ?? '示例门店'}::text as store_name, ${s?.phone ?? '010-12345678'}::text as store_phone`;
      }
      const res = await db.execute<TTemplatePreview & { customer_name: string | null; plate: string | null; model_name: string | null; store_name: string | null; store_phone: string | null }>(sql`
        select ${renderSql(sql`r.t_subject`, keys)} as subject, ${renderBodySql(keys, purpose === 'marketing')} as body,
          r.customer_name, r.plate, r.model_name, r.store_name, r.store_phone
        from (
          select x.*, ${JSON.stringify(vars)}::jsonb as vars, ${purpose === 'marketing' ? sampleLink : null}::text as unsubscribe_link,
            ${subject}::text as t_subject, ${body}::text as t_body, ${locale}::text as t_locale
          from (${source}) x
        ) r`);
      const row = res.rows[0];
      if (!row) throw new NotFoundError('客户');
      const builtIn: Record<string, string | null> = {
        客户姓名: row.customer_name,
        customerName: row.customer_name,
        车牌: row.plate,
        plate: row.plate,
        车型: row.model_name,
        model: row.model_name,
        门店名称: row.store_name,
        storeName: row.store_name,
        门店电话: row.store_phone,
        storePhone: row.store_phone,
        退订链接: purpose === 'marketing' ? sampleLink : null,
        unsubscribeLink: purpose === 'marketing' ? sampleLink : null,
      };
      const used = variablesOf(subject, body);
      const unknown = new Set(unknownVariables(used, vars));
      const missing = used.filter((n) => unknown.has(n) || (!vars[n] && !builtIn[n]));
      return { subject: row.subject, body: row.body, missing };
    },

    /** A store's quiet hours, cap and attempts (the defaults when it has not set its own). */
    async getSettings(actor: Actor, storeId?: string): Promise<TMessagingSettings> {
      assertCan(actor, 'messages.read');
      const id = await storeParam(db, actor, storeId);
      const [s] = await db.select().from(messagingSettings).where(eq(messagingSettings.storeId, id));
      if (!s) return { storeId: id, ...DEFAULT_MESSAGING_SETTINGS };
      return { storeId: id, quietStart: hhmm(s.quietStart), quietEnd: hhmm(s.quietEnd), marketingCap: s.marketingCap, capWindowDays: s.capWindowDays, maxAttempts: s.maxAttempts };
    },

    /** Sets a store's messaging policy. Audited. */
    async putSettings(actor: Actor, storeId: string | undefined, input: TMessagingSettingsInput): Promise<TMessagingSettings> {
      assertCan(actor, 'messaging.settings');
      return db.transaction(async (tx) => {
        const id = await storeParam(tx, actor, storeId);
        const now = clock.now();
        const values = { ...input, updatedBy: staffIdOf(actor), updatedAt: now };
        await tx
          .insert(messagingSettings)
          .values({ storeId: id, ...values })
          .onConflictDoUpdate({ target: messagingSettings.storeId, set: values });
        await recordAudit(tx, actor, { action: 'messaging.settings', entityType: 'store', entityId: id, storeId: id, detail: { ...input } });
        return { storeId: id, ...input };
      });
    },

    /**
     * Follows an unsubscribe link: records the withdrawal of marketing consent for the link's channel (for the
     * portal inbox: every messaging channel) through the customers module, as the system. A used link may be
     * followed again harmlessly; a revoked or unknown one answers 404.
     */
    async unsubscribe(token: string, consents: TConsentWriter): Promise<{ channel: TMessageChannel; storeName: string }> {
      const [t] = await db
        .select({ id: messageUnsubscribeTokens.id, customerId: messageUnsubscribeTokens.customerId, channel: messageUnsubscribeTokens.channel, usedAt: messageUnsubscribeTokens.usedAt, storeName: stores.name })
        .from(messageUnsubscribeTokens)
        .innerJoin(customers, eq(customers.id, messageUnsubscribeTokens.customerId))
        .innerJoin(stores, eq(stores.id, customers.storeId))
        .where(and(eq(messageUnsubscribeTokens.token, token), isNull(messageUnsubscribeTokens.revokedAt)));
      if (!t) throw new NotFoundError('退订链接');
      if (!t.usedAt) {
        const channels = t.channel === 'inbox' ? INBOX_CONSENT_CHANNELS : [t.channel];
        for (const ch of channels) await consents.putConsent(SYSTEM_ACTOR, t.customerId, ch, 'marketing', { granted: false, source: UNSUBSCRIBE_SOURCE });
        await db.update(messageUnsubscribeTokens).set({ usedAt: clock.now() }).where(eq(messageUnsubscribeTokens.id, t.id));
      }
      return { channel: t.channel, storeName: t.storeName };
    },

    /**
     * Customer merge: moves one customer's messages to the survivor in the caller's transaction (the customers
     * module's `TCustomerReassigner` shape) and revokes the source's unsubscribe links (the survivor has its own;
     * the merged consents decide what may be sent).
     */
    async reassignCustomer(tx: TDbOrTx, fromCustomerId: string, toCustomerId: string): Promise<number> {
      const now = clock.now();
      const moved = await tx.update(messages).set({ customerId: toCustomerId, updatedAt: now }).where(eq(messages.customerId, fromCustomerId)).returning({ id: messages.id });
      await tx
        .update(messageUnsubscribeTokens)
        .set({ revokedAt: now })
        .where(and(eq(messageUnsubscribeTokens.customerId, fromCustomerId), isNull(messageUnsubscribeTokens.revokedAt)));
      return moved.length;
    },

    /** Revokes a customer's unsubscribe links (erasure, a leaked link); the next marketing message mints new ones. */
    async revokeUnsubscribeTokens(exec: TDbOrTx, customerId: string, channel?: TMessageChannel): Promise<number> {
      const rows = await exec
        .update(messageUnsubscribeTokens)
        .set({ revokedAt: clock.now() })
        .where(and(eq(messageUnsubscribeTokens.customerId, customerId), isNull(messageUnsubscribeTokens.revokedAt), channel ? eq(messageUnsubscribeTokens.channel, channel) : undefined))
        .returning({ id: messageUnsubscribeTokens.id });
      return rows.length;
    },
  };

  async function writableTemplate(tx: TDbOrTx, actor: Actor, id: string) {
    const [t] = await tx
      .select()
      .from(messageTemplates)
      .where(and(eq(messageTemplates.id, id), or(isNull(messageTemplates.storeId), storeScope(actor, messageTemplates.storeId))));
    if (!t) throw new NotFoundError('模板');
    if (t.storeId === null && !isGroupWide(actor)) throw new ForbiddenError('集团模板只能由集团管理员修改 / Only a group admin may change group templates');
    return t;
  }
}

interface TClaimedRow extends Record<string, unknown> {
  id: string;
  customer_id: string;
  store_id: string;
  channel: TMessageChannel;
  purpose: TMessagePurpose;
  to_address: string | null;
  subject: string;
  body: string;
  attempts: number;
  locked_until: Date | string;
  reason: TSuppressionReason | null;
  max_attempts: number;
}

export type TMessagingService = ReturnType<typeof createMessagingService>;
