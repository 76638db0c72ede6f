import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsCost } from '../src/server/modules/alerts/sms-segments.js';
import { twilioSignature } from '../src/server/modules/sms/twilio.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { staffSession } from './support/sessions.js';
import { postInbound, smsProviderEnv, startSmsProvider } from './support/sms-provider.js';
import { jobsOf, reportsOfMessage, storedReports } from './support/state.js';

/**
 * The SMS channel end to end: a provider's signed webhook in, a report with
 * the text sealed, a reply with the receipt code out through the provider's
 * API in the sender's language — once, however often the webhook is delivered.
 */
const ACCOUNT = 'AC00000000000000000000000000000001';
const AUTH_TOKEN = smsProviderEnv('', ACCOUNT).TWILIO_AUTH_TOKEN;
let t: TestFaro;
let provider: Awaited<ReturnType<typeof startSmsProvider>>;
let sequence = 0;
let picture: Buffer;

beforeAll(async () => {
  // An MMS picture as a phone sends it: with GPS and camera in its EXIF.
  picture = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#456' } })
    .withExif({ IFD0: { Make: 'Motorola', Model: 'moto g play', Artist: 'Rosa' } })
    .jpeg()
    .toBuffer();
  provider = await startSmsProvider({ media: picture });
  t = await startTestFaro({
    listen: true,
    env: smsProviderEnv(provider.url, ACCOUNT),
  });
});
afterAll(async () => {
  await t?.stop();
  await provider?.close();
});

function inbound(fields: Partial<Record<string, string>> = {}) {
  sequence += 1;
  return {
    MessageSid: `SM${Date.now().toString(16)}${String(sequence).padStart(8, '0')}`,
    AccountSid: ACCOUNT,
    From: `+1323555${String(1000 + sequence).slice(-4)}`,
    To: '+13235550100',
    Body: 'ICE agents at the car wash in Boyle Heights right now',
    NumMedia: '0',
    ...fields,
  } as Record<string, string>;
}

const url = () => `${t.baseUrl}/api/sms/inbound`;

const deliver = (fields: Record<string, string>, signature?: string) =>
  postInbound(t.baseUrl, AUTH_TOKEN, fields, signature);

const reportsFrom = (sid: string) => reportsOfMessage(t, sid);

async function drainReplies() {
  const job = t.faro.jobDefinitions.smsReply;
  if (!job) throw new Error('SMS replies are not configured');
  await t.faro.jobs.drain(job);
}

describe('POST /api/sms/inbound', () => {
  it('turns a signed text into a report and replies with its receipt code through the provider', async () => {
    const sms = inbound();
    const response = await deliver(sms);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/xml');
    const [report] = await reportsFrom(sms.MessageSid ?? '');
    expect(report).toMatchObject({ channel: 'sms', language: 'en' });
    expect(report?.zone).not.toBeNull();

    await drainReplies();
    const reply = provider.sent.find((m) => m.fields.To === sms.From);
    expect(reply?.accountSid).toBe(ACCOUNT);
    expect(reply?.authorization).toBe(`Basic ${Buffer.from(`${ACCOUNT}:${AUTH_TOKEN}`).toString('base64')}`);
    expect(reply?.fields.From).toBe('+13235550100');
    expect(reply?.fields.Body).toContain(report?.receipt);
    expect(reply?.fields.Body).not.toContain('neighborhood');
  });

  it('answers in Spanish to a Spanish text and asks where when the text does not say', async () => {
    const sms = inbound({ Body: 'Hay una redada con muchos agentes, están llevándose a la gente' });
    expect((await deliver(sms)).status).toBe(200);
    const [report] = await reportsFrom(sms.MessageSid ?? '');
    expect(report).toMatchObject({ language: 'es', zone: null });
    await drainReplies();
    const reply = provider.sent.find((m) => m.fields.To === sms.From);
    expect(reply?.fields.Body).toContain('recibimos su reporte');
    expect(reply?.fields.Body).toContain('En que vecindario');
    // Replies stay in the GSM-7 alphabet, so a Spanish reply costs what an English one does.
    expect(smsCost(reply?.fields.Body ?? '')).toMatchObject({ encoding: 'GSM-7', nonGsm: [] });
  });

  it('creates one report and sends one reply when the same text is delivered 50 times at once', async () => {
    const sms = inbound({ Body: 'Checkpoint on Whittier Blvd in East Los Angeles' });
    const responses = await Promise.all(Array.from({ length: 50 }, () => deliver(sms)));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(await reportsFrom(sms.MessageSid ?? '')).toHaveLength(1);
    await drainReplies();
    expect(provider.sent.filter((m) => m.fields.To === sms.From)).toHaveLength(1);
  });

  it('refuses a missing or wrong signature with 403 and stores nothing', async () => {
    const count = () => storedReports(t);
    const before = await count();
    const sms = inbound();
    expect((await deliver(sms, '')).status).toBe(403);
    expect((await deliver(sms, 'bm90IHRoZSBzaWduYXR1cmU=')).status).toBe(403);
    // Signed for other content: a tampered body fails too.
    const tampered = await deliver(
      { ...sms, Body: 'something else' },
      twilioSignature(AUTH_TOKEN, url(), sms),
    );
    expect(tampered.status).toBe(403);
    expect(await count()).toBe(before);
    expect(await reportsFrom(sms.MessageSid ?? '')).toHaveLength(0);
  });

  it('keeps the text sealed and the sender’s number nowhere in the clear', async () => {
    const sms = inbound({ Body: 'Vans parked behind the laundromat on 1st, Boyle Heights' });
    await deliver(sms);
    await drainReplies();
    const dump = JSON.stringify(
      (await t.faro.database.pool.query('select * from reports where source_ref = $1', [sms.MessageSid]))
        .rows,
    );
    expect(dump).not.toContain('laundromat');
    const jobs = JSON.stringify(await jobsOf(t.faro.database, 'sms.reply'));
    expect(jobs).not.toContain(sms.From?.slice(2));
  });
});

describe('following up an SMS report', () => {
  it('texts the outcome to a sender who replied YES, in their language, and forgets the number on STOP', async () => {
    const dispatcher = await staffSession(t.faro.database, 'dispatcher');
    const report = inbound({ Body: 'Retén de la migra en Boyle Heights, en la esquina' });
    await deliver(report);
    const silent = inbound({ Body: 'Checkpoint in Boyle Heights too, by the bridge' });
    await deliver(silent);
    await t.faro.grouper?.settle();
    const [row] = await reportsFrom(report.MessageSid ?? '');

    // YES from the same phone: a new message, same sender.
    await deliver(inbound({ From: report.From ?? '', Body: 'Sí' }));
    await drainReplies();
    const confirmation = provider.sent.filter((m) => m.fields.To === report.From).at(-1);
    expect(confirmation?.fields.Body).toContain(
      `le avisaremos cuando se verifique el reporte ${row?.receipt}`,
    );
    const stored = (
      await t.faro.database.pool.query<{ follow_up: boolean; callback: string }>(
        'select follow_up, callback from reports where source_ref = $1',
        [report.MessageSid],
      )
    ).rows[0];
    expect(stored?.follow_up).toBe(true);
    expect(stored?.callback).toMatch(/^v2\.[0-9a-f]{8}\./);

    const confirmed = await t.faro.app.inject({
      method: 'POST',
      url: `/api/incidents/${row?.incidentId}/status`,
      headers: dispatcher.headers,
      payload: { status: 'confirmed' },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    await drainReplies();
    const outcome = provider.sent.filter((m) => m.fields.To === report.From).at(-1);
    expect(outcome?.fields.Body).toBe(
      `Faro: el reporte ${row?.receipt} fue confirmado por un voluntario en el lugar. Tenga cuidado.`,
    );
    // The sender who did not ask hears nothing beyond the receipt.
    expect(provider.sent.filter((m) => m.fields.To === silent.From)).toHaveLength(1);

    await deliver(inbound({ From: report.From ?? '', Body: 'STOP' }));
    const after = (
      await t.faro.database.pool.query<{ follow_up: boolean; callback: string | null }>(
        'select follow_up, callback from reports where source_ref = $1',
        [report.MessageSid],
      )
    ).rows[0];
    expect(after).toEqual({ follow_up: false, callback: null });
  });

  it('answers a YES with nothing to follow by explaining, and stores no report', async () => {
    const count = () => storedReports(t);
    const before = await count();
    const lone = inbound({ From: '+13235559876', Body: 'yes' });
    await deliver(lone);
    await drainReplies();
    expect(provider.sent.filter((m) => m.fields.To === lone.From).at(-1)?.fields.Body).toContain(
      'send your report first',
    );
    expect(await count()).toBe(before);
  });
});

describe('pictures sent by MMS', () => {
  it('fetches them from the provider with its credentials and keeps them without metadata', async () => {
    const mediaPath = `/2010-04-01/Accounts/${ACCOUNT}/Messages/MM1/Media/ME1`;
    const mms = inbound({
      Body: 'Vans outside the swap meet in Boyle Heights',
      NumMedia: '2',
      MediaUrl0: `${provider.url}${mediaPath}`,
      MediaContentType0: 'image/jpeg',
      // Not the provider's host: never fetched.
      MediaUrl1: 'http://169.254.169.254/latest/meta-data/',
    });
    expect((await deliver(mms)).status).toBe(200);
    const job = t.faro.jobDefinitions.smsMedia;
    if (!job) throw new Error('SMS media is not configured');
    await t.faro.jobs.drain(job);
    expect(provider.mediaRequests.map((r) => r.path)).toEqual([mediaPath]);
    expect(provider.mediaRequests[0]?.authorization).toBe(
      `Basic ${Buffer.from(`${ACCOUNT}:${AUTH_TOKEN}`).toString('base64')}`,
    );
    const [stored] = await reportsFrom(mms.MessageSid ?? '');
    expect(stored?.photoIds).toHaveLength(1);
    const photo = await t.faro.app.inject({
      url: `/api/reports/${stored?.id}/photos/${stored?.photoIds[0]}`,
      headers: (await staffSession(t.faro.database, 'dispatcher')).headers,
    });
    expect((await sharp(picture).metadata()).exif).toBeDefined();
    const metadata = await sharp(photo.rawPayload).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(metadata.width).toBe(900);
  });
});
