import { z } from 'zod';
import { defineJob } from '../../jobs/queue.js';
import { MAX_PHOTOS_PER_REPORT, type PhotoService } from '../reports/photos.js';

const MEDIA_LIMIT = 12 * 1024 * 1024;

/**
 * Fetches the pictures of an MMS from the provider (with the account's
 * credentials, which the provider asks for on media URLs) and keeps them as
 * the report's photos, re-encoded without metadata like any other. Only URLs
 * on the provider's own host are fetched; a failing fetch is retried, the
 * report itself was stored long before.
 */
export function smsMediaJob(deps: {
  photos: PhotoService;
  provider: { accountSid: string; authToken: string; mediaHosts: readonly string[] };
}) {
  const authorization = `Basic ${Buffer.from(`${deps.provider.accountSid}:${deps.provider.authToken}`).toString('base64')}`;
  return defineJob({
    name: 'sms.media',
    payload: z.object({ coalitionId: z.uuid(), reportId: z.uuid(), urls: z.array(z.url()).max(10) }),
    retryLimit: 5,
    retryDelaySeconds: 30,
    async handler({ coalitionId, reportId, urls }) {
      // Everything is fetched before anything is kept, so a retry never keeps a picture twice.
      const bodies: Uint8Array[] = [];
      for (const url of urls.slice(0, MAX_PHOTOS_PER_REPORT)) {
        if (!deps.provider.mediaHosts.includes(new URL(url).host)) continue; // never fetch from anywhere else
        const response = await fetch(url, {
          headers: { authorization },
          signal: AbortSignal.timeout(30_000),
        });
        if (!response.ok) throw new Error(`SMS media answered ${response.status}`);
        const body = new Uint8Array(await response.arrayBuffer());
        if (body.length <= MEDIA_LIMIT) bodies.push(body);
      }
      for (const body of bodies) {
        try {
          await deps.photos.accept(coalitionId, body, reportId);
        } catch {
          // Not a picture (a video, a contact card): nothing to keep.
        }
      }
    },
  });
}
