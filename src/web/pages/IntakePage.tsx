import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toE164 } from '../../shared/phone.js';
import type { HotlineInput } from '../../shared/report.js';
import {
  ACTIVITIES,
  EQUIPMENT,
  LANGUAGES,
  type Language,
  LIMITS,
  UNIFORMS,
} from '../../shared/report-fields.js';
import { ApiError, api } from '../api.js';
import { errorText } from '../errors.js';
import i18n, { currentLanguage } from '../i18n.js';
import { useDeviceLocation } from '../useDeviceLocation.js';
import { useZones } from '../useZones.js';

type Problem = 'activity' | 'zone' | 'minutesAgo' | 'callback' | 'size';

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();

const count = (value: string) => (value.trim() === '' ? undefined : Number(value));

/**
 * The hotline operator's form, built for typing while on a call: keyboard
 * only, the SALUTE questions in the order they are asked, a zone picked by
 * typing part of its name, an optional callback number. Ctrl+Enter sends;
 * after sending, the receipt code to read out and one key to the next call.
 */
export function IntakeForm({ mode }: { mode: 'hotline' | 'field' }) {
  const { t } = useTranslation();
  /** Texts that differ between the two: the rest is shared. */
  const text = (key: string) =>
    t(mode === 'field' && i18n.exists(`field.${key}`) ? `field.${key}` : `hotline.${key}`);
  const id = useId();
  const zones = useZones();
  const first = useRef<HTMLInputElement>(null);
  const next = useRef<HTMLButtonElement>(null);
  const empty = {
    agents: '',
    vehicles: '',
    activity: '',
    zone: '',
    place: '',
    uniforms: [] as string[],
    markings: '',
    minutesAgo: '0',
    equipment: [] as string[],
    firsthand: true,
    language: currentLanguage() as Language,
    description: '',
    callback: '',
  };
  const [form, setForm] = useState(empty);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [receipt, setReceipt] = useState<string | null>(null);
  /** A responder on the scene can send their phone's position instead of naming the zone. */
  const { coords: position, setCoords: setPosition, locating, locate } = useDeviceLocation();

  useEffect(() => {
    if (receipt) next.current?.focus();
    else first.current?.focus();
  }, [receipt]);

  const set = <K extends keyof typeof empty>(key: K, value: (typeof empty)[K]) =>
    setForm((current) => ({ ...current, [key]: value }));
  const toggle = (key: 'uniforms' | 'equipment', value: string, on: boolean) =>
    set(key, on ? [...form[key], value] : form[key].filter((v) => v !== value));

  const zoneMatch = zones.data?.zones.find((zone) => fold(zone.name) === fold(form.zone));

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    setFailure(null);
    const minutes = Number(form.minutesAgo || '0');
    const found: Problem[] = [];
    if (!form.activity) found.push('activity');
    if (!zoneMatch && !position) found.push('zone');
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > 24 * 60) found.push('minutesAgo');
    if (mode === 'hotline' && form.callback.trim() && !toE164(form.callback)) found.push('callback');
    if (found.length > 0) return setProblems(found);
    const body: HotlineInput = {
      language: form.language,
      activity: form.activity as HotlineInput['activity'],
      size: { agents: count(form.agents), vehicles: count(form.vehicles) },
      location: {
        ...(zoneMatch ? { zoneId: zoneMatch.id } : {}),
        ...(position ?? {}),
        ...(form.place.trim() ? { place: form.place } : {}),
      },
      uniforms: form.uniforms as HotlineInput['uniforms'],
      ...(form.markings.trim() ? { markings: form.markings } : {}),
      observedAt: new Date(Date.now() - minutes * 60_000).toISOString(),
      equipment: form.equipment as HotlineInput['equipment'],
      firsthand: form.firsthand,
      ...(form.description.trim() ? { description: form.description } : {}),
      ...(mode === 'hotline' && form.callback.trim() ? { callback: form.callback } : {}),
    };
    setSending(true);
    try {
      const created = await api<{ receipt: string }>(`/api/intake/${mode}`, { method: 'POST', body });
      setProblems([]);
      setReceipt(created.receipt);
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0) {
        setProblems(
          error.fields.map((f) =>
            f.field === 'callback' ? 'callback' : f.field.startsWith('size') ? 'size' : 'minutesAgo',
          ),
        );
      } else {
        setFailure(errorText(t, error, { NETWORK: t('hotline.offline'), INTERNAL: t('hotline.failed') }));
      }
    } finally {
      setSending(false);
    }
  };

  const sendOnCtrlEnter = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    }
  };

  if (receipt) {
    return (
      <section aria-live="polite" className="hotline">
        <h1>{text('done')}</h1>
        <p>{text('readOut')}</p>
        <p className="receipt" data-testid="receipt">
          {receipt}
        </p>
        <button
          ref={next}
          type="button"
          className="button primary"
          onClick={() => {
            setForm(empty);
            setPosition(null);
            setReceipt(null);
          }}
        >
          {text('next')}
        </button>
      </section>
    );
  }

  const problem = (key: Problem) =>
    problems.includes(key) ? (
      <p className="field-error" id={`${id}-${key}-error`}>
        {t(`hotline.errors.${key}`)}
      </p>
    ) : null;
  const described = (key: Problem) => (problems.includes(key) ? `${id}-${key}-error` : undefined);

  return (
    <form className="hotline" onSubmit={submit} onKeyDown={sendOnCtrlEnter} noValidate>
      <h1>{text('title')}</h1>
      <p className="hint">{text('intro')}</p>
      {problems.length > 0 && (
        <div className="error-summary" role="alert">
          {t('hotline.errors.title')}
        </div>
      )}

      <fieldset className="row">
        <legend>S · {t('hotline.size')}</legend>
        <label htmlFor={`${id}-agents`}>{t('report.size.agents')}</label>
        <input
          ref={first}
          id={`${id}-agents`}
          inputMode="numeric"
          value={form.agents}
          onChange={(e) => set('agents', e.target.value)}
        />
        <label htmlFor={`${id}-vehicles`}>{t('report.size.vehicles')}</label>
        <input
          id={`${id}-vehicles`}
          inputMode="numeric"
          value={form.vehicles}
          onChange={(e) => set('vehicles', e.target.value)}
        />
        {problem('size')}
      </fieldset>

      <label htmlFor={`${id}-activity`}>A · {t('hotline.activity')}</label>
      <select
        id={`${id}-activity`}
        value={form.activity}
        onChange={(e) => set('activity', e.target.value)}
        aria-describedby={described('activity')}
        aria-invalid={problems.includes('activity')}
      >
        <option value="">{t('hotline.choose')}</option>
        {ACTIVITIES.map((value) => (
          <option key={value} value={value}>
            {t(`report.activity.${value}`)}
          </option>
        ))}
      </select>
      {problem('activity')}

      <fieldset>
        <legend>L · {t('hotline.location')}</legend>
        <label htmlFor={`${id}-zone`}>{t('hotline.zone')}</label>
        <input
          id={`${id}-zone`}
          list={`${id}-zones`}
          autoComplete="off"
          value={form.zone}
          onChange={(e) => set('zone', e.target.value)}
          aria-describedby={described('zone')}
          aria-invalid={problems.includes('zone')}
        />
        <datalist id={`${id}-zones`}>
          {zones.data?.zones.map((zone) => (
            <option key={zone.id} value={zone.name} />
          ))}
        </datalist>
        {problem('zone')}
        {mode === 'field' &&
          (position ? (
            <p className="note">
              {t('report.location.located')}{' '}
              <button type="button" className="link" onClick={() => setPosition(null)}>
                {t('report.location.clearLocation')}
              </button>
            </p>
          ) : (
            <button type="button" className="button" onClick={locate} disabled={locating === 'busy'}>
              {locating === 'busy' ? t('report.location.locating') : t('report.location.useMyLocation')}
            </button>
          ))}
        {locating === 'denied' && <p className="note warn">{t('report.location.locationDenied')}</p>}
        <label htmlFor={`${id}-place`}>{t('hotline.place')}</label>
        <input
          id={`${id}-place`}
          maxLength={LIMITS.placeChars}
          value={form.place}
          onChange={(e) => set('place', e.target.value)}
        />
      </fieldset>

      <fieldset>
        <legend>U · {t('hotline.uniforms')}</legend>
        <div className="inline-choices">
          {UNIFORMS.map((value) => (
            <label key={value}>
              <input
                type="checkbox"
                checked={form.uniforms.includes(value)}
                onChange={(e) => toggle('uniforms', value, e.target.checked)}
              />{' '}
              {t(`report.uniforms.${value}`)}
            </label>
          ))}
        </div>
        <label htmlFor={`${id}-markings`}>{t('report.uniforms.markings')}</label>
        <input
          id={`${id}-markings`}
          maxLength={LIMITS.markingsChars}
          value={form.markings}
          onChange={(e) => set('markings', e.target.value)}
        />
      </fieldset>

      <label htmlFor={`${id}-minutes`}>T · {t('hotline.minutesAgo')}</label>
      <input
        id={`${id}-minutes`}
        inputMode="numeric"
        value={form.minutesAgo}
        onChange={(e) => set('minutesAgo', e.target.value)}
        aria-describedby={described('minutesAgo')}
        aria-invalid={problems.includes('minutesAgo')}
      />
      {problem('minutesAgo')}

      <fieldset>
        <legend>E · {t('hotline.equipment')}</legend>
        <div className="inline-choices">
          {EQUIPMENT.map((value) => (
            <label key={value}>
              <input
                type="checkbox"
                checked={form.equipment.includes(value)}
                onChange={(e) => toggle('equipment', value, e.target.checked)}
              />{' '}
              {t(`report.equipment.${value}`)}
            </label>
          ))}
        </div>
      </fieldset>

      <label className="inline-check">
        <input
          type="checkbox"
          checked={form.firsthand}
          onChange={(e) => set('firsthand', e.target.checked)}
        />{' '}
        {text('firsthand')}
      </label>

      {mode === 'hotline' && (
        <>
          <label htmlFor={`${id}-language`}>{t('hotline.language')}</label>
          <select
            id={`${id}-language`}
            value={form.language}
            onChange={(e) => set('language', e.target.value as Language)}
          >
            {LANGUAGES.map((language) => (
              <option key={language} value={language}>
                {t(`lang.${language}`)}
              </option>
            ))}
          </select>
        </>
      )}

      <label htmlFor={`${id}-description`}>{text('notes')}</label>
      <textarea
        id={`${id}-description`}
        rows={3}
        maxLength={LIMITS.descriptionChars}
        value={form.description}
        onChange={(e) => set('description', e.target.value)}
      />

      {mode === 'hotline' && (
        <>
          <label htmlFor={`${id}-callback`}>{t('hotline.callback')}</label>
          <p className="hint" id={`${id}-callback-hint`}>
            {t('hotline.callbackHint')}
          </p>
          <input
            id={`${id}-callback`}
            type="tel"
            autoComplete="off"
            value={form.callback}
            onChange={(e) => set('callback', e.target.value)}
            aria-describedby={[`${id}-callback-hint`, described('callback')].filter(Boolean).join(' ')}
            aria-invalid={problems.includes('callback')}
          />
          {problem('callback')}
        </>
      )}

      {failure && (
        <p className="error-summary" role="alert">
          {failure}
        </p>
      )}
      <button type="submit" className="button primary" disabled={sending}>
        {sending ? t('report.sending') : t('hotline.submit')}
      </button>
    </form>
  );
}

/** The hotline operator's form. */
export default function HotlinePage() {
  return <IntakeForm mode="hotline" />;
}
