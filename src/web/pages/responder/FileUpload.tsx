import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Upload } from 'tus-js-client';
import { EVIDENCE_TYPES } from '../../../shared/evidence.js';
import { csrfHeader } from '../../api.js';

/** What a file from the phone is, as evidence: by the type the phone gives it. */
function kindOf(type: string): 'video' | 'audio' | 'photo' | null {
  for (const kind of ['video', 'audio', 'photo'] as const)
    if ((EVIDENCE_TYPES[kind] as readonly string[]).includes(type)) return kind;
  return null;
}

const megabytes = (bytes: number) => Math.round(bytes / 1024 / 1024);

type State =
  | { step: 'idle' }
  | { step: 'sending'; sent: number; total: number }
  | { step: 'waiting'; sent: number; total: number }
  | { step: 'done'; total: number }
  | { step: 'refused'; reason: string };

/**
 * A video, sound or photo already on the phone (the camera roll), sent with
 * the tus protocol: a dropped connection goes on from the last byte the
 * server holds, and so does choosing the same file again after a reload.
 */
export function FileUpload({ incidentId }: { incidentId: string }) {
  const { t } = useTranslation();
  const id = useId();
  const upload = useRef<Upload | null>(null);
  const [state, setState] = useState<State>({ step: 'idle' });

  const send = (file: File) => {
    const kind = kindOf(file.type);
    if (!kind) return setState({ step: 'refused', reason: t('evidence.upload.wrongType') });
    const task = new Upload(file, {
      endpoint: '/api/evidence/uploads',
      // The same file chosen again after a reload continues where it stopped (kept in this browser).
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 2_000, 5_000, 10_000, 20_000, 30_000, 60_000, 60_000, 120_000],
      metadata: { id: crypto.randomUUID(), incidentId, kind, filetype: file.type },
      headers: csrfHeader(),
      // What the server has taken, not what left the phone: that is what is safe.
      onChunkComplete: (_size, accepted, total) => setState({ step: 'sending', sent: accepted, total }),
      onShouldRetry: (_error, _attempt, options) => {
        setState((now) => (now.step === 'sending' ? { ...now, step: 'waiting' } : now));
        return options.retryDelays !== null;
      },
      onSuccess: () => setState({ step: 'done', total: file.size }),
      onError: (error) => {
        const body = (error as { originalResponse?: { getBody(): string } }).originalResponse?.getBody();
        let reason = t('evidence.upload.failed');
        try {
          const code = body ? (JSON.parse(body) as { error?: { code?: string } }).error?.code : undefined;
          if (code) reason = t(`errors.codes.${code}`, { defaultValue: reason });
        } catch {
          // Not JSON: the general sentence.
        }
        setState({ step: 'refused', reason });
      },
    });
    upload.current = task;
    void task.findPreviousUploads().then((previous) => {
      if (previous[0]) task.resumeFromPreviousUpload(previous[0]);
      task.start();
      setState({ step: 'sending', sent: 0, total: file.size });
    });
  };

  return (
    <div className="file-upload" data-testid="file-upload">
      <label htmlFor={`${id}-file`}>{t('evidence.upload.label')}</label>
      <input
        id={`${id}-file`}
        type="file"
        accept={[...EVIDENCE_TYPES.video, ...EVIDENCE_TYPES.audio, ...EVIDENCE_TYPES.photo].join(',')}
        disabled={state.step === 'sending' || state.step === 'waiting'}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) send(file);
        }}
      />
      {state.step !== 'idle' && (
        <p
          role="status"
          className={state.step === 'refused' ? 'error-summary' : 'hint'}
          data-testid="upload-state"
        >
          {state.step === 'sending' &&
            t('evidence.upload.sending', { sent: megabytes(state.sent), total: megabytes(state.total) })}
          {state.step === 'waiting' &&
            t('evidence.upload.waiting', { sent: megabytes(state.sent), total: megabytes(state.total) })}
          {state.step === 'done' && t('evidence.upload.done', { total: megabytes(state.total) })}
          {state.step === 'refused' && t('evidence.upload.refused', { reason: state.reason })}
        </p>
      )}
    </div>
  );
}
