import { type QueryKey, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { useTimeFormat } from '../time.js';
import { ErrorSummary } from './ErrorSummary.js';

interface Message {
  id: number;
  author: string;
  text: string;
  voice: boolean;
  at: string;
  mine: boolean;
}

/**
 * The incident channel, for the board and the responder's phone alike. The
 * caller's query key ties it to that page's live events, which refresh it.
 */
export function IncidentChannel({ incidentId, queryKey }: { incidentId: string; queryKey: QueryKey }) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const id = useId();
  const client = useQueryClient();
  const [text, setText] = useState('');
  const messages = useQuery({
    queryKey,
    queryFn: () => api<{ messages: Message[] }>(`/api/incidents/${incidentId}/messages`),
  });
  // A text or a voice note: the answer is the channel as it stands, shown at once.
  const post = useMutation({
    mutationFn: (message: { text: string } | { voice: Blob }) =>
      'text' in message
        ? api<{ messages: Message[] }>(`/api/incidents/${incidentId}/messages`, {
            method: 'POST',
            body: { text: message.text },
          })
        : api<{ messages: Message[] }>(`/api/incidents/${incidentId}/messages/voice`, {
            method: 'POST',
            blob: message.voice,
          }),
    onSuccess: (result, message) => {
      client.setQueryData(queryKey, result);
      if ('text' in message) setText('');
    },
  });
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim()) post.mutate({ text });
  };
  return (
    <section className="channel" aria-labelledby={`${id}-title`} data-testid="incident-channel">
      <h3 id={`${id}-title`}>{t('channel.title')}</h3>
      {messages.data?.messages.length === 0 && <p className="muted">{t('channel.empty')}</p>}
      {/* It scrolls: keyboard users must be able to reach it. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take focus to be scrolled by keyboard. */}
      <ol className="messages" aria-live="polite" aria-label={t('channel.title')} tabIndex={0}>
        {messages.data?.messages.map((m) => (
          <li key={m.id} className={m.mine ? 'mine' : ''}>
            <strong>{m.author}</strong> <time dateTime={m.at}>{format(m.at)}</time>
            {m.voice ? (
              // biome-ignore lint/a11y/useMediaCaption: a voice note between team members has no captions to offer.
              <audio
                controls
                preload="none"
                src={`/api/incidents/${incidentId}/messages/${m.id}/audio`}
                aria-label={t('channel.voice')}
              />
            ) : (
              <p>{m.text}</p>
            )}
          </li>
        ))}
      </ol>
      <form onSubmit={send}>
        <label htmlFor={`${id}-text`}>{t('channel.label')}</label>
        <textarea id={`${id}-text`} rows={2} value={text} onChange={(e) => setText(e.target.value)} />
        <button type="submit" className="button">
          {t('channel.send')}
        </button>
      </form>
      <VoiceRecorder onRecorded={(voice) => post.mutate({ voice })} />
      <ErrorSummary error={post.error} />
    </section>
  );
}

/** Records from the microphone (MediaRecorder) for up to a minute, then hands the recording over. */
function VoiceRecorder({ onRecorded }: { onRecorded: (blob: Blob) => void }) {
  const { t } = useTranslation();
  const recorder = useRef<MediaRecorder | null>(null);
  const [recording, setRecording] = useState(false);
  const [failed, setFailed] = useState(false);
  if (typeof MediaRecorder === 'undefined') return null;
  const start = async () => {
    setFailed(false);
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const chunks: Blob[] = [];
      const media = new MediaRecorder(stream);
      media.ondataavailable = (event) => chunks.push(event.data);
      media.onstop = () => {
        for (const track of stream.getTracks()) track.stop();
        setRecording(false);
        onRecorded(new Blob(chunks, { type: media.mimeType || 'audio/webm' }));
      };
      media.start();
      recorder.current = media;
      setRecording(true);
      setTimeout(() => media.state === 'recording' && media.stop(), 60_000);
    } catch {
      setFailed(true);
    }
  };
  return (
    <p className="actions">
      {recording ? (
        <>
          <span role="status">{t('channel.recording')}</span>
          <button type="button" className="button primary" onClick={() => recorder.current?.stop()}>
            {t('channel.stopSend')}
          </button>
        </>
      ) : (
        <button type="button" className="button" onClick={() => void start()}>
          {t('channel.record')}
        </button>
      )}
      {failed && <span className="error-summary">{t('channel.micFailed')}</span>}
    </p>
  );
}
