import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { smsCost } from '../src/server/modules/alerts/sms-segments.js';
import type { Assignment } from '../src/shared/dispatch.js';
import { client, expectStatus } from './support/client.js';
import { BOYLE_HEIGHTS, buildReportInput } from './support/factories.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { startPushService } from './support/push-service.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { smsProviderEnv, startSmsProvider, textFaro } from './support/sms-provider.js';
import { openSse } from './support/sse.js';
import { incidentOfReport } from './support/state.js';

/**
 * Offers reach the responder's phone by Web Push; a missed safety check-in
 * reaches every dispatcher by push, then the responder's backup contact by
 * SMS — through a real push service (web-push-testing) and the SMS
 * provider's format.
 */
let t: TestFaro;
let push: Awaited<ReturnType<typeof startPushService>>;
let sms: Awaited<ReturnType<typeof startSmsProvider>>;
let clock = Date.now();

beforeAll(async () => {
  [push, sms] = await Promise.all([startPushService(), startSmsProvider()]);
  t = await startTestFaro({
    listen: true,
    now: () => new Date(clock),
    env: smsProviderEnv(sms.url),
  });
});
afterAll(async () => {
  await t?.stop();
  await Promise.all([push?.close(), sms?.close()]);
});

/** A device of this person's, registered for notifications; `language`: the app's on it. */
async function phoneOf(who: StaffSession, language?: 'en' | 'es') {
  const key = (await t.faro.app.inject({ url: '/api/subscriptions/channels' })).json().pushKey as string;
  const browser = await push.subscribe(key);
  const registered = await client(t, who).post('/api/account/push', {
    subscription: { endpoint: browser.endpoint, keys: browser.keys },
    ...(language ? { language } : {}),
  });
  expectStatus(registered, 204);
  return browser.clientHash;
}

/** English words any of Faro's staff texts would carry: none may reach a reader of Spanish. */
const ENGLISH = /\b(offer|reply|missed|check-in|safe|help|verify|answer|tap|backup|the)\b/i;

/** The incident a new report at `place` was grouped into, as the board shows it. */
async function reportedIncident(place: { lat: number; lng: number }) {
  const report = expectStatus(
    await client(t).post('/api/reports', buildReportInput({ location: place })),
    201,
  );
  await t.faro.grouper?.settle();
  return incidentOfReport(t, report.body.id);
}

const drained = () => t.faro.jobs.drain(t.faro.jobDefinitions.dispatchNotify, 15_000);

describe('notifying staff', () => {
  it('pushes an offer to the responder, and a missed check-in to dispatchers and the backup contact, each in their language', async () => {
    const dispatcher = await staffSession(t.faro.database, 'dispatcher', () => new Date(clock));
    // Another dispatcher, whose app is in English on their device.
    const englishDispatcher = await staffSession(t.faro.database, 'dispatcher', () => new Date(clock));
    const name = 'Rosa Medina';
    const person = await createPerson(t.faro.database, t.faro.box, { role: 'responder', displayName: name });
    const responder = await sessionFor(t.faro.database, person.id, () => new Date(clock));
    const profile = await client(t, responder).put('/api/responder/profile', {
      languages: ['es'],
      skills: ['legal_observer'],
      homeZoneIds: [],
      backupPhone: '(323) 555-0111',
      offerPhone: '323-555-0122',
    });
    expect(profile.body).toMatchObject({ backupPhone: '•••0111', offerPhone: '•••0122' });
    const refused = await client(t, responder).put('/api/responder/profile', {
      languages: ['es'],
      skills: [],
      homeZoneIds: [],
      offerPhone: 'call me',
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fields).toEqual([
      { field: 'offerPhone', message: 'must be a mobile number' },
    ]);
    // The responder reads Spanish only (their profile), whatever their phone's app says; the
    // dispatcher's app is in Spanish on the device that asked for safety alerts.
    const responderPhone = await phoneOf(responder, 'en');
    const dispatcherPhone = await phoneOf(dispatcher, 'es');
    const englishPhone = await phoneOf(englishDispatcher, 'en');
    await client(t, responder).post('/api/responder/shift', { hours: 4 });
    await client(t, responder).put('/api/responder/location', BOYLE_HEIGHTS);

    const incident = await reportedIncident(BOYLE_HEIGHTS);
    expect(incident.zone?.name).toBe('Boyle Heights');
    const stream = await openSse(`${t.baseUrl}/api/responder/events`, responder.headers);
    const otherPerson = await createPerson(t.faro.database, t.faro.box, { role: 'responder' });
    const otherSession = await sessionFor(t.faro.database, otherPerson.id, () => new Date(clock));
    const other = await openSse(`${t.baseUrl}/api/responder/events`, otherSession.headers);
    await stream.waitFor((m) => m.event === 'ready');
    await other.waitFor((m) => m.event === 'ready');
    const offered = (
      await client(t, dispatcher).post(`/api/incidents/${incident.id}/assignments`, {
        responderId: person.id,
      })
    ).body as Assignment;
    // The responder's app hears of it at once; another responder's hears nothing of it.
    const offerEvent = await stream.waitFor((m) => m.event === 'changed', 2_000);
    await stream.close();
    // Events reach each stream in the order they happened: an offer made to the other responder
    // afterwards (far away, then their shift ended) is the first change their app hears of.
    const asOther = client(t, otherSession);
    expectStatus(await asOther.post('/api/responder/shift', { hours: 1 }), 200);
    const elsewhere = await reportedIncident({ lat: BOYLE_HEIGHTS.lat - 0.5, lng: BOYLE_HEIGHTS.lng });
    const markerOffer = expectStatus(
      await client(t, dispatcher).post(`/api/incidents/${elsewhere.id}/assignments`, {
        responderId: otherPerson.id,
      }),
      201,
    ).body as Assignment;
    const marker = await other.waitFor((m) => m.event === 'changed', 2_000);
    expect(marker.id).not.toBe(offerEvent.id);
    expect(other.messages.filter((m) => m.event === 'changed')).toEqual([marker]);
    await other.close();
    // Accepted, so it neither expires nor goes on to anyone else in the tests below; then off shift.
    expectStatus(
      await asOther.post(`/api/responder/assignments/${markerOffer.id}`, { action: 'accept' }),
      200,
    );
    expectStatus(await asOther.post('/api/responder/shift/end'), 200);
    await drained();
    const offerPush = JSON.parse(push.received(responderPhone).at(-1) ?? '{}');
    expect(offerPush).toMatchObject({
      type: 'staff',
      url: '/responder',
      body: 'Nueva oferta: responda en la app.',
    });
    expect(offerPush.title).toContain(`#${incident.number}`);
    // Texted too, to the number they gave for it, in Spanish only: the incident's number, never its place.
    const offerText = sms.sent.find((m) => m.fields.To === '+13235550122');
    const zone = incident.zone ? ` - ${incident.zone.name}` : '';
    expect(offerText?.fields.Body).toBe(
      `Faro: oferta para verificar #${incident.number}${zone}. Responda SI o NO en 3 min, o use la app. ${t.baseUrl}/responder`,
    );
    expect(offerText?.fields.Body).not.toMatch(ENGLISH);
    // With the link to the app (every server has its PUBLIC_URL now): GSM-7, two segments at most.
    const cost = smsCost(offerText?.fields.Body ?? '');
    expect(cost.encoding).toBe('GSM-7');
    expect(cost.segments).toBeLessThanOrEqual(2);
    expect(offerText?.fields.Body).not.toMatch(/34\.0|118\.2/);

    for (const action of ['accept', 'on_scene'] as const)
      await client(t, responder).post(`/api/responder/assignments/${offered.id}`, { action });
    clock += 16 * 60_000;
    expect(await t.faro.services.dispatch.flagMissedCheckIns()).toBe(1);
    await drained();
    // Each dispatcher's device in its own language: the Spanish one in Spanish only.
    const alarm = JSON.parse(push.received(dispatcherPhone).at(-1) ?? '{}');
    expect(alarm).toMatchObject({
      title: `NO CONFIRMÓ · #${incident.number}${incident.zone ? ` · ${incident.zone.name}` : ''}`,
      body: `${name} no ha confirmado que está bien.`,
    });
    expect(`${alarm.title} ${alarm.body}`).not.toMatch(ENGLISH);
    expect(JSON.parse(push.received(englishPhone).at(-1) ?? '{}')).toMatchObject({
      title: expect.stringMatching(/^MISSED CHECK-IN · #\d+/),
      body: `${name} has not said they are safe.`,
    });
    // The responder is reminded too, on their phone and by text, with the way to answer without the app.
    expect(JSON.parse(push.received(responderPhone).at(-1) ?? '{}')).toMatchObject({
      title: `Faro: ¿está bien? #${incident.number}`,
      body: 'Toque Estoy bien o Necesito ayuda.',
      url: '/responder',
    });
    const reminder = sms.sent.filter((m) => m.fields.To === '+13235550122').at(-1)?.fields.Body ?? '';
    expect(reminder).toMatch(/^Faro: falta su confirmacion de seguridad en #\d+.* Responda BIEN/);
    expect(reminder).not.toMatch(ENGLISH);
    expect(smsCost(reminder)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    // The dispatchers first: the backup contact is not texted yet.
    expect(await t.faro.services.dispatch.escalateMissedCheckIns()).toBe(0);
    expect(sms.sent.find((m) => m.fields.To === '+13235550111')).toBeUndefined();
    // Still missing five minutes later: the backup contact is texted, and dispatchers told so.
    clock += 5 * 60_000;
    expect(await t.faro.services.dispatch.escalateMissedCheckIns()).toBe(1);
    expect(await t.faro.services.dispatch.escalateMissedCheckIns()).toBe(0);
    await drained();
    // The backup contact reads what the responder reads.
    const text = sms.sent.find((m) => m.fields.To === '+13235550111');
    expect(text?.fields.Body).toBe(
      `Faro: falta una confirmacion de seguridad de ${name}, que verificaba un reporte. El despacho ya lo sabe.`,
    );
    const escalated = JSON.parse(push.received(dispatcherPhone).at(-1) ?? '{}');
    expect(escalated).toMatchObject({
      title: expect.stringMatching(/^SIGUE SIN CONFIRMAR · #\d+/),
      body: `Se está enviando un mensaje al contacto de respaldo de ${name}.`,
    });
    expect(JSON.parse(push.received(englishPhone).at(-1) ?? '{}')).toMatchObject({
      title: expect.stringMatching(/^STILL NO CHECK-IN · #\d+/),
      body: expect.stringContaining('backup contact now'),
    });
    const listed = (await client(t, dispatcher).get(`/api/incidents/${incident.id}/assignments`)).body;
    expect(listed.assignments[0]).toMatchObject({ safety: 'missed', escalated: true });
    // "I'm safe" clears the flag and the escalation.
    await client(t, responder).post(`/api/responder/assignments/${offered.id}/check-in`, { status: 'safe' });
    const cleared = (await client(t, dispatcher).get(`/api/incidents/${incident.id}/assignments`)).body;
    expect(cleared.assignments[0]).toMatchObject({ safety: 'ok', escalated: false });
    // The backup number is kept only sealed.
    const dump = JSON.stringify((await t.faro.database.pool.query('select * from responder_profiles')).rows);
    expect(dump).not.toContain('5550111');
    expect(dump).not.toContain('5550122');
  });

  it('takes YES and NO to an offer, and SAFE and HELP on scene, by text from the responder’s own number', async () => {
    const env = smsProviderEnv(sms.url);
    const dispatcher = await staffSession(t.faro.database, 'dispatcher', () => new Date(clock));
    const person = await createPerson(t.faro.database, t.faro.box, { role: 'responder' });
    const responder = await sessionFor(t.faro.database, person.id, () => new Date(clock));
    const mobile = '+13235550155';
    await client(t, responder).put('/api/responder/profile', {
      languages: ['en', 'es'],
      skills: [],
      homeZoneIds: [],
      offerPhone: '(323) 555-0155',
    });
    // A number given before its digest was kept (an earlier version) gets one at a worker's start.
    await t.faro.database.pool.query(
      'update responder_profiles set offer_phone_digest = null where user_id = $1',
      [person.id],
    );
    expect(await t.faro.services.responderTexts.backfill()).toBe(1);
    expect(await t.faro.services.responderTexts.backfill()).toBe(0);
    await client(t, responder).post('/api/responder/shift', { hours: 4 });
    // Each incident far from the others' (and from the earlier tests').
    let east = 1.0;
    const incidentOffered = async () => {
      east += 0.5;
      clock += 10_000;
      const place = { lat: BOYLE_HEIGHTS.lat, lng: BOYLE_HEIGHTS.lng + east };
      const incident = await reportedIncident(place);
      const offered = await client(t, dispatcher).post(`/api/incidents/${incident.id}/assignments`, {
        responderId: person.id,
      });
      expectStatus(offered, 201);
      await drained();
      return { id: incident.id, number: incident.number, assignment: (offered.body as Assignment).id };
    };
    const stateOf = async (incident: { id: string; assignment: string }) =>
      (
        (await client(t, dispatcher).get(`/api/incidents/${incident.id}/assignments`)).body
          .assignments as Assignment[]
      ).find((a) => a.id === incident.assignment)?.state;
    const replies = async () => {
      const job = t.faro.jobDefinitions.smsReply;
      if (job) await t.faro.jobs.drain(job, 15_000);
      return sms.sent.filter((m) => m.fields.To === mobile).map((m) => m.fields.Body ?? '');
    };
    const text = async (body: string) => {
      const sent = await replies();
      expect((await textFaro(t.baseUrl, env, mobile, body)).status).toBe(200);
      return (await replies()).slice(sent.length);
    };

    // The offer by text says how to answer it.
    const first = await incidentOffered();
    expect((await replies()).at(-1)).toContain('Reply YES or NO within 3 min');
    // Issue 17: a subscription asked by text waits for a YES too, but a responder's answer comes first.
    expect(await text('ALERTS BOYLE HEIGHTS')).toEqual([
      expect.stringMatching(/^Faro: reply YES to get alerts/),
    ]);
    // "Sí" accepts it, as the app's button would; the answer comes back in Spanish.
    const board = await openSse(`${t.baseUrl}/api/events`, dispatcher.headers);
    await board.waitFor((m) => m.event === 'ready');
    expect(await text('Sí')).toEqual([expect.stringMatching(`^Faro: oferta #${first.number} aceptada`)]);
    expect(await stateOf(first)).toBe('accepted');
    await board.waitFor((m) => m.event === 'incident.updated' && m.data.includes(first.id), 2_000);
    await board.close();
    // The same answer again says so again, and changes nothing.
    expect(await text('yes')).toEqual([expect.stringMatching(`^Faro: you accepted #${first.number}`)]);

    // On scene, the check-in by text: HELP reaches every dispatcher's device at once.
    expect(await text('safe')).toEqual([expect.stringContaining('you are not on scene')]);
    await client(t, responder).post(`/api/responder/assignments/${first.assignment}`, { action: 'on_scene' });
    const dispatcherPhone = await phoneOf(dispatcher);
    expect(await text('AYUDA')).toEqual([
      expect.stringMatching(`^Faro: el despacho sabe que necesita ayuda en #${first.number}`),
    ]);
    const safetyOf = async () =>
      (
        (await client(t, dispatcher).get(`/api/incidents/${first.id}/assignments`)).body
          .assignments as Assignment[]
      ).find((a) => a.id === first.assignment)?.safety;
    expect(await safetyOf()).toBe('help');
    await drained();
    expect(JSON.parse(push.received(dispatcherPhone).at(-1) ?? '{}')).toMatchObject({
      title: `NEEDS HELP · #${first.number}`,
    });
    // Issue 12 item 14: a text can be sent from a forged number, so SAFE by text never
    // stands a call for help down; the app's "I'm safe" (or a dispatcher who reached them) does.
    expect(await text("I'm safe")).toEqual([
      expect.stringMatching(`^Faro: your call for help at #${first.number} stays on`),
    ]);
    expect(await safetyOf()).toBe('help');
    const inApp = await client(t, responder).post(`/api/responder/assignments/${first.assignment}/check-in`, {
      status: 'safe',
    });
    expectStatus(inApp, 200);
    expect(await safetyOf()).toBe('ok');
    // With no call for help standing, SAFE by text is the check-in it always was.
    expect(await text('safe')).toEqual([
      expect.stringMatching(`^Faro: thank you: you are checked in as safe at #${first.number}`),
    ]);
    expect(await safetyOf()).toBe('ok');
    await client(t, responder).post(`/api/responder/assignments/${first.assignment}`, {
      action: 'reported',
      report: { outcome: 'not_confirmed', present: ['nobody'] },
    });

    // Two offers open: a bare answer asks which; "no 12" declines that one only.
    const second = await incidentOffered();
    const third = await incidentOffered();
    expect(await text('NO')).toEqual([
      expect.stringContaining(`offers open for #${second.number}, #${third.number}`),
    ]);
    expect(await stateOf(second)).toBe('offered');
    expect(await text(`no #${second.number}`)).toEqual([
      expect.stringMatching(`^Faro: you declined #${second.number}`),
    ]);
    expect(await stateOf(second)).toBe('declined');
    expect(await stateOf(third)).toBe('offered');

    // Too late: the offer expired and went on; the answer says it is no longer open.
    clock += 4 * 60_000;
    await t.faro.services.dispatch.expireDue();
    expect(await stateOf(third)).toBe('expired');
    expect(await text('YES')).toEqual([
      expect.stringContaining(`the offer for #${third.number} is no longer open`),
    ]);
    expect(await stateOf(third)).toBe('expired');

    // Anything longer is a report like anyone's, and a YES from another number is no answer to an offer.
    const before = (await replies()).length;
    expect((await textFaro(t.baseUrl, env, '+13235550166', 'yes')).status).toBe(200);
    const other = t.faro.jobDefinitions.smsReply;
    if (other) await t.faro.jobs.drain(other, 15_000);
    expect(sms.sent.filter((m) => m.fields.To === '+13235550166').map((m) => m.fields.Body)).toEqual([
      expect.stringContaining('send your report first'),
    ]);
    expect(await text('yes there are agents at the school on 1st')).toEqual([
      expect.stringContaining('report received'),
    ]);
    expect((await replies()).length).toBe(before + 1);
    // STOP from it: no more texts there — the next offer reaches the app and the phone's push only.
    expect((await textFaro(t.baseUrl, env, mobile, 'STOP')).status).toBe(200);
    expect((await client(t, responder).get('/api/responder')).body.profile).toMatchObject({
      offerPhone: null,
    });
    const texted = (await replies()).length;
    await incidentOffered();
    expect((await replies()).length).toBe(texted);
    // The number is kept sealed; its digest is no number.
    const dump = JSON.stringify((await t.faro.database.pool.query('select * from responder_profiles')).rows);
    expect(dump).not.toContain('5550155');
  });

  it('texts the backup contact even while a dispatcher’s device keeps failing', async () => {
    // A push service that answers every push with 503, standing in for a dispatcher's broken device.
    let refused = 0;
    const broken = http.createServer((_request, response) => {
      refused += 1;
      response.statusCode = 503;
      response.end();
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    try {
      const key = (await t.faro.app.inject({ url: '/api/subscriptions/channels' })).json().pushKey as string;
      const keys = (await push.subscribe(key)).keys;
      const person = await createPerson(t.faro.database, t.faro.box, { role: 'dispatcher' });
      const other = await sessionFor(t.faro.database, person.id, () => new Date(clock));
      const { port } = broken.address() as AddressInfo;
      expect(
        (
          await client(t, other).post('/api/account/push', {
            subscription: { endpoint: `http://127.0.0.1:${port}/push/broken`, keys },
          })
        ).status,
      ).toBe(204);

      const responderPerson = await createPerson(t.faro.database, t.faro.box, { role: 'responder' });
      const responder = await sessionFor(t.faro.database, responderPerson.id, () => new Date(clock));
      await client(t, responder).put('/api/responder/profile', {
        languages: ['en'],
        skills: [],
        homeZoneIds: [],
        backupPhone: '323 555 0177',
      });
      const far = { lat: BOYLE_HEIGHTS.lat, lng: BOYLE_HEIGHTS.lng + 0.5 };
      await client(t, responder).post('/api/responder/shift', { hours: 4 });
      await client(t, responder).put('/api/responder/location', far);
      const incident = await reportedIncident(far);
      const dispatcher = await staffSession(t.faro.database, 'dispatcher', () => new Date(clock));
      const offered = (
        await client(t, dispatcher).post(`/api/incidents/${incident.id}/assignments`, {
          responderId: responderPerson.id,
        })
      ).body as Assignment;
      for (const action of ['accept', 'on_scene'] as const)
        await client(t, responder).post(`/api/responder/assignments/${offered.id}`, { action });
      // (The first test's responder, still on scene, misses this check-in too.)
      clock += 16 * 60_000;
      expect(await t.faro.services.dispatch.flagMissedCheckIns()).toBeGreaterThanOrEqual(1);
      clock += 5 * 60_000;
      expect(await t.faro.services.dispatch.escalateMissedCheckIns()).toBeGreaterThanOrEqual(1);

      // The push job keeps retrying the broken device; the text goes out on its own job regardless.
      await vi.waitFor(() => expect(sms.sent.some((m) => m.fields.To === '+13235550177')).toBe(true), {
        timeout: 10_000,
      });
      expect(sms.sent.filter((m) => m.fields.To === '+13235550177')).toHaveLength(1);
      expect(refused).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => broken.close(resolve));
    }
  });
});
