import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PublishingSettings } from '../../../shared/alert.js';
import { ApiError, api } from '../../api.js';
import { errorText } from '../../errors.js';

const LISTS = ['allowedNumbers', 'blockedNames', 'allowedHosts'] as const;
type List = (typeof LISTS)[number];
const CONTACTS = ['hotline', 'sms'] as const;
type Contact = (typeof CONTACTS)[number];

const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/**
 * The publishing guard's settings, one entry per line: the coalition's own
 * numbers alerts may give (hotline, SMS), names never to publish, and the
 * hosts links may point to.
 */
export function PublishingSection() {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const settings = useQuery({
    queryKey: ['admin', 'publishing'],
    queryFn: () => api<PublishingSettings>('/api/admin/publishing'),
  });
  const [texts, setTexts] = useState<Record<List, string>>({
    allowedNumbers: '',
    blockedNames: '',
    allowedHosts: '',
  });
  /** The numbers the public pages show: "call us", "text us". */
  const [contacts, setContacts] = useState<Record<Contact, string>>({ hotline: '', sms: '' });

  useEffect(() => {
    if (!settings.data) return;
    const data = settings.data;
    setTexts({
      allowedNumbers: (data.allowedNumbers ?? []).join('\n'),
      blockedNames: data.blockedNames.join('\n'),
      allowedHosts: data.allowedHosts.join('\n'),
    });
    setContacts({ hotline: data.contacts?.hotline ?? '', sms: data.contacts?.sms ?? '' });
  }, [settings.data]);

  const problem = (error: unknown) => {
    if (!(error instanceof ApiError) || error.code !== 'VALIDATION') return errorText(t, error);
    // "allowedNumbers.1": the list and the line, counted from one as the admin sees them.
    return error.fields
      .map(({ field }) => {
        const [list, index] = field.split('.');
        if (list === 'contacts')
          return t('admin.publishing.invalid.contact', { field: t(`admin.publishing.${index}`) });
        if (!LISTS.includes(list as List)) return t('admin.publishing.failed');
        return t(`admin.publishing.invalid.${list}`, { line: Number(index ?? 0) + 1 });
      })
      .join(' ');
  };

  const store = useMutation({
    mutationFn: (body: PublishingSettings) =>
      api<PublishingSettings>('/api/admin/publishing', { method: 'PUT', body }),
    onSuccess: (saved) => queryClient.setQueryData(['admin', 'publishing'], saved),
  });
  const save = (event: FormEvent) => {
    event.preventDefault();
    store.mutate({
      allowedNumbers: lines(texts.allowedNumbers),
      blockedNames: lines(texts.blockedNames),
      allowedHosts: lines(texts.allowedHosts),
      contacts: {
        ...(contacts.hotline.trim() ? { hotline: contacts.hotline.trim() } : {}),
        ...(contacts.sms.trim() ? { sms: contacts.sms.trim() } : {}),
      },
    });
  };

  if (!settings.data) return null;
  return (
    <form onSubmit={save}>
      <p className="hint">{t('admin.publishing.intro')}</p>
      {CONTACTS.map((contact) => (
        <div key={contact}>
          <label htmlFor={`${id}-${contact}`}>{t(`admin.publishing.${contact}`)}</label>
          <p className="hint" id={`${id}-${contact}-hint`}>
            {t('admin.publishing.contactHint')}
          </p>
          <input
            id={`${id}-${contact}`}
            type="tel"
            aria-describedby={`${id}-${contact}-hint`}
            value={contacts[contact]}
            onChange={(e) => setContacts((all) => ({ ...all, [contact]: e.target.value }))}
          />
        </div>
      ))}
      {LISTS.map((list) => (
        <div key={list}>
          <label htmlFor={`${id}-${list}`}>{t(`admin.publishing.${list}`)}</label>
          <p className="hint" id={`${id}-${list}-hint`}>
            {t(`admin.publishing.${list}Hint`)}
          </p>
          <textarea
            id={`${id}-${list}`}
            aria-describedby={`${id}-${list}-hint`}
            rows={list === 'blockedNames' ? 6 : 3}
            value={texts[list]}
            onChange={(e) => setTexts((all) => ({ ...all, [list]: e.target.value }))}
          />
        </div>
      ))}
      <button type="submit" className="button">
        {t('admin.publishing.save')}
      </button>
      {store.isSuccess && <p role="status">{t('admin.publishing.saved')}</p>}
      {store.isError && (
        <p role="alert" className="error-summary">
          {problem(store.error)}
        </p>
      )}
    </form>
  );
}
