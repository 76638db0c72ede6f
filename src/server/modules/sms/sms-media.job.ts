import { z } from 'zod';
import { defineJob } from '../../jobs/queue.js';
import { isRefused, type Outbound } from '../../outbound/outbound.js';
import { MAX_PHOTOS_PER_REPORT, type PhotoService } from '../reports/photos.js';

/** A phone's picture is a few megabytes; the connection is cut as soon as more arrives. */
export const MEDIA_LIMIT = 12 * 1024 * 1024;

/**
 * Fetches the pictures of an MMS from the provider (with the account's
 * credentials, which the provider asks for on media URLs) and keeps them as
 * the report's photos, re-encoded without metadata like any other. Through
 * the outbound module: https only, only the provider's media hosts (a
 * redirect too, and the credentials never travel to another host), public
 * addresses only, at most MEDIA_LIMIT bytes read. A refused picture is
 * skipped for good (`onRefused` hears only why); a failing fetch is retried,
 * the report itself was stored long before.
 */
export function smsMediaJob(deps: {
  photos: PhotoService;
  provider: { accountSid: string; authToken: string; mediaHosts: readonly string[] };
  outbound: Outbound;
  onRefused?: (reason: string) => void;
}) {
  const authorization = `Basic ${Buffer.from(`${deps.provider.accountSid}:${deps.provider.authToken}`).toString('base64')}`;
  return defineJob({
    name: 'sms.media',
    payload: z.object({ coalitionId: z.uuid(), reportId: z.uuid(), urls: z.array(z.url()).max(10) }),
    retryLimit: 5,
    retryDelaySeconds: 30,
    async handler({ coalitionId, reportId, urls }) {
      // Everything is fetched before anything is kept, so a retry never keeps a picture twice.
      const bodies: Buffer[] = [];
      for (const url of urls.slice(0, MAX_PHOTOS_PER_REPORT)) {
        try {
          const response = await deps.outbound.request(url, {
            headers: { authorization },
            hosts: deps.provider.mediaHosts,
            timeoutMs: 30_000,
            maxBytes: MEDIA_LIMIT,
            redirects: 3,
          });
          if (response.status < 200 || response.status >= 300)
            throw new Error(`SMS media answered ${response.status}`);
          bodies.push(response.body);
        } catch (error) {
          if (!isRefused(error)) throw error;
          deps.onRefused?.(error.reason);
        }
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
