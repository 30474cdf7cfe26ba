import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildMime, parseSmtpUrl, sendSmtp } from './smtp.js';

/** A tiny SMTP server speaking just enough of RFC 5321 to receive one mail per connection. */
function fakeSmtp(opts: { rejectRcpt?: boolean; auth?: boolean } = {}) {
  const received: { commands: string[]; data: string }[] = [];
  const server = net.createServer((socket) => {
    const session = { commands: [] as string[], data: '' };
    received.push(session);
    let inData = false;
    let buf = '';
    socket.write('220 fake ESMTP\r\n');
    socket.on('data', (chunk) => {
      buf += chunk.toString('utf8');
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        if (inData) {
          if (line === '.') {
            inData = false;
            socket.write('250 2.0.0 queued as 42\r\n');
          } else session.data += `${line}\n`;
          continue;
        }
        session.commands.push(line);
        const verb = line.split(/[ :]/)[0]!.toUpperCase();
        if (verb === 'EHLO') socket.write(`250-fake\r\n250-SIZE 1000000\r\n${opts.auth ? '250-AUTH PLAIN LOGIN\r\n' : ''}250 8BITMIME\r\n`);
        else if (verb === 'AUTH') socket.write('235 2.7.0 ok\r\n');
        else if (verb === 'MAIL') socket.write('250 ok\r\n');
        else if (verb === 'RCPT') socket.write(opts.rejectRcpt ? '550 5.1.1 no such user\r\n' : '250 ok\r\n');
        else if (verb === 'DATA') {
          inData = true;
          socket.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') {
          socket.write('221 bye\r\n');
          socket.end();
        } else socket.write('500 what\r\n');
      }
    });
  });
  return {
    received,
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('SMTP client', () => {
  const ok = fakeSmtp({ auth: true });
  const refusing = fakeSmtp({ rejectRcpt: true });
  let okPort = 0;
  let refusingPort = 0;
  beforeAll(async () => {
    okPort = await ok.listen();
    refusingPort = await refusing.listen();
  });
  afterAll(async () => {
    await ok.close();
    await refusing.close();
  });

  it('delivers a UTF-8 mail with authentication and returns its Message-ID', async () => {
    const id = await sendSmtp(`smtp://crm%40dealer.cn:s3cret@127.0.0.1:${okPort}`, {
      from: '华辰领航 <crm@dealer.cn>',
      to: 'li@example.com',
      subject: '保养提醒',
      text: '李先生您好，\n您的爱车该保养了。',
    });
    expect(id).toMatch(/^<[0-9a-f-]+@dealer\.cn>$/);
    const s = ok.received.at(-1)!;
    expect(s.commands).toEqual([
      expect.stringMatching(/^EHLO /),
      `AUTH PLAIN ${Buffer.from('\0crm@dealer.cn\0s3cret').toString('base64')}`,
      'MAIL FROM:<crm@dealer.cn>',
      'RCPT TO:<li@example.com>',
      'DATA',
      'QUIT',
    ]);
    expect(s.data).toContain(`Subject: =?UTF-8?B?${Buffer.from('保养提醒').toString('base64')}?=`);
    expect(s.data).toContain(`Message-ID: ${id}`);
    const body = s.data.split('\n\n')[1]!.replace(/\n/g, '');
    expect(Buffer.from(body, 'base64').toString('utf8')).toBe('李先生您好，\r\n您的爱车该保养了。');
  });

  it('rejects with the server’s answer when the recipient is refused', async () => {
    await expect(sendSmtp(`smtp://127.0.0.1:${refusingPort}`, { from: 'a@b.cn', to: 'nobody@example.com', subject: 's', text: 't' })).rejects.toThrow(/550/);
  });

  it('refuses addresses that could break the command line, and credentials over plain text to a remote host', async () => {
    await expect(sendSmtp(`smtp://127.0.0.1:${okPort}`, { from: 'a@b.cn', to: 'x@y.cn>\r\nRCPT TO:<z@w.cn', subject: 's', text: 't' })).rejects.toThrow(/Invalid mail address/);
    expect(parseSmtpUrl('smtps://u:p@mail.example.com')).toMatchObject({ secure: true, port: 465, user: 'u', pass: 'p' });
    expect(parseSmtpUrl('smtp://mail.example.com?starttls=required')).toMatchObject({ secure: false, port: 587, requireTls: true });
  });

  it('builds headers that cannot be split by a subject with line breaks', () => {
    const mime = buildMime({ from: 'a@b.cn', to: 'c@d.cn', subject: 'Hi\r\nBcc: evil@x.cn', text: 'x' }, '<1@b.cn>', new Date('2026-11-23T02:00:00Z'));
    expect(mime).not.toMatch(/^Bcc:/m);
    expect(mime).toContain('Subject: Hi Bcc: evil@x.cn');
  });
});
