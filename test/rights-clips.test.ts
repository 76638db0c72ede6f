import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, rightsClips } from '../src/server/db/schema.js';
import { sniffAudio } from '../src/server/media/audio.js';
import type {
  Megaphone,
  PublicRights,
  RightsClips,
  RightsOverview,
  RightsTextDetail,
} from '../src/shared/rights.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { type StaffSession, staffSession } from './support/sessions.js';

/**
 * Issue 17, the rights library's recordings (megaphone mode, "read to me"): uploaded by an admin
 * as audio checked by its bytes, kept as versions, played publicly only once reviewed — and what
 * a hostile caller gets. Megaphone mode's page and data.
 */
let t: TestFaro;
let admin: StaffSession;
let legal: StaffSession;
let dispatcher: StaffSession;

beforeAll(async () => {
  t = await startTestFaro({ listen: true, env: { WEB_DIST_DIR: path.resolve('dist/web') } });
  admin = await staffSession(t.faro.database, 'coalition_admin');
  legal = await staffSession(t.faro.database, 'legal');
  dispatcher = await staffSession(t.faro.database, 'dispatcher');
});
afterAll(async () => t?.stop());

const call = (
  who: StaffSession | null,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
) =>
  t.faro.app.inject({
    method,
    url,
    headers: { ...(who?.headers ?? {}), ...headers },
    ...(payload !== undefined ? { payload: payload as string } : {}),
  });

const upload = (who: StaffSession | null, url: string, bytes: Buffer, type: string) =>
  call(who, 'POST', url, bytes, { 'content-type': type });

/** A real WAV file: a second of a 440 Hz tone, 8 kHz, 8-bit mono. */
function wav(seconds = 1): Buffer {
  const rate = 8000;
  const count = Math.round(rate * seconds);
  const bytes = Buffer.alloc(44 + count);
  bytes.write('RIFF', 0, 'latin1');
  bytes.writeUInt32LE(36 + count, 4);
  bytes.write('WAVEfmt ', 8, 'latin1');
  bytes.writeUInt32LE(16, 16);
  bytes.writeUInt16LE(1, 20);
  bytes.writeUInt16LE(1, 22);
  bytes.writeUInt32LE(rate, 24);
  bytes.writeUInt32LE(rate, 28);
  bytes.writeUInt16LE(1, 32);
  bytes.writeUInt16LE(8, 34);
  bytes.write('data', 36, 'latin1');
  bytes.writeUInt32LE(count, 40);
  for (let i = 0; i < count; i++)
    bytes[44 + i] = Math.round(128 + 100 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return bytes;
}

const itemId = async (slug: string) => {
  const overview = (await call(admin, 'GET', '/api/admin/rights')).json<RightsOverview>();
  const item = overview.items.find((i) => i.slug === slug);
  if (!item) throw new Error(`no ${slug}`);
  return item.id;
};

describe('what an audio file is, by its bytes', () => {
  it('knows the formats phones play, and nothing else', () => {
    expect(sniffAudio(wav())).toBe('audio/wav');
    expect(
      sniffAudio(Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x00', 'latin1'), Buffer.alloc(32)])),
    ).toBe('audio/mpeg');
    expect(sniffAudio(Buffer.from([0xff, 0xfb, 0x90, 0x64, ...new Array(20).fill(0)]))).toBe('audio/mpeg');
    expect(sniffAudio(Buffer.concat([Buffer.from('OggS'), Buffer.alloc(40)]))).toBe('audio/ogg');
    expect(
      sniffAudio(Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from('ftypM4A '), Buffer.alloc(40)])),
    ).toBe('audio/mp4');
    const webm = Buffer.concat([
      Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x82, 0x84]),
      Buffer.from('webm'),
      Buffer.alloc(40),
    ]);
    expect(sniffAudio(webm)).toBe('audio/webm');
    expect(sniffAudio(Buffer.from('<!doctype html><script>alert(1)</script>'))).toBeNull();
    expect(sniffAudio(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'))).toBeNull();
    // AAC in ADTS (layer 00) is not MPEG audio, whatever its sync bits.
    expect(sniffAudio(Buffer.from([0xff, 0xf1, 0x50, 0x80, ...new Array(20).fill(0)]))).toBeNull();
    expect(sniffAudio(Buffer.alloc(4))).toBeNull();
  });
});

describe('recordings of the rights library', () => {
  it('is uploaded as a draft, served publicly only once reviewed, as versions, audited', async () => {
    const id = await itemId('card');
    const url = `/api/admin/rights/${id}/es/clip`;
    const first = await upload(admin, url, wav(1), 'audio/wav');
    expect(first.statusCode, first.body).toBe(200);
    const uploaded = first.json<RightsClips>();
    expect(uploaded.published).toBeNull();
    expect(uploaded.clips).toHaveLength(1);
    expect(uploaded.clips[0]).toMatchObject({ version: 1, status: 'draft', contentType: 'audio/wav' });
    expect(uploaded.clips[0]?.uploadedBy).toBeTruthy();

    // A draft is never played publicly: not listed, not served.
    const card = async () =>
      (await call(null, 'GET', '/api/rights?language=es'))
        .json<PublicRights>()
        .items.find((i) => i.slug === 'card');
    expect((await card())?.clip).toBeNull();
    expect((await call(null, 'GET', `/rights/clips/${id}/es`)).statusCode).toBe(404);
    const megaphone = async () =>
      (await call(null, 'GET', '/api/rights/megaphone'))
        .json<Megaphone>()
        .languages.find((l) => l.language === 'es');
    expect((await megaphone())?.clip).toBeNull();
    // Staff listen to it before reviewing it.
    const listen = await call(legal, 'GET', `/api/admin/rights/${id}/es/clips/1`);
    expect(listen.statusCode).toBe(200);
    expect(listen.headers['content-type']).toBe('audio/wav');
    expect(listen.headers['cache-control']).toContain('no-store');
    expect(listen.rawPayload.equals(wav(1))).toBe(true);

    // Counsel reviews it for their organization: played from then on.
    const reviewed = await call(legal, 'POST', `/api/admin/rights/${id}/es/clips/1/review`, {});
    expect(reviewed.statusCode, reviewed.body).toBe(200);
    expect(reviewed.json<RightsClips>()).toMatchObject({ published: 1, clips: [{ status: 'reviewed' }] });
    expect(reviewed.json<RightsClips>().clips[0]?.reviewedBy).toBeTruthy();
    expect((await card())?.clip).toBe(`/rights/clips/${id}/es?v=1`);
    expect((await megaphone())?.clip).toBe(`/rights/clips/${id}/es?v=1`);
    // Only in the language it was recorded in.
    expect(
      (await call(null, 'GET', '/api/rights?language=en'))
        .json<PublicRights>()
        .items.find((i) => i.slug === 'card')?.clip,
    ).toBeNull();

    const served = await call(null, 'GET', `/rights/clips/${id}/es?v=1`);
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('audio/wav');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['cache-control']).toMatch(/^public, max-age=\d+/);
    expect(served.headers['x-ratelimit-limit']).toBeDefined();
    expect(served.rawPayload.equals(wav(1))).toBe(true);
    // A phone's player asks for a range.
    const part = await call(null, 'GET', `/rights/clips/${id}/es?v=1`, undefined, { range: 'bytes=0-99' });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 0-99/${wav(1).length}`);
    expect(part.rawPayload.equals(wav(1).subarray(0, 100))).toBe(true);
    expect(
      (await call(null, 'GET', `/rights/clips/${id}/es`, undefined, { range: 'bytes=999999-' })).statusCode,
    ).toBe(416);

    // A new recording is a new version, a draft: the reviewed one plays until it is reviewed.
    const second = await upload(admin, url, wav(2), 'audio/x-wav');
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json<RightsClips>()).toMatchObject({
      published: 1,
      clips: [
        { version: 2, status: 'draft' },
        { version: 1, status: 'reviewed' },
      ],
    });
    expect((await call(null, 'GET', `/rights/clips/${id}/es`)).rawPayload.equals(wav(1))).toBe(true);

    // An edit of the text leaves its recordings as they are.
    const text = (await call(admin, 'GET', `/api/admin/rights/${id}/es`)).json<RightsTextDetail>().current;
    const edited = await call(admin, 'PUT', `/api/admin/rights/${id}/es`, {
      content: { ...text?.content, title: `${text?.content.title} (2)` },
      baseVersion: text?.version,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect((await card())?.clip).toBe(`/rights/clips/${id}/es?v=1`);

    const rows = await t.faro.database.db
      .select({ version: rightsClips.version, status: rightsClips.status })
      .from(rightsClips)
      .where(and(eq(rightsClips.itemId, id), eq(rightsClips.language, 'es')));
    expect(rows.map((r) => `${r.version}:${r.status}`).sort()).toEqual(['1:reviewed', '2:draft']);
    const audited = await t.faro.database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.subjectType, 'rights_item'), eq(auditLog.subjectId, id)));
    expect(audited.map((a) => a.action).sort()).toEqual([
      'rights.clip_reviewed',
      'rights.clip_uploaded',
      'rights.clip_uploaded',
      'rights.edited',
    ]);
  });

  it('what a hostile caller gets: no upload without the right, nothing but audio, nothing too large', async () => {
    const id = await itemId('door');
    const url = `/api/admin/rights/${id}/fr/clip`;
    expect((await upload(null, url, wav(), 'audio/wav')).statusCode).toBe(401);
    expect((await upload(dispatcher, url, wav(), 'audio/wav')).statusCode).toBe(403);
    // Counsel reviews; it does not upload.
    expect((await upload(legal, url, wav(), 'audio/wav')).statusCode).toBe(403);
    expect((await call(null, 'GET', `/api/admin/rights/${id}/fr/clips`)).statusCode).toBe(401);
    expect((await call(dispatcher, 'GET', `/api/admin/rights/${id}/fr/clips`)).statusCode).toBe(403);
    expect((await call(dispatcher, 'POST', `/api/admin/rights/${id}/fr/clips/1/review`, {})).statusCode).toBe(
      403,
    );

    // HTML or SVG labelled audio: refused, whatever the label says.
    const html = Buffer.from('<!doctype html><html><script>fetch("/api/admin/people")</script></html>');
    const refusedHtml = await upload(admin, url, html, 'audio/mpeg');
    expect(refusedHtml.statusCode).toBe(415);
    expect(refusedHtml.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    expect((await upload(admin, url, svg, 'audio/wav')).statusCode).toBe(415);
    // Audio sent as another audio type than it is.
    expect((await upload(admin, url, wav(), 'audio/ogg')).statusCode).toBe(415);
    // Not labelled audio at all.
    expect((await upload(admin, url, wav(), 'image/svg+xml')).statusCode).toBe(415);
    expect((await upload(admin, url, wav(), 'text/html')).statusCode).toBe(415);
    // More than 2 MB.
    const big = await upload(admin, url, wav(300), 'audio/wav');
    expect(wav(300).length).toBeGreaterThan(2 * 1024 * 1024);
    expect(big.statusCode).toBe(413);
    // Nothing was kept.
    const clips = (await call(admin, 'GET', `/api/admin/rights/${id}/fr/clips`)).json<RightsClips>();
    expect(clips.clips).toEqual([]);

    // A draft reviewed twice is reviewed once; a clip that does not exist is not found.
    expect((await upload(admin, url, wav(), 'audio/wav')).statusCode).toBe(200);
    expect((await call(null, 'GET', `/rights/clips/${id}/fr`)).statusCode).toBe(404);
    expect((await call(legal, 'POST', `/api/admin/rights/${id}/fr/clips/9/review`, {})).statusCode).toBe(404);
    // Not an item of this coalition's library, not a language of it.
    const nobody = '00000000-0000-4000-8000-000000000000';
    expect((await upload(admin, `/api/admin/rights/${nobody}/fr/clip`, wav(), 'audio/wav')).statusCode).toBe(
      404,
    );
    expect((await call(null, 'GET', `/rights/clips/${nobody}/fr`)).statusCode).toBe(404);
    expect((await call(null, 'GET', `/rights/clips/${id}/de`)).statusCode).toBe(400);
  });
});

describe('megaphone mode', () => {
  it('says the card in every public language, and is a page readable without scripts', async () => {
    const data = (await call(null, 'GET', '/api/rights/megaphone')).json<Megaphone>();
    expect(data.languages.map((l) => l.language)).toEqual([
      'en',
      'es',
      'zh',
      'vi',
      'ko',
      'tl',
      'ar',
      'ht',
      'pt',
      'fr',
    ]);
    expect(data.languages.find((l) => l.language === 'ar')?.reviewed).toBe(false);
    const page = await call(null, 'GET', '/rights/megaphone?lang=ko');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/<html lang="ko" dir="ltr"/);
    expect(page.body).toContain('data-testid="megaphone-page"');
    expect(page.body).toContain('확성기 모드');
    // The words to read out loud, in Korean, with no script needed.
    const korean = data.languages.find((l) => l.language === 'ko');
    expect(page.body).toContain(
      korean?.points[0]
        ?.replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#x27;'),
    );
    // Its attention tone: a WAV the server makes, the same for everyone, kept long.
    const tone = await call(null, 'GET', '/rights/tone.wav');
    expect(tone.statusCode).toBe(200);
    expect(tone.headers['content-type']).toBe('audio/wav');
    expect(tone.headers['x-content-type-options']).toBe('nosniff');
    expect(tone.headers['cache-control']).toMatch(/^public, max-age=\d{6,}/);
    expect(sniffAudio(tone.rawPayload)).toBe('audio/wav');
    expect(tone.rawPayload.length).toBeGreaterThan(20_000);
    const ar = await call(null, 'GET', '/rights/megaphone?lang=ar');
    expect(ar.body).toMatch(/<html lang="ar" dir="rtl"/);
  });
});
