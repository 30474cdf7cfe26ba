import type { TMessageChannel, TMessagePurpose } from '../../../contracts/messaging.js';
import { sendSmtp } from './smtp.js';

/** A message as a channel adapter receives it: rendered, gated, with the full address. */
export interface TOutgoingMessage {
  id: string;
  customerId: string;
  storeId: string;
  channel: TMessageChannel;
  purpose: TMessagePurpose;
  toAddress: string;
  subject: string;
  body: string;
  /** 1 for the first try. */
  attempt: number;
}

/**
 * One provider for one channel (an SMS gateway, WeChat template messages, SMTP, the portal inbox). `send` resolves
 * once the provider accepted the message and rejects on any failure; the sender retries with backoff. Providers
 * should treat `msg.id` as an idempotency key where they support one, since a retry after a lost answer may resend.
 */
export interface TChannelAdapter {
  channel: TMessageChannel;
  /** Stored on the message as `provider`. */
  provider: string;
  send(msg: TOutgoingMessage): Promise<{ providerMessageId: string }>;
}

/**
 * The default provider of every channel: the message is recorded in the outbox (the messages table, which a person
 * reads in the console) and counts as sent. Real providers replace it per channel by configuration.
 */
export function outboxAdapter(channel: TMessageChannel): TChannelAdapter {
  return { channel, provider: 'outbox', send: async (msg) => ({ providerMessageId: `outbox:${msg.id}` }) };
}

/** Email through an SMTP server (`BAOKE_SMTP_URL`), from `BAOKE_MAIL_FROM`. */
export function smtpAdapter(url: string, from: string, timeoutMs: number): TChannelAdapter {
  return {
    channel: 'email',
    provider: 'smtp',
    send: async (msg) => ({
      providerMessageId: await sendSmtp(url, { from, to: msg.toAddress, subject: msg.subject, text: msg.body, headers: { 'X-Baoke-Message-Id': msg.id } }, { timeoutMs }),
    }),
  };
}
