import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type AlertContent,
  type AlertLanguage,
  type AlertTemplate,
  type AlertView,
  CAP_STATUSES,
  type CapFields,
  CERTAINTIES,
  COMPOSABLE_KINDS,
  languagesOf,
  SEVERITIES,
  URGENCIES,
} from '../../../shared/alert.js';
import { directionOf, LANGUAGE_FACTS } from '../../../shared/languages.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { api } from '../../api.js';
import { CheckboxGroup, RadioGroup } from '../../components/Choices.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { useZones } from '../../useZones.js';

type Kind = (typeof COMPOSABLE_KINDS)[number];
const EMPTY_TEXT = { headline: '', body: '', instruction: '' };
const EMPTY: AlertContent = { en: { ...EMPTY_TEXT }, es: { ...EMPTY_TEXT } };

export interface EditorStart {
  alert?: AlertView;
  incidentId?: string;
  referencesId?: string;
  kind?: Kind;
}

/**
 * The composer: a template fills headline, message and know-your-rights lines
 * in English and Spanish; who it is for (test, exercise or actual) must be
 * chosen every time — a test screen never looks like the live one.
 */
export function AlertEditor({ start, onSaved }: { start: EditorStart; onSaved: (alert: AlertView) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const zones = useZones();
  const existing = start.alert;
  const [kind, setKind] = useState<Kind>((existing?.kind as Kind | undefined) ?? start.kind ?? 'activity');
  const [capStatus, setCapStatus] = useState<string>(existing?.capStatus ?? '');
  const [zoneIds, setZoneIds] = useState<string[]>(existing?.zones.map((z) => z.id) ?? []);
  const [content, setContent] = useState<AlertContent>(existing?.content ?? EMPTY);
  const [cap, setCap] = useState<CapFields>(
    existing?.cap ?? {
      urgency: 'Immediate',
      severity: 'Severe',
      certainty: 'Observed',
      expiresInMinutes: 180,
    },
  );
  /** What is missing, in plain words, found before anything is sent (who it is for is never assumed). */
  const [missing, setMissing] = useState<string[]>([]);
  // The list is at the end of a long form: focus goes to it, so a keyboard or screen reader lands on it.
  const problems = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (missing.length > 0) problems.current?.focus();
  }, [missing]);
  const referencesId = existing?.referencesId ?? start.referencesId;

  const fill = useMutation({
    onMutate: () => setMissing([]),
    mutationFn: () =>
      api<AlertTemplate>('/api/manage/alerts/template', {
        method: 'POST',
        body: { kind, zoneIds, incidentId: start.incidentId, referencesId },
      }),
    onSuccess: (filled) => {
      setContent(filled.content);
      setCap(filled.cap);
      setZoneIds(filled.zoneIds);
    },
  });

  // A new alert from an incident or a follow-up starts filled in.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only once, when the editor opens.
  useEffect(() => {
    if (!existing && (start.incidentId || start.referencesId)) fill.mutate();
  }, []);

  const store = useMutation({
    mutationFn: (body: object) =>
      existing
        ? api<AlertView>(`/api/manage/alerts/${existing.id}`, { method: 'PUT', body })
        : api<AlertView>('/api/manage/alerts', { method: 'POST', body }),
    onSuccess: onSaved,
  });
  const save = (event: FormEvent) => {
    event.preventDefault();
    const problems = [
      ...(capStatus ? [] : [t('alerting.missing.status')]),
      ...(zoneIds.length > 0 ? [] : [t('alerting.missing.zones')]),
      ...languagesOf(content).flatMap((language) =>
        (['headline', 'body'] as const)
          .filter((field) => !content[language]?.[field].trim())
          .map((field) =>
            t(`alerting.missing.${field}`, { inLanguage: t(`alerting.inLanguage.${language}`) }),
          ),
      ),
    ];
    setMissing(problems);
    if (problems.length > 0) return store.reset();
    store.mutate({
      kind,
      capStatus,
      zoneIds,
      content,
      cap,
      incidentId: start.incidentId ?? existing?.incidentId ?? undefined,
      referencesId,
    });
  };
  /** What the latest attempt (filling in or saving) refused. */
  const failed = store.submittedAt > fill.submittedAt ? store : fill;

  const setText = (language: AlertLanguage, field: keyof typeof EMPTY_TEXT, value: string) =>
    setContent((c) => ({ ...c, [language]: { ...EMPTY_TEXT, ...c[language], [field]: value } }));
  /** The languages beyond English and Spanish the template filled (their translations reviewed). */
  const others = languagesOf(content).filter(
    (language) => !(LANGUAGES as readonly string[]).includes(language),
  );
  const removeLanguage = (language: AlertLanguage) =>
    setContent(
      (c) => Object.fromEntries(Object.entries(c).filter(([key]) => key !== language)) as AlertContent,
    );
  /** One language's three texts (its own direction: Arabic is written right to left). */
  const textFields = (language: AlertLanguage) =>
    (['headline', 'body', 'instruction'] as const).map((field) => (
      <div key={field}>
        <label htmlFor={`${id}-${language}-${field}`}>
          {t(`alerting.${field}`)} ({language.toUpperCase()})
        </label>
        <textarea
          id={`${id}-${language}-${field}`}
          rows={field === 'headline' ? 2 : 4}
          dir={directionOf(language)}
          value={content[language]?.[field] ?? ''}
          onChange={(e) => setText(language, field, e.target.value)}
        />
      </div>
    ));

  return (
    <form
      onSubmit={save}
      className={`alert-editor status-${capStatus || 'none'}`}
      aria-labelledby={`${id}-title`}
    >
      <h2 id={`${id}-title`}>{existing ? t('alerting.save') : t('alerting.new')}</h2>
      <RadioGroup
        legend={t('alerting.status')}
        name="capStatus"
        value={capStatus}
        onChange={setCapStatus}
        options={CAP_STATUSES.map((s) => ({ value: s, label: t(`alerting.statuses.${s}`) }))}
      />
      {capStatus && capStatus !== 'Actual' && (
        <p className="test-banner" role="status">
          {t(`alerting.statusBadge.${capStatus}`)} — {t('alerting.notPublic')}
        </p>
      )}
      {!referencesId && (
        <RadioGroup
          legend={t('alerting.kind')}
          name="kind"
          value={kind}
          onChange={(value) => setKind(value as Kind)}
          options={COMPOSABLE_KINDS.filter((k) => k !== 'update' && k !== 'all_clear').map((k) => ({
            value: k,
            label: t(`alerting.kindsOfAlert.${k}`),
          }))}
        />
      )}
      <CheckboxGroup
        legend={t('alerting.zones')}
        name="zones"
        options={(zones.data?.zones ?? []).map((z) => ({ value: z.id, label: z.name }))}
        values={zoneIds}
        onChange={setZoneIds}
      />
      <button type="button" className="button" onClick={() => fill.mutate()}>
        {t('alerting.fill')}
      </button>
      <div className="columns">
        {LANGUAGES.map((language) => (
          <fieldset key={language} lang={language}>
            <legend>{t(`alerting.language.${language}`)}</legend>
            {textFields(language)}
          </fieldset>
        ))}
      </div>
      {others.length > 0 && (
        <details className="more-languages" data-testid="alert-more-languages">
          <summary>{t('alerting.moreLanguages', { count: others.length })}</summary>
          <p className="hint">{t('alerting.moreLanguagesHint')}</p>
          {others.map((language) => (
            <fieldset key={language} lang={LANGUAGE_FACTS[language].tag} dir={directionOf(language)}>
              <legend>
                {LANGUAGE_FACTS[language].native} — {t(`alerting.language.${language}`)}
              </legend>
              {textFields(language)}
              <button type="button" className="link" onClick={() => removeLanguage(language)}>
                {t('alerting.removeLanguage', { language: t(`alerting.language.${language}`) })}
              </button>
            </fieldset>
          ))}
        </details>
      )}
      <fieldset>
        <legend>{t('alerting.cap')}</legend>
        <div className="columns">
          {(
            [
              ['urgency', URGENCIES],
              ['severity', SEVERITIES],
              ['certainty', CERTAINTIES],
            ] as const
          ).map(([field, values]) => (
            <div key={field}>
              <label htmlFor={`${id}-${field}`}>{t(`alerting.${field}`)}</label>
              <select
                id={`${id}-${field}`}
                value={cap[field]}
                onChange={(e) => setCap((c) => ({ ...c, [field]: e.target.value }))}
              >
                {values.map((v) => (
                  <option key={v}>{v}</option>
                ))}
              </select>
            </div>
          ))}
          <div>
            <label htmlFor={`${id}-expires`}>{t('alerting.expires')}</label>
            <input
              id={`${id}-expires`}
              type="number"
              min={5}
              max={10080}
              value={cap.expiresInMinutes}
              onChange={(e) => setCap((c) => ({ ...c, expiresInMinutes: Number(e.target.value) }))}
            />
          </div>
        </div>
      </fieldset>
      {missing.length > 0 ? (
        <div
          className="error-summary"
          role="alert"
          data-testid="editor-problems"
          ref={problems}
          tabIndex={-1}
        >
          <p>{t('alerting.fixThese')}</p>
          <ul>
            {missing.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
        </div>
      ) : (
        <ErrorSummary
          error={failed.error}
          overrides={
            failed === store
              ? {
                  VALIDATION: t('alerting.errors.VALIDATION'),
                  INVALID_TRANSITION: t('alerting.errors.INVALID_TRANSITION'),
                }
              : undefined
          }
        />
      )}
      <button type="submit" className="button primary" disabled={store.isPending}>
        {t('alerting.save')}
      </button>
    </form>
  );
}
