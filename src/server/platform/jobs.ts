import PgBoss from 'pg-boss';
import type { z } from 'zod';

/**
 * A typed job definition: id like `imports.run`, a zod payload, a handler. Modules export these from their
 * `jobs.ts`; the worker registers them all. Handlers must be idempotent (pg-boss retries on failure).
 */
export interface JobDefinition<P extends z.ZodTypeAny = z.ZodTypeAny> {
  id: string;
  payload: P;
  retryLimit?: number;
  retryDelaySeconds?: number;
  expireInMinutes?: number;
  /** Cron in the store time zone, for scheduled jobs. */
  cron?: string;
  handler(data: z.infer<P>): Promise<void>;
}

export function defineJob<P extends z.ZodTypeAny>(def: JobDefinition<P>): JobDefinition<P> {
  return def;
}

export interface Jobs {
  send<P extends z.ZodTypeAny>(def: JobDefinition<P> | string, data: z.infer<P>, opts?: PgBoss.SendOptions): Promise<string | null>;
  work(defs: JobDefinition[], opts?: { timezone?: string }): Promise<void>;
  stop(): Promise<void>;
  boss: PgBoss;
}

/** Starts pg-boss on the application database (schema `pgboss`), creating its tables on first use. */
export async function startJobs(url: string, opts: { schedule?: boolean; supervise?: boolean } = {}): Promise<Jobs> {
  const boss = new PgBoss({ connectionString: url, schema: 'pgboss', max: 5, schedule: opts.schedule ?? false, supervise: opts.supervise ?? false });
  boss.on('error', (err) => console.error('[jobs]', err.message));
  await boss.start();
  const created = new Set<string>();
  const ensureQueue = async (name: string, def?: JobDefinition) => {
    if (created.has(name)) return;
    await boss.createQueue(name, { name, retryLimit: def?.retryLimit ?? 3, retryDelay: def?.retryDelaySeconds ?? 10, retryBackoff: true, expireInMinutes: def?.expireInMinutes ?? 60 } as PgBoss.Queue);
    created.add(name);
  };
  return {
    boss,
    async send(def, data, sendOpts) {
      const name = typeof def === 'string' ? def : def.id;
      if (typeof def !== 'string') def.payload.parse(data);
      await ensureQueue(name, typeof def === 'string' ? undefined : def);
      return boss.send(name, data as object, sendOpts ?? {});
    },
    async work(defs, workOpts) {
      for (const def of defs) {
        await ensureQueue(def.id, def);
        await boss.work<unknown>(def.id, { batchSize: 1, pollingIntervalSeconds: 1 }, async (jobs) => {
          for (const job of jobs) await def.handler(def.payload.parse(job.data));
        });
        if (def.cron) await boss.schedule(def.id, def.cron, {}, { tz: workOpts?.timezone ?? 'Asia/Shanghai' });
      }
      // The schedules are exactly this release's cron jobs: one a release retired (renamed or gone) stops firing.
      const cron = new Set(defs.filter((d) => d.cron).map((d) => d.id));
      for (const s of await boss.getSchedules()) if (!cron.has(s.name)) await boss.unschedule(s.name);
    },
    stop: () => boss.stop({ graceful: true, wait: true, timeout: 10_000 }),
  };
}
