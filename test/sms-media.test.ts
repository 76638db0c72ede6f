import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEDIA_LIMIT } from '../src/server/modules/sms/sms-media.job.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { postInbound, smsProviderEnv } from './support/sms-provider.js';
import { reportsOfMessage } from './support/state.js';

/**
 * An MMS names its pictures by URL, and the webhook's sender chooses what is
 * in it. The media fetch goes only to the provider's host over the outbound
 * module: a redirect elsewhere is not followed (nor are the credentials sent
 * there), plain http outside the test-only loopback allowance is refused, and
 * a body past the limit is cut off while it arrives.
 */
const ACCOUNT = 'AC00000000000000000000000000000m3d';
/** The provider's API host is where its media lives: the stand-in below serves both. */
const env = () => smsProviderEnv(`http://127.0.0.1:${(media.address() as AddressInfo).port}`, ACCOUNT);
let media: http.Server;
let elsewhere: http.Server;
let elsewhereRequests: { authorization?: string }[] = [];
let bigWritten = 0;
/** Resolves when the connection of the latest picture is closed: nothing more of it is written after. */
let bigClosed: Promise<void> = Promise.resolve();
let t: TestFaro;
let sequence = 0;

const BIG = 200 * 1024 * 1024;

beforeAll(async () => {
  elsewhere = http.createServer((request, response) => {
    elsewhereRequests.push({ authorization: request.headers.authorization });
    response.end('not a picture');
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  // The provider's API and media host, its media behaving as an attacker would like.
  media = http.createServer((request, response) => {
    if (request.method === 'POST' && request.url?.endsWith('/Messages.json')) {
      request.resume();
      response.writeHead(201, { 'content-type': 'application/json' }).end('{"sid":"SM1"}');
      return;
    }
    if (request.url?.endsWith('/redirect')) {
      const port = (elsewhere.address() as AddressInfo).port;
      response.writeHead(302, { location: `http://localhost:${port}/internal` }).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'image/jpeg' });
    const chunk = Buffer.alloc(64 * 1024, 0xff);
    const more = () => {
      while (bigWritten < BIG) {
        if (
          !response.write(chunk, (error) => {
            if (!error) bigWritten += chunk.length;
          })
        )
          return void response.once('drain', more);
      }
      response.end();
    };
    bigClosed = new Promise((resolve) =>
      response.on('close', () => {
        response.removeAllListeners('drain');
        resolve();
      }),
    );
    more();
  });
  await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
  t = await startTestFaro({ listen: true, env: env() });
});
afterAll(async () => {
  await t?.stop();
  media?.closeAllConnections();
  await Promise.all([
    new Promise((resolve) => media?.close(resolve)),
    new Promise((resolve) => elsewhere?.close(resolve)),
  ]);
});

async function mms(urls: string[]) {
  sequence += 1;
  const fields: Record<string, string> = {
    MessageSid: `MM${Date.now().toString(16)}${String(sequence).padStart(8, '0')}`,
    AccountSid: ACCOUNT,
    From: `+1323555${String(2000 + sequence)}`,
    To: '+13235550100',
    Body: 'Vans outside the swap meet in Boyle Heights',
    NumMedia: String(urls.length),
  };
  urls.forEach((url, i) => {
    fields[`MediaUrl${i}`] = url;
    fields[`MediaContentType${i}`] = 'image/jpeg';
  });
  expect((await postInbound(t.baseUrl, env().TWILIO_AUTH_TOKEN, fields)).status).toBe(200);
  const job = t.faro.jobDefinitions.smsMedia;
  if (!job) throw new Error('SMS media is not configured');
  await t.faro.jobs.drain(job, 20_000);
  // How many pictures the message's report holds.
  return (await reportsOfMessage(t, fields.MessageSid ?? '')).reduce(
    (n, report) => n + report.photoIds.length,
    0,
  );
}

describe('issue 12 item 7: MMS pictures', () => {
  it('follows no redirect to another host, and never sends the credentials there', async () => {
    const base = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    expect(await mms([`${base}/2010-04-01/Accounts/${ACCOUNT}/Messages/MM1/Media/redirect`])).toBe(0);
    // The job has finished (drained above): had it followed the redirect, the other host would have
    // answered it, and so noted it, before then.
    expect(elsewhereRequests).toEqual([]);
  });

  it('stops reading a picture as soon as it passes the limit', async () => {
    const base = `http://127.0.0.1:${(media.address() as AddressInfo).port}`;
    expect(await mms([`${base}/2010-04-01/Accounts/${ACCOUNT}/Messages/MM2/Media/big`])).toBe(0);
    // Read once the server has seen the connection close, after which it writes nothing more.
    await bigClosed;
    // The limit plus what sockets buffer left the server, not the 200 MB it had to send.
    expect(bigWritten).toBeGreaterThan(0);
    expect(bigWritten).toBeLessThan(MEDIA_LIMIT + 32 * 1024 * 1024);
  });

  it('refuses plain http to this machine without the test-only allowance', async () => {
    const strict = await startTestFaro({
      listen: true,
      env: {
        ...env(),
        TWILIO_API_URL: 'https://api.twilio.com',
        SMS_MEDIA_HOSTS: '127.0.0.1,localhost',
        OUTBOUND_ALLOW_LOOPBACK: 'false',
      },
    });
    try {
      const job = strict.faro.jobDefinitions.smsMedia;
      if (!job) throw new Error('SMS media is not configured');
      const before = bigWritten;
      elsewhereRequests = [];
      const port = (elsewhere.address() as AddressInfo).port;
      await job.handler({
        coalitionId: '00000000-0000-4000-8000-000000000000',
        reportId: '00000000-0000-4000-8000-000000000000',
        urls: [`http://127.0.0.1:${port}/picture.jpg`, `http://localhost:${port}/picture.jpg`],
      });
      expect(elsewhereRequests).toEqual([]);
      expect(bigWritten).toBe(before);
    } finally {
      await strict.stop();
    }
  });
});
