import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { errorText } from '../../errors.js';
import {
  onProgress,
  progressOf,
  queueFinish,
  queueSlice,
  queueStart,
  type RecordingProgress,
  sha256Hex,
} from './evidence-queue.js';
import { FileUpload } from './FileUpload.js';

/** How often the phone hands over a slice: what a seized phone can lose at most. */
const SLICE_MS = 2_000;

/** The container the browser records in, among those Faro keeps (WebM, else MP4 on Safari). */
function pickType(media: 'video' | 'audio'): string | null {
  if (typeof MediaRecorder === 'undefined') return null;
  const candidates =
    media === 'video'
      ? ['video/webm;codecs=vp8,opus', 'video/webm', 'video/mp4']
      : ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg', 'audio/mp4'];
  return candidates.find((type) => MediaRecorder.isTypeSupported(type)) ?? null;
}

const minutesSeconds = (ms: number) => {
  const seconds = Math.floor(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};

function useProgress(itemId: string | null): RecordingProgress | null {
  return useSyncExternalStore(
    onProgress,
    () => (itemId ? progressOf(itemId) : null),
    () => null,
  );
}

/**
 * Records video or sound on the scene and sends it while it records: every
 * two seconds a slice goes to the server, so that if the phone is taken or
 * the connection drops, everything up to the last slice is already safe and
 * verifiable. The screen says honestly how much is safe.
 */
export function EvidenceRecorder({ incidentId }: { incidentId: string }) {
  const { t } = useTranslation();
  const policy = useQuery({
    queryKey: ['evidence-policy'],
    queryFn: () => api<{ retentionDays: number }>('/api/evidence/policy'),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const preview = useRef<HTMLVideoElement | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const [itemId, setItemId] = useState<string | null>(null);
  const [media, setMedia] = useState<'video' | 'audio' | null>(null);
  const [startedAt, setStartedAt] = useState(0);
  const [now, setNow] = useState(0);
  const [failed, setFailed] = useState(false);
  const [stopped, setStopped] = useState(false);
  const progress = useProgress(itemId);

  useEffect(() => {
    if (!media || stopped) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [media, stopped]);
  useEffect(() => () => recorder.current?.stop(), []);

  if (typeof MediaRecorder === 'undefined' || !navigator.mediaDevices) return null;

  const start = async (kind: 'video' | 'audio') => {
    setFailed(false);
    const type = pickType(kind);
    if (!type) return setFailed(true);
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(
        kind === 'video' ? { video: { facingMode: 'environment' }, audio: true } : { audio: true },
      );
    } catch {
      return setFailed(true);
    }
    const id = crypto.randomUUID();
    const began = Date.now();
    const rec = new MediaRecorder(stream, { mimeType: type });
    await queueStart({
      itemId: id,
      incidentId,
      media: kind,
      contentType: type.split(';')[0] ?? type,
      deviceStartedAt: new Date(began).toISOString(),
    });
    let seq = 0;
    // Slices are handed over in order; each is kept on the phone before anything else happens to it.
    let chain = Promise.resolve();
    rec.ondataavailable = (event) => {
      if (event.data.size === 0) return;
      const endMs = Date.now() - began;
      seq += 1;
      const mine = seq;
      chain = chain.then(async () => {
        const bytes = await event.data.arrayBuffer();
        await queueSlice({ itemId: id, seq: mine, bytes, sha256: await sha256Hex(bytes), endMs });
      });
    };
    rec.onstop = () => {
      for (const track of stream.getTracks()) track.stop();
      const durationMs = Date.now() - began;
      void chain.then(() => queueFinish({ itemId: id, chunks: seq, durationMs }));
      setStopped(true);
      setNow(Date.now());
    };
    rec.start(SLICE_MS);
    recorder.current = rec;
    if (kind === 'video' && preview.current) {
      preview.current.srcObject = stream;
      void preview.current.play().catch(() => undefined);
    }
    setItemId(id);
    setMedia(kind);
    setStopped(false);
    setStartedAt(began);
    setNow(began);
  };

  const elapsed = Math.max(0, now - startedAt);
  const safe = progress?.safeMs ?? 0;
  const days = policy.data?.retentionDays;

  return (
    <section className="evidence-recorder" aria-labelledby="evidence-title" data-testid="evidence-recorder">
      <h3 id="evidence-title">{t('evidence.title')}</h3>
      <video
        ref={preview}
        muted
        playsInline
        hidden={media !== 'video' || stopped}
        className="evidence-preview"
      />
      {!media || stopped ? (
        <>
          <p className="hint">
            {t('evidence.intro')} {days !== undefined && t('evidence.kept', { count: days })}
          </p>
          <button type="button" className="button primary block" onClick={() => void start('video')}>
            {t('evidence.recordVideo')}
          </button>
          <button type="button" className="button block" onClick={() => void start('audio')}>
            {t('evidence.recordAudio')}
          </button>
        </>
      ) : (
        <button
          type="button"
          className="button danger block"
          data-testid="evidence-stop"
          onClick={() => recorder.current?.stop()}
        >
          {t('evidence.stop', { time: minutesSeconds(elapsed) })}
        </button>
      )}
      {itemId && progress && (
        // Said once every slice, not every second: a screen reader reads what changed.
        <p role="status" data-testid="evidence-safe" className={progress.refused ? 'error-summary' : 'hint'}>
          {progress.refused
            ? t('evidence.refused', { reason: errorText(t, progress.refused) })
            : progress.done
              ? t('evidence.done', { time: minutesSeconds(safe) })
              : progress.waiting > 0
                ? t('evidence.waiting', { time: minutesSeconds(safe), count: progress.waiting })
                : t('evidence.safe', { time: minutesSeconds(safe) })}
        </p>
      )}
      {failed && <p className="error-summary">{t('evidence.failed')}</p>}
      {(!media || stopped) && <FileUpload incidentId={incidentId} />}
    </section>
  );
}
