import { z } from 'zod';
import path from 'node:path';

/**
 * Every setting Baoke reads, from the environment (BAOKE_* plus the conventional PORT and DATABASE_URL),
 * validated once at start-up. The README documents each one.
 */
const ZConfig = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  BAOKE_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().url().optional(),
  DATABASE_READ_URL: z.string().url().optional(),
  BAOKE_EMBEDDED_PG_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  BAOKE_ADMIN_PASSWORD: z.string().min(10, 'BAOKE_ADMIN_PASSWORD must be at least 10 characters').optional(),
  BAOKE_SECRET: z.string().optional(),
  BAOKE_TIMEZONE: z.string().default('Asia/Shanghai'),
  BAOKE_DEMO_SIZE: z.coerce.number().int().min(10).max(2_000_000).default(5000),
  BAOKE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BAOKE_SECURE_COOKIES: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true')),
  BAOKE_IMPORT_MAX_BYTES: z.coerce.number().int().positive().default(1024 * 1024 * 1024),
  /** Email goes out through this SMTP server (`smtp://user:pass@host:587` with STARTTLS, `smtps://…:465`); unset = outbox only. */
  BAOKE_SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'BAOKE_SMTP_URL must look like smtp://user:pass@host:587 or smtps://…').optional(),
  BAOKE_MAIL_FROM: z.string().min(3).default('Baoke 保客 <noreply@baoke.local>'),
  /** The address owners reach Baoke at, for links in messages (unsubscribe); default http://localhost:PORT. */
  BAOKE_PUBLIC_URL: z.string().url().optional(),
  /** Answers to the public survey endpoint one address may send a minute (a dealership's Wi-Fi shares one address). */
  BAOKE_SURVEY_RATE_LIMIT: z.coerce.number().int().positive().default(120),
});

export type TConfig = z.infer<typeof ZConfig> & { dataDir: string; filesDir: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): TConfig {
  const parsed = ZConfig.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  const dataDir = path.resolve(parsed.data.BAOKE_DATA_DIR);
  return { ...parsed.data, dataDir, filesDir: path.join(dataDir, 'files') };
}
