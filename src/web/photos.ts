/** Image types the server re-encodes; anything else is sent as what the browser says and refused there. */
const KNOWN = [
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/heic',
  'image/heif',
];

export class PhotoUploadError extends Error {
  constructor(readonly kind: 'unreadable' | 'tooLarge' | 'network' | 'server') {
    super(kind);
  }
}

/**
 * Sends one photo ahead of the report; the server strips everything but the
 * pixels and answers with an id to attach. Each photo on its own, so a slow
 * connection loses nothing already sent.
 */
export async function uploadPhoto(file: File): Promise<string> {
  let response: Response;
  try {
    response = await fetch('/api/reports/photos', {
      method: 'POST',
      headers: { 'content-type': KNOWN.includes(file.type) ? file.type : 'image/jpeg' },
      body: file,
    });
  } catch {
    throw new PhotoUploadError('network');
  }
  if (response.status === 201) return ((await response.json()) as { id: string }).id;
  throw new PhotoUploadError(
    response.status === 413 ? 'tooLarge' : response.status === 400 ? 'unreadable' : 'server',
  );
}
