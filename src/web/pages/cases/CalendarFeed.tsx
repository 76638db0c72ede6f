import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CalendarFeed, CalendarFeedCreated } from '../../../shared/case-calendar.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { useLanguage } from '../../language.js';
import { useTimeFormat } from '../../time.js';

/**
 * The signed-in person's calendar of hearings and task due dates: a secret address to add to their
 * calendar app, shown once when made (only its digest is kept), made anew or revoked here. The help
 * text says what the events carry: no name and no A-number, as a calendar server keeps them.
 */
export function CalendarFeedPanel() {
  const { t } = useTranslation();
  const id = useId();
  const language = useLanguage();
  const format = useTimeFormat();
  const queries = useQueryClient();
  const key = ['cases', 'calendar'];
  const [url, setUrl] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const feed = useQuery({ queryKey: key, queryFn: () => api<CalendarFeed>('/api/cases/calendar') });
  const create = useMutation({
    mutationFn: () => api<CalendarFeedCreated>('/api/cases/calendar', { method: 'POST', body: { language } }),
    onSuccess: async (made) => {
      setUrl(made.url);
      setCopied(false);
      await queries.invalidateQueries({ queryKey: key });
    },
  });
  const revoke = useMutation({
    mutationFn: () => api<void>('/api/cases/calendar', { method: 'DELETE' }),
    onSuccess: async () => {
      setUrl(null);
      await queries.invalidateQueries({ queryKey: key });
    },
  });
  const canCopy = typeof navigator !== 'undefined' && !!navigator.clipboard;
  const copy = (text: string) =>
    navigator.clipboard.writeText(text).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  const active = feed.data?.active === true;
  return (
    <section className="case-calendar" aria-labelledby={`${id}-title`} data-testid="case-calendar">
      <h2 id={`${id}-title`}>{t('caseSchedule.calendar.title')}</h2>
      <p className="hint">{t('caseSchedule.calendar.help')}</p>
      {feed.data && (
        <p>
          {active
            ? t('caseSchedule.calendar.active', { since: format(feed.data.createdAt ?? '', 'dateTime') })
            : t('caseSchedule.calendar.none')}
          {active && feed.data.lastReadAt
            ? ` ${t('caseSchedule.calendar.lastRead', { when: format(feed.data.lastReadAt, 'dateTime') })}`
            : ''}
        </p>
      )}
      {url && (
        <div className="case-calendar-url">
          <label htmlFor={`${id}-url`} className="case-calendar-line">
            {t('caseSchedule.calendar.address')}
          </label>
          <span className="hint case-calendar-line" id={`${id}-once`}>
            {t('caseSchedule.calendar.once')}
          </span>
          <input
            id={`${id}-url`}
            className="case-calendar-input"
            readOnly
            value={url}
            aria-describedby={`${id}-once`}
            onFocus={(event) => event.target.select()}
            data-testid="calendar-url"
          />
          {canCopy && (
            <button type="button" className="button" onClick={() => void copy(url)}>
              {t('caseSchedule.calendar.copy')}
            </button>
          )}
          <span role="status">{copied ? t('caseSchedule.calendar.copied') : ''}</span>
        </div>
      )}
      <p className="actions">
        <button
          type="button"
          className="button"
          disabled={create.isPending}
          onClick={() => {
            if (!active || window.confirm(t('caseSchedule.calendar.replaceConfirm'))) create.mutate();
          }}
        >
          {active ? t('caseSchedule.calendar.replace') : t('caseSchedule.calendar.create')}
        </button>
        {active && (
          <button
            type="button"
            className="button danger"
            disabled={revoke.isPending}
            onClick={() => revoke.mutate()}
          >
            {t('caseSchedule.calendar.revoke')}
          </button>
        )}
      </p>
      {feed.isError && <ErrorSummary error={feed.error} />}
      {create.isError && <ErrorSummary error={create.error} />}
      {revoke.isError && <ErrorSummary error={revoke.error} />}
    </section>
  );
}
