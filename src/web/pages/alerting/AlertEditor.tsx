import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  type AlertContent,
  type AlertTemplate,
  type AlertView,
  CAP_STATUSES,
  type CapFields,
  CERTAINTIES,
  COMPOSABLE_KINDS,
  SEVERITIES,
  URGENCIES,
} from '../../../shared/alert.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { api } from '../../api.js';
import { CheckboxGroup, RadioGroup } from '../../components/Choices.js';
import { errorText } from '../../errors.js';
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
  const [problem, setProblem] = useState<string | null>(null);
  const referencesId = existing?.referencesId ?? start.referencesId;

  const fill = async () => {
    setProblem(null);
    try {
      const filled = await api<AlertTemplate>('/api/manage/alerts/template', {
        method: 'POST',
        body: { kind, zoneIds, incidentId: start.incidentId, referencesId },
      });
      setContent(filled.content);
      setCap(filled.cap);
      setZoneIds(filled.zoneIds);
    } catch (error) {
      setProblem(errorText(t, error));
    }
  };

  // A new alert from an incident or a follow-up starts filled in.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only once, when the editor opens.
  useEffect(() => {
    if (!existing && (start.incidentId || start.referencesId)) void fill();
  }, []);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setProblem(null);
    if (!capStatus) return setProblem(t('alerting.status'));
    const body = {
      kind,
      capStatus,
      zoneIds,
      content,
      cap,
      incidentId: start.incidentId ?? existing?.incidentId ?? undefined,
      referencesId,
    };
    try {
      const saved = existing
        ? await api<AlertView>(`/api/manage/alerts/${existing.id}`, { method: 'PUT', body })
        : await api<AlertView>('/api/manage/alerts', { method: 'POST', body });
      onSaved(saved);
    } catch (error) {
      setProblem(
        errorText(t, error, {
          VALIDATION: t('alerting.errors.VALIDATION'),
          INVALID_TRANSITION: t('alerting.errors.INVALID_TRANSITION'),
        }),
      );
    }
  };

  const setText = (language: 'en' | 'es', field: keyof typeof EMPTY_TEXT, value: string) =>
    setContent((c) => ({ ...c, [language]: { ...c[language], [field]: value } }));

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
      <button type="button" className="button" onClick={() => void fill()}>
        {t('alerting.fill')}
      </button>
      <div className="columns">
        {LANGUAGES.map((language) => (
          <fieldset key={language} lang={language}>
            <legend>{t(`alerting.language.${language}`)}</legend>
            {(['headline', 'body', 'instruction'] as const).map((field) => (
              <div key={field}>
                <label htmlFor={`${id}-${language}-${field}`}>
                  {t(`alerting.${field}`)} ({language.toUpperCase()})
                </label>
                <textarea
                  id={`${id}-${language}-${field}`}
                  rows={field === 'headline' ? 2 : 4}
                  value={content[language][field]}
                  onChange={(e) => setText(language, field, e.target.value)}
                />
              </div>
            ))}
          </fieldset>
        ))}
      </div>
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
      {problem && (
        <p className="error-summary" role="alert">
          {problem}
        </p>
      )}
      <button type="submit" className="button primary">
        {t('alerting.save')}
      </button>
    </form>
  );
}
