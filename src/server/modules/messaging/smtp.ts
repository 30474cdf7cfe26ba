/**
 * A small SMTP client (RFC 5321 with STARTTLS, AUTH PLAIN/LOGIN, implicit TLS for smtps://) so that email works with
 * any mail server by configuration alone, without adding a dependency. One connection per message: dealership
 * volumes are modest and a fresh connection cannot inherit a broken state.
 */
import crypto from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';

export interface TSmtpMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  headers?: Record<string, string>;
}

interface TSmtpTarget {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  pass?: string;
  /** `?starttls=required` refuses to go on without TLS (the default upgrades whenever the server offers it). */
  requireTls: boolean;
}

export function parseSmtpUrl(url: string): TSmtpTarget {
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  if (!secure && u.protocol !== 'smtp:') throw new Error(`Unsupported mail URL scheme ${u.protocol}`);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : secure ? 465 : 587,
    secure,
    user: u.username ? decodeURIComponent(u.username) : undefined,
    pass: u.password ? decodeURIComponent(u.password) : undefined,
    requireTls: u.searchParams.get('starttls') === 'required',
  };
}

/** The bare address of `Name <a@b>` or `a@b`. */
export function addressOf(mailbox: string): string {
  const m = /<([^<>]+)>\s*$/.exec(mailbox);
  return (m ? m[1]! : mailbox).trim();
}

const NON_ASCII = /[^\x20-\x7e]/;
const encodeWord = (s: string) => (NON_ASCII.test(s) ? `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=` : s);
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ').trim();

/** `Name <a@b>` with a non-ASCII display name encoded (RFC 2047). */
function encodeMailbox(mailbox: string): string {
  const m = /^\s*"?([^"<]*?)"?\s*<([^<>]+)>\s*$/.exec(mailbox);
  if (!m || !m[1]) return oneLine(mailbox);
  return `${encodeWord(oneLine(m[1]))} <${m[2]!.trim()}>`;
}

/** The message as it goes over the wire: UTF-8 text, base64 body (no line can start with a dot or exceed 998). */
export function buildMime(mail: TSmtpMail, messageId: string, date: Date): string {
  const headers: [string, string][] = [
    ['From', encodeMailbox(mail.from)],
    ['To', encodeMailbox(mail.to)],
    ['Subject', encodeWord(oneLine(mail.subject))],
    ['Date', date.toUTCString().replace('GMT', '+0000')],
    ['Message-ID', messageId],
    ['MIME-Version', '1.0'],
    ['Content-Type', 'text/plain; charset=UTF-8'],
    ['Content-Transfer-Encoding', 'base64'],
    ...Object.entries(mail.headers ?? {}).map(([k, v]) => [k, oneLine(v)] as [string, string]),
  ];
  const body = Buffer.from(mail.text.replace(/\r?\n/g, '\r\n'), 'utf8').toString('base64').replace(/.{1,76}/g, '$&\r\n');
  return `${headers.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
}

class SmtpError extends Error {
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

/** Reads SMTP replies (possibly multi-line `250-…` then `250 …`) from a socket, one `read()` per reply. */
class ReplyReader {
  private buf = '';
  private lines: string[] = [];
  private waiting: ((r: { code: number; text: string }) => void) | null = null;
  private failed: ((e: Error) => void) | null = null;
  private error: Error | null = null;

  attach(socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buf += chunk;
      let i: number;
      while ((i = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, i).replace(/\r$/, '');
        this.buf = this.buf.slice(i + 1);
        this.lines.push(line);
        if (/^\d{3}(?: |$)/.test(line)) this.flush();
      }
    });
    const fail = (e: Error) => {
      this.error = e;
      this.failed?.(e);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new SmtpError('SMTP connection closed')));
  }

  /** Moves the listeners to a new (TLS) socket after STARTTLS. */
  detach(socket: net.Socket) {
    socket.removeAllListeners('data');
    socket.removeAllListeners('error');
    socket.removeAllListeners('close');
  }

  private pending: { code: number; text: string }[] = [];
  private flush() {
    const code = Number(this.lines.at(-1)!.slice(0, 3));
    const text = this.lines.map((l) => l.slice(4)).join('\n');
    this.lines = [];
    const r = { code, text };
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      this.failed = null;
      w(r);
    } else this.pending.push(r);
  }

  read(): Promise<{ code: number; text: string }> {
    const next = this.pending.shift();
    if (next) return Promise.resolve(next);
    if (this.error) return Promise.reject(this.error);
    return new Promise((resolve, reject) => {
      this.waiting = resolve;
      this.failed = reject;
    });
  }
}

function connect(target: TSmtpTarget, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = target.secure
      ? tls.connect({ host: target.host, port: target.port, servername: target.host }, () => resolve(socket))
      : net.connect({ host: target.host, port: target.port }, () => resolve(socket));
    socket.setTimeout(timeoutMs, () => socket.destroy(new SmtpError(`SMTP timeout after ${timeoutMs} ms`)));
    socket.once('error', reject);
  });
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

/**
 * Sends one mail and resolves with its Message-ID. Rejects on any refusal (4xx/5xx) or network failure; the caller
 * retries later.
 */
export async function sendSmtp(url: string, mail: TSmtpMail, opts: { timeoutMs?: number; now?: Date } = {}): Promise<string> {
  const target = parseSmtpUrl(url);
  for (const a of [addressOf(mail.from), addressOf(mail.to)]) {
    // An address goes into an SMTP command line: anything that could end the line or the path is refused.
    if (!/^[^\s<>@]+@[^\s<>@]+$/.test(a)) throw new SmtpError(`Invalid mail address: ${JSON.stringify(a)}`);
  }
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const domain = addressOf(mail.from).split('@')[1] || 'baoke.local';
  const messageId = `<${crypto.randomUUID()}@${domain}>`;
  let socket = await connect(target, timeoutMs);
  const reader = new ReplyReader();
  reader.attach(socket);
  let secure = target.secure;
  const write = (line: string) => socket.write(`${line}\r\n`);
  const expect = async (ok: number[], what: string) => {
    const r = await reader.read();
    if (!ok.includes(r.code)) throw new SmtpError(`SMTP ${what}: ${r.code} ${r.text}`, r.code);
    return r;
  };
  const ehlo = async () => {
    write(`EHLO ${os.hostname() || 'baoke'}`);
    return (await expect([250], 'EHLO')).text.split('\n').map((l) => l.toUpperCase());
  };
  try {
    await expect([220], 'greeting');
    let caps = await ehlo();
    if (!secure && caps.some((c) => c.startsWith('STARTTLS'))) {
      write('STARTTLS');
      await expect([220], 'STARTTLS');
      reader.detach(socket);
      const plain = socket;
      socket = await new Promise<net.Socket>((resolve, reject) => {
        const s = tls.connect({ socket: plain, servername: target.host }, () => resolve(s));
        s.once('error', reject);
      });
      socket.setTimeout(timeoutMs, () => socket.destroy(new SmtpError(`SMTP timeout after ${timeoutMs} ms`)));
      reader.attach(socket);
      secure = true;
      caps = await ehlo();
    }
    if (!secure && target.requireTls) throw new SmtpError('SMTP server offers no TLS (starttls=required)');
    if (target.user) {
      if (!secure && !isLoopback(target.host)) throw new SmtpError('Refusing to send SMTP credentials without TLS');
      const auth = caps.find((c) => c.startsWith('AUTH')) ?? '';
      if (auth.includes('PLAIN') || !auth.includes('LOGIN')) {
        write(`AUTH PLAIN ${Buffer.from(`\0${target.user}\0${target.pass ?? ''}`).toString('base64')}`);
        await expect([235], 'AUTH');
      } else {
        write('AUTH LOGIN');
        await expect([334], 'AUTH');
        write(Buffer.from(target.user).toString('base64'));
        await expect([334], 'AUTH');
        write(Buffer.from(target.pass ?? '').toString('base64'));
        await expect([235], 'AUTH');
      }
    }
    write(`MAIL FROM:<${addressOf(mail.from)}>`);
    await expect([250], 'MAIL FROM');
    write(`RCPT TO:<${addressOf(mail.to)}>`);
    await expect([250, 251], 'RCPT TO');
    write('DATA');
    await expect([354], 'DATA');
    socket.write(`${buildMime(mail, messageId, opts.now ?? new Date())}\r\n.\r\n`);
    await expect([250], 'message');
    write('QUIT');
    await reader.read().catch(() => undefined);
    return messageId;
  } finally {
    reader.detach(socket);
    socket.on('error', () => {});
    socket.end();
    socket.destroy();
  }
}
