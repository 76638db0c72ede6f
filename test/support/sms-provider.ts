import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from '../../src/server/modules/sms/twilio.js';

export interface SentSms {
  accountSid: string;
  authorization: string;
  fields: Record<string, string>;
  /** When the request arrived (milliseconds since the epoch): what a provider's rate limit counts. */
  at: number;
}

/**
 * A local stand-in for the SMS provider's Messages API: records every request
 * in the provider's format (form-encoded, Basic auth, per-account path) and
 * answers as the provider does.
 */
export async function startSmsProvider(options: { media?: Buffer } = {}) {
  const sent: SentSms[] = [];
  /** Requests still to refuse with 503, as a provider does during an outage. */
  let outage = 0;
  let refused = 0;
  /** Media fetched, with the authorization each request carried. */
  const mediaRequests: { path: string; authorization: string }[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      if (request.method === 'GET' && request.url?.includes('/Media/')) {
        mediaRequests.push({ path: request.url, authorization: request.headers.authorization ?? '' });
        response.setHeader('content-type', 'image/jpeg');
        response.end(options.media ?? Buffer.alloc(0));
        return;
      }
      const match = request.url?.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/);
      response.setHeader('content-type', 'application/json');
      if (request.method !== 'POST' || !match?.[1]) {
        response.statusCode = 404;
        response.end(JSON.stringify({ message: 'not found' }));
        return;
      }
      if (outage > 0) {
        outage -= 1;
        refused += 1;
        response.statusCode = 503;
        response.end(JSON.stringify({ code: 20503, message: 'Service unavailable', status: 503 }));
        return;
      }
      sent.push({
        accountSid: decodeURIComponent(match[1]),
        authorization: request.headers.authorization ?? '',
        fields: Object.fromEntries(new URLSearchParams(body)),
        at: performance.timeOrigin + performance.now(),
      });
      response.statusCode = 201;
      response.end(JSON.stringify({ sid: `SM${String(sent.length).padStart(32, '0')}`, status: 'queued' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sent,
    mediaRequests,
    /** Refuse the next `n` messages with 503. */
    failNext: (n: number) => {
      outage = n;
    },
    refused: () => refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The settings that point Faro's SMS at this stand-in (an account of the test's own). */
export function smsProviderEnv(url: string, account = 'AC00000000000000000000000000000d15') {
  return {
    TWILIO_ACCOUNT_SID: account,
    TWILIO_AUTH_TOKEN: `${account.slice(-4)}-test-auth-token-0123456789`,
    TWILIO_FROM: '+13235550100',
    TWILIO_API_URL: url,
  };
}

/**
 * Posts to Faro's inbound SMS webhook as the provider does: form-encoded,
 * signed with the account's auth token (`signature` overrides it; '' sends none).
 */
export function postInbound(
  baseUrl: string,
  authToken: string,
  fields: Record<string, string>,
  signature?: string,
) {
  const url = `${baseUrl}/api/sms/inbound`;
  const signed = signature ?? twilioSignature(authToken, url, fields);
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=UTF-8',
      ...(signed ? { 'x-twilio-signature': signed } : {}),
    },
    body: new URLSearchParams(fields),
  });
}

let texts = 0;

/** The fields of a text from `from` to Faro's number as the provider delivers it (a fresh message id each time). */
export function inboundText(env: ReturnType<typeof smsProviderEnv>, from: string, body: string) {
  texts += 1;
  return {
    MessageSid: `SM${Date.now().toString(16)}${String(texts).padStart(8, '0')}`,
    AccountSid: env.TWILIO_ACCOUNT_SID,
    From: from,
    To: env.TWILIO_FROM,
    Body: body,
    NumMedia: '0',
  };
}

/** A text from `from` to Faro's number, through the webhook, signed for the account of `smsProviderEnv`. */
export function textFaro(
  baseUrl: string,
  env: ReturnType<typeof smsProviderEnv>,
  from: string,
  body: string,
) {
  return postInbound(baseUrl, env.TWILIO_AUTH_TOKEN, inboundText(env, from, body));
}
