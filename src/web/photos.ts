import { PHOTO_TYPES } from '../shared/report-fields.js';
import { takeProofOfWork } from './pow.js';

export class PhotoUploadError extends Error {
  constructor(readonly kind: 'unreadable' | 'tooLarge' | 'network' | 'server') {
    super(kind);
  }
}

/**
 * Sends one photo ahead of the report; the server strips everything but the
 * pixels and answers with an id to attach. Each photo on its own, so a slow
 * connection loses nothing already sent. Like the report, each photo carries
 * its own solved proof of work; one that expired meanwhile is redone once.
 */
export async function uploadPhoto(file: File): Promise<string> {
  const send = async () => {
    try {
      return await fetch('/api/reports/photos', {
        method: 'POST',
        headers: {
          'content-type': (PHOTO_TYPES as readonly string[]).includes(file.type) ? file.type : 'image/jpeg',
          ...(await takeProofOfWork()),
        },
        body: file,
      });
    } catch {
      throw new PhotoUploadError('network');
    }
  };
  let response = await send();
  if (response.status === 403) response = await send();
  if (response.status === 201) return ((await response.json()) as { id: string }).id;
  throw new PhotoUploadError(
    response.status === 413 ? 'tooLarge' : response.status === 400 ? 'unreadable' : 'server',
  );
}
