import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  directionOf,
  LANGUAGE_FACTS,
  PUBLIC_LANGUAGES,
  type PublicLanguage,
} from '../../../shared/languages.js';
import type { RightsClips, RightsOverview, RightsText, RightsTextDetail } from '../../../shared/rights.js';
import type { TranslationOverview, TranslationPart } from '../../../shared/translations.js';
import { ApiError, api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { useSession } from '../../session.js';
import { useTimeFormat } from '../../time.js';

/** One entry per line: how an editor writes a list (points, paragraphs, sources). */
const lines = (text: string) =>
  text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

interface Draft {
  title: string;
  points: string;
  more: string;
  sources: string;
}

const draftOf = (content: RightsText | undefined): Draft => ({
  title: content?.title ?? '',
  points: (content?.points ?? []).join('\n'),
  more: (content?.more ?? []).join('\n'),
  sources: (content?.sources ?? []).join('\n'),
});

/** The publishing guard's findings of a refused save, each with its line. */
function Findings({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!(error instanceof ApiError) || error.code !== 'BLOCKED_BY_GUARD') return null;
  const findings = (error.details.findings ?? []) as { kind: string; text: string; field: string }[];
  return (
    <ul className="findings" data-testid="rights-findings">
      {findings.map((finding) => {
        const [field = 'title', index] = finding.field.split('.');
        return (
          <li key={`${finding.field}:${finding.text}`}>
            {t('admin.rights.finding', {
              kind: t(`alerting.kinds.${finding.kind}`),
              text: finding.text,
              where: t(`admin.rights.fields.${field}`),
              line: Number(index ?? 0) + 1,
            })}
          </li>
        );
      })}
    </ul>
  );
}

/**
 * "Mark reviewed", for one of the reviewer's member organizations (asked which when there are
 * several): the same control for a text and for a recording.
 */
function ReviewControl(props: {
  organizations: RightsOverview['reviewerOrganizations'];
  pending: boolean;
  error: unknown;
  label: string;
  onReview: (organizationId: string) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [organizationId, setOrganizationId] = useState('');
  const { organizations } = props;
  return (
    <div className="rights-review">
      {organizations.length > 1 && (
        <p>
          <label htmlFor={`${id}-org`}>{t('admin.rights.reviewFor')}</label>
          <select id={`${id}-org`} value={organizationId} onChange={(e) => setOrganizationId(e.target.value)}>
            <option value="">{t('admin.rights.chooseOrganization')}</option>
            {organizations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </p>
      )}
      <button
        type="button"
        className="button"
        disabled={props.pending || (organizations.length > 1 && !organizationId)}
        onClick={() => props.onReview(organizationId)}
      >
        {props.label}
      </button>
      <ErrorSummary error={props.error} />
    </div>
  );
}

/** One text in one language: edit it (a new version, a draft), mark the version read reviewed, see every version. */
function TextEditor({
  itemId,
  language,
  organizations,
}: {
  itemId: string;
  language: PublicLanguage;
  organizations: RightsOverview['reviewerOrganizations'];
}) {
  const { t } = useTranslation();
  const id = useId();
  const format = useTimeFormat();
  const queryClient = useQueryClient();
  const permissions = useSession().data?.permissions ?? [];
  const canEdit = permissions.includes('rights:manage');
  const detail = useQuery({
    queryKey: ['admin', 'rights', itemId, language],
    queryFn: () => api<RightsTextDetail>(`/api/admin/rights/${itemId}/${language}`),
  });
  const current = detail.data?.current ?? null;
  const [draft, setDraft] = useState<Draft>(draftOf(undefined));
  useEffect(() => setDraft(draftOf(current?.content)), [current?.content]);

  const settle = (next: RightsTextDetail) => {
    queryClient.setQueryData(['admin', 'rights', itemId, language], next);
    void queryClient.invalidateQueries({ queryKey: ['admin', 'rights', 'overview'] });
  };
  const save = useMutation({
    mutationFn: () =>
      api<RightsTextDetail>(`/api/admin/rights/${itemId}/${language}`, {
        method: 'PUT',
        body: {
          content: {
            title: draft.title.trim(),
            points: lines(draft.points),
            more: lines(draft.more),
            sources: lines(draft.sources),
          },
          baseVersion: current?.version ?? 0,
        },
      }),
    onSuccess: settle,
  });
  const review = useMutation({
    mutationFn: (organizationId: string) =>
      api<RightsTextDetail>(`/api/admin/rights/${itemId}/${language}/review`, {
        method: 'POST',
        body: { version: current?.version ?? 0, ...(organizationId ? { organizationId } : {}) },
      }),
    onSuccess: settle,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  const dir = directionOf(language);
  const field = (name: keyof Draft, rows: number) => (
    <p>
      <label htmlFor={`${id}-${name}`}>{t(`admin.rights.fields.${name}`)}</label>
      {name !== 'title' && (
        <span className="hint" id={`${id}-${name}-hint`}>
          {t('admin.rights.onePerLine')}
        </span>
      )}
      {name === 'title' ? (
        <input
          id={`${id}-${name}`}
          lang={LANGUAGE_FACTS[language].tag}
          dir={dir}
          value={draft.title}
          readOnly={!canEdit}
          onChange={(event) => setDraft({ ...draft, title: event.target.value })}
        />
      ) : (
        <textarea
          id={`${id}-${name}`}
          lang={LANGUAGE_FACTS[language].tag}
          dir={dir}
          rows={rows}
          value={draft[name]}
          readOnly={!canEdit}
          aria-describedby={`${id}-${name}-hint`}
          onChange={(event) => setDraft({ ...draft, [name]: event.target.value })}
        />
      )}
    </p>
  );

  if (detail.isPending) return <p>{t('admin.rights.loading')}</p>;
  if (detail.isError) return <ErrorSummary error={detail.error} />;
  return (
    <div className="rights-editor" data-testid="rights-editor">
      <p data-testid="rights-status">
        {current
          ? current.status === 'reviewed'
            ? current.reviewedBy
              ? t('admin.rights.reviewedBy', {
                  organization: current.reviewedBy,
                  when: current.reviewedAt ? format(current.reviewedAt, 'dateTime') : '',
                })
              : t('admin.rights.shippedReviewed')
            : t('admin.rights.draft', { version: current.version })
          : t('admin.rights.noText')}
      </p>
      <form onSubmit={submit}>
        {field('title', 1)}
        {field('points', 6)}
        {field('more', 5)}
        {field('sources', 3)}
        {canEdit && (
          <button type="submit" className="button primary" disabled={save.isPending}>
            {t('admin.rights.save')}
          </button>
        )}
        <ErrorSummary error={save.error} />
        <Findings error={save.error} />
        {save.isSuccess && <p role="status">{t('admin.rights.saved')}</p>}
      </form>
      {current && current.status === 'draft' && permissions.includes('rights:review') && (
        <ReviewControl
          organizations={organizations}
          pending={review.isPending}
          error={review.error}
          label={t('admin.rights.markReviewed', { version: current.version })}
          onReview={(organizationId) => review.mutate(organizationId)}
        />
      )}
      <h4>{t('admin.rights.versions')}</h4>
      <ol className="rights-versions" data-testid="rights-versions">
        {(detail.data?.versions ?? []).map((version) => (
          <li key={version.version}>
            <details>
              <summary>
                {t(`admin.rights.changes.${version.change}`, {
                  version: version.version,
                  by: version.by ?? t('admin.rights.faro'),
                  organization: version.organization ?? '',
                  when: format(version.at, 'dateTime'),
                })}
              </summary>
              <div lang={LANGUAGE_FACTS[language].tag} dir={dir}>
                <p>
                  <strong>{version.content.title}</strong>
                </p>
                <ul>
                  {[...version.content.points, ...version.content.more].map((line) => (
                    <li key={line}>{line}</li>
                  ))}
                </ul>
              </div>
            </details>
          </li>
        ))}
      </ol>
    </div>
  );
}

/**
 * The recordings of one text read aloud (megaphone mode, "read to me"): upload one (a new version,
 * a draft), listen to each, mark one reviewed — only reviewed recordings are played publicly.
 */
function ClipPanel({
  itemId,
  language,
  organizations,
}: {
  itemId: string;
  language: PublicLanguage;
  organizations: RightsOverview['reviewerOrganizations'];
}) {
  const { t } = useTranslation();
  const id = useId();
  const format = useTimeFormat();
  const queryClient = useQueryClient();
  const permissions = useSession().data?.permissions ?? [];
  const key = ['admin', 'rights', itemId, language, 'clips'];
  const clips = useQuery({
    queryKey: key,
    queryFn: () => api<RightsClips>(`/api/admin/rights/${itemId}/${language}/clips`),
  });
  const [file, setFile] = useState<File | null>(null);
  const settle = (next: RightsClips) => queryClient.setQueryData(key, next);
  const upload = useMutation({
    mutationFn: (blob: Blob) =>
      api<RightsClips>(`/api/admin/rights/${itemId}/${language}/clip`, { method: 'POST', blob }),
    onSuccess: settle,
  });
  const review = useMutation({
    mutationFn: ({ version, organizationId }: { version: number; organizationId: string }) =>
      api<RightsClips>(`/api/admin/rights/${itemId}/${language}/clips/${version}/review`, {
        method: 'POST',
        body: organizationId ? { organizationId } : {},
      }),
    onSuccess: settle,
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (file) upload.mutate(file);
  };
  const list = clips.data?.clips ?? [];
  const newest = list[0];
  return (
    <section className="rights-clips" data-testid="rights-clips" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{t('admin.rights.clips.title')}</h4>
      <p className="hint">{t('admin.rights.clips.intro')}</p>
      {clips.isError && <ErrorSummary error={clips.error} />}
      <p data-testid="rights-clip-published">
        {clips.data?.published
          ? t('admin.rights.clips.published', { version: clips.data.published })
          : list.length > 0
            ? t('admin.rights.clips.notPublished')
            : t('admin.rights.clips.none')}
      </p>
      {permissions.includes('rights:manage') && (
        <form onSubmit={submit}>
          <p>
            <label htmlFor={`${id}-file`}>{t('admin.rights.clips.file')}</label>
            <input
              id={`${id}-file`}
              type="file"
              accept="audio/mpeg,audio/ogg,audio/webm,audio/mp4,audio/x-m4a,audio/wav,.mp3,.ogg,.webm,.m4a,.wav"
              onChange={(event) => setFile(event.target.files?.[0] ?? null)}
            />
          </p>
          <button type="submit" className="button" disabled={!file || upload.isPending}>
            {t('admin.rights.clips.upload')}
          </button>
          <ErrorSummary error={upload.error} />
          {upload.isSuccess && <p role="status">{t('admin.rights.clips.uploaded')}</p>}
        </form>
      )}
      <ol className="rights-versions" data-testid="rights-clip-list">
        {list.map((clip) => (
          <li key={clip.version}>
            <p>
              {t('admin.rights.clips.entry', {
                version: clip.version,
                by: clip.uploadedBy ?? t('admin.rights.clips.unknown'),
                when: format(clip.uploadedAt, 'dateTime'),
                size: Math.max(1, Math.round(clip.size / 1024)),
              })}{' '}
              {clip.status === 'reviewed'
                ? t('admin.rights.clips.reviewed', {
                    organization: clip.reviewedBy ?? '',
                    when: clip.reviewedAt ? format(clip.reviewedAt, 'dateTime') : '',
                  })
                : t('admin.rights.clips.draft')}
            </p>
            {/* biome-ignore lint/a11y/useMediaCaption: the recording says the text shown above, word for word. */}
            <audio
              controls
              preload="none"
              src={`/api/admin/rights/${itemId}/${language}/clips/${clip.version}`}
              aria-label={t('admin.rights.clips.listen', { version: clip.version })}
            />
          </li>
        ))}
      </ol>
      {newest && newest.status === 'draft' && permissions.includes('rights:review') && (
        <ReviewControl
          organizations={organizations}
          pending={review.isPending}
          error={review.error}
          label={t('admin.rights.clips.markReviewed', { version: newest.version })}
          onReview={(organizationId) => review.mutate({ version: newest.version, organizationId })}
        />
      )}
    </section>
  );
}

/**
 * The translations of Faro's own words (issue 17): per part (public pages, alert templates) and
 * language, where each stands; a reviewer marks one reviewed for their organization, or back to
 * draft. Alerts carry a language, and subscribers may choose it, once its alert templates are reviewed.
 */
function TranslationsTable() {
  const { t } = useTranslation();
  const id = useId();
  const format = useTimeFormat();
  const queryClient = useQueryClient();
  const permissions = useSession().data?.permissions ?? [];
  const canReview = permissions.includes('rights:review');
  const key = ['admin', 'translations'];
  const overview = useQuery({
    queryKey: key,
    queryFn: () => api<TranslationOverview>('/api/admin/translations'),
  });
  const mark = useMutation({
    mutationFn: (change: {
      part: TranslationPart;
      language: PublicLanguage;
      status: 'reviewed' | 'draft';
      organizationId?: string;
    }) =>
      api<TranslationOverview>(`/api/admin/translations/${change.part}/${change.language}`, {
        method: 'POST',
        body: {
          status: change.status,
          ...(change.organizationId ? { organizationId: change.organizationId } : {}),
        },
      }),
    onSuccess: (next) => queryClient.setQueryData(key, next),
  });
  const organizations = overview.data?.reviewerOrganizations ?? [];
  return (
    <section aria-labelledby={`${id}-title`} className="translations-admin" data-testid="translations-admin">
      <h3 id={`${id}-title`}>{t('admin.rights.translations.title')}</h3>
      <p>{t('admin.rights.translations.intro')}</p>
      {overview.isError && <ErrorSummary error={overview.error} />}
      <ErrorSummary error={mark.error} />
      <div className="table-scroll">
        <table className="counts">
          <caption className="visually-hidden">{t('admin.rights.translations.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('admin.rights.translations.language')}</th>
              <th scope="col">{t('admin.rights.translations.part')}</th>
              <th scope="col">{t('admin.rights.translations.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.rights.translations.markReviewed')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {(overview.data?.reviews ?? []).map((review) => (
              <tr
                key={`${review.part}:${review.language}`}
                data-translation={`${review.part}:${review.language}`}
              >
                <th scope="row" lang={LANGUAGE_FACTS[review.language].tag}>
                  {LANGUAGE_FACTS[review.language].native}
                </th>
                <td>{t(`admin.rights.translations.parts.${review.part}`)}</td>
                <td>
                  <span className={`badge ${review.status}`}>
                    {review.shipped
                      ? t('admin.rights.translations.shipped')
                      : review.status === 'reviewed'
                        ? t('admin.rights.translations.reviewed', {
                            organization: review.reviewedBy ?? '',
                            when: review.at ? format(review.at, 'dateTime') : '',
                          })
                        : t('admin.rights.translations.draft')}
                  </span>
                </td>
                <td>
                  {canReview && !review.shipped && review.status === 'draft' && (
                    <ReviewControl
                      organizations={organizations}
                      pending={mark.isPending}
                      error={null}
                      label={t('admin.rights.translations.markReviewed')}
                      onReview={(organizationId) =>
                        mark.mutate({
                          part: review.part,
                          language: review.language,
                          status: 'reviewed',
                          organizationId,
                        })
                      }
                    />
                  )}
                  {canReview && !review.shipped && review.status === 'reviewed' && (
                    <button
                      type="button"
                      className="button"
                      disabled={mark.isPending}
                      onClick={() =>
                        mark.mutate({ part: review.part, language: review.language, status: 'draft' })
                      }
                    >
                      {t('admin.rights.translations.backToDraft')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * The rights library (issue 17): every item in the chosen language with its review status; an
 * item opens its editor. Coalition admins edit (each save a new version, a draft again); legal
 * teams and organization admins mark the version they read reviewed for their organization.
 */
export function RightsSection() {
  const { t } = useTranslation();
  const id = useId();
  const [language, setLanguage] = useState<PublicLanguage>('es');
  const [open, setOpen] = useState<string | null>(null);
  const overview = useQuery({
    queryKey: ['admin', 'rights', 'overview'],
    queryFn: () => api<RightsOverview>('/api/admin/rights'),
  });
  return (
    <div className="rights-admin">
      <p>{t('admin.rights.intro')}</p>
      <p>
        <label htmlFor={`${id}-lang`}>{t('admin.rights.language')}</label>
        <select
          id={`${id}-lang`}
          value={language}
          onChange={(event) => setLanguage(event.target.value as PublicLanguage)}
        >
          {PUBLIC_LANGUAGES.map((code) => (
            <option key={code} value={code}>
              {`${LANGUAGE_FACTS[code].native} — ${t(`admin.rights.languages.${code}`)}`}
            </option>
          ))}
        </select>
      </p>
      {overview.isError && <ErrorSummary error={overview.error} />}
      <ul className="rights-admin-list" data-testid="rights-admin-list">
        {(overview.data?.items ?? []).map((item) => {
          const text = item.texts.find((x) => x.language === language);
          return (
            <li key={item.id}>
              <button
                type="button"
                className="link"
                aria-expanded={open === item.id}
                onClick={() => setOpen(open === item.id ? null : item.id)}
              >
                {item.title}
              </button>{' '}
              <span className={`badge ${text?.status ?? 'missing'}`}>
                {text ? t(`admin.rights.status.${text.status}`) : t('admin.rights.status.missing')}
              </span>
              {open === item.id && (
                <>
                  <TextEditor
                    itemId={item.id}
                    language={language}
                    organizations={overview.data?.reviewerOrganizations ?? []}
                  />
                  <ClipPanel
                    itemId={item.id}
                    language={language}
                    organizations={overview.data?.reviewerOrganizations ?? []}
                  />
                </>
              )}
            </li>
          );
        })}
      </ul>
      <TranslationsTable />
    </div>
  );
}
