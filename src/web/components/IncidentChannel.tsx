import { type QueryKey, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api.js';

interface Message {
  id: number;
  author: string;
  text: string;
  at: string;
  mine: boolean;
}

/**
 * The incident channel, for the board and the responder's phone alike. The
 * caller's query key ties it to that page's live events, which refresh it.
 */
export function IncidentChannel({ incidentId, queryKey }: { incidentId: string; queryKey: QueryKey }) {
  const { t } = useTranslation();
  const id = useId();
  const client = useQueryClient();
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const messages = useQuery({
    queryKey,
    queryFn: () => api<{ messages: Message[] }>(`/api/incidents/${incidentId}/messages`),
  });
  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return;
    setProblem(null);
    try {
      const result = await api<{ messages: Message[] }>(`/api/incidents/${incidentId}/messages`, {
        method: 'POST',
        body: { text },
      });
      client.setQueryData(queryKey, result);
      setText('');
    } catch (error) {
      setProblem(error instanceof ApiError ? error.message : t('dispatch.actionFailed'));
    }
  };
  return (
    <section className="channel" aria-labelledby={`${id}-title`} data-testid="incident-channel">
      <h3 id={`${id}-title`}>{t('channel.title')}</h3>
      {messages.data?.messages.length === 0 && <p className="muted">{t('channel.empty')}</p>}
      <ol className="messages" aria-live="polite">
        {messages.data?.messages.map((m) => (
          <li key={m.id} className={m.mine ? 'mine' : ''}>
            <strong>{m.author}</strong>{' '}
            <time dateTime={m.at}>
              {new Date(m.at).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })}
            </time>
            <p>{m.text}</p>
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
      {problem && (
        <p className="error-summary" role="alert">
          {problem}
        </p>
      )}
    </section>
  );
}
