import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { toE164 } from '../../shared/phone.js';
import type { HotlineInput } from '../../shared/report.js';
import { LANGUAGES, type Language, LIMITS } from '../../shared/report-fields.js';
import { ApiError, api } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { SaluteFields } from '../components/SaluteFields.js';
import i18n, { currentLanguage } from '../i18n.js';
import {
  EMPTY_SALUTE,
  isSaluteProblem,
  type SaluteProblem,
  saluteBody,
  saluteProblemKey,
  saluteProblemOf,
  saluteProblems,
} from '../salute.js';
import { useDeviceLocation } from '../useDeviceLocation.js';
import { useZones } from '../useZones.js';
import { bodyToSend, type LastSending } from './report/send.js';

type Problem = SaluteProblem | 'zone' | 'minutesAgo' | 'callback';

const fold = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim();

/** Which question a field the server refused belongs to, if the form asks it. */
function problemOf(field: string): Problem | null {
  if (field === 'callback') return 'callback';
  if (field.startsWith('location')) return 'zone';
  if (field === 'observedAt') return 'minutesAgo';
  return saluteProblemOf(field);
}

/**
 * The hotline operator's form, built for typing while on a call: keyboard
 * only, the SALUTE questions in the order they are asked, a zone picked by
 * typing part of its name, an optional callback number. Ctrl+Enter sends;
 * after sending, the receipt code to read out and one key to the next call.
 * In the field (a responder's phone) the same questions come as large tap
 * targets, the public form's cards, and nothing takes focus on opening (a
 * keyboard popping up would hide half the screen).
 */
export function IntakeForm({ mode }: { mode: 'hotline' | 'field' }) {
  const { t } = useTranslation();
  /** Texts that differ between the two: the rest is shared. */
  const text = (key: string) =>
    t(mode === 'field' && i18n.exists(`field.${key}`) ? `field.${key}` : `hotline.${key}`);
  const id = useId();
  /** The keyboard form (the hotline's), or the phone's cards (the field's). */
  const compact = mode === 'hotline';
  /** SALUTE's letter before a question the form itself asks, on the keyboard form only. */
  const letter = (l: string) => (compact ? `${l} · ` : '');
  const zones = useZones();
  const first = useRef<HTMLInputElement>(null);
  const next = useRef<HTMLButtonElement>(null);
  const summary = useRef<HTMLDivElement>(null);
  const empty = {
    salute: EMPTY_SALUTE,
    zone: '',
    place: '',
    minutesAgo: '0',
    firsthand: true,
    language: currentLanguage() as Language,
    description: '',
    callback: '',
  };
  const [form, setForm] = useState(empty);
  const [problems, setProblems] = useState<Problem[]>([]);
  /** A responder on the scene can send their phone's position instead of naming the zone. */
  const { coords: position, setCoords: setPosition, locating, locate } = useDeviceLocation();

  /** The call last sent, with its send key: sent again unchanged (its answer lost), it is the same body. */
  const lastSending = useRef<LastSending<HotlineInput> | null>(null);
  /** The key of a call the operator said was another one: found again, it is that call, stored already. */
  const newCallKey = useRef<string | null>(null);
  /** A sending on its way (set at once: the mutation's own state reaches this component a render later). */
  const inFlight = useRef(false);
  const send = useMutation({
    mutationFn: (body: HotlineInput) =>
      api<{ receipt: string; duplicate?: true }>(`/api/intake/${mode}`, { method: 'POST', body }),
    onSuccess: (_answer, body) => {
      // The next call is another report, even one told in the same words. (Only if this was the
      // body last sent: an earlier sending answered late must not drop the key of the one after.)
      if (lastSending.current?.body === body) lastSending.current = null;
      setProblems([]);
    },
    onError: (error) => {
      if (error instanceof ApiError) setProblems(error.fields.flatMap((f) => problemOf(f.field) ?? []));
    },
    onSettled: () => {
      inFlight.current = false;
    },
  });
  const receipt = send.data?.receipt ?? null;
  /** The call had been stored already (its answer lost): the same report, unless the operator says otherwise. */
  const storedBefore = send.data?.duplicate === true;
  /** …and not the call the operator already said was another: it may be a different call told the same way. */
  const mayBeAnother = storedBefore && send.variables?.sendKey !== newCallKey.current;

  useEffect(() => {
    if (receipt) next.current?.focus();
    else if (compact) first.current?.focus();
  }, [receipt, compact]);

  const set = <K extends keyof typeof empty>(key: K, value: (typeof empty)[K]) =>
    setForm((current) => ({ ...current, [key]: value }));

  const zoneMatch = zones.data?.zones.find((zone) => fold(zone.name) === fold(form.zone));

  /** Sends the call (`asNew`: the operator said it is another call than the one stored already). */
  const submit = (event?: FormEvent, asNew = false) => {
    event?.preventDefault();
    // Ctrl+Enter while a sending is on its way: that one's answer comes first.
    if (inFlight.current) return;
    send.reset();
    const minutes = Number(form.minutesAgo || '0');
    const found: Problem[] = saluteProblems(form.salute);
    if (!zoneMatch && !position) found.push('zone');
    if (!Number.isInteger(minutes) || minutes < 0 || minutes > 24 * 60) found.push('minutesAgo');
    if (mode === 'hotline' && form.callback.trim() && !toE164(form.callback)) found.push('callback');
    setProblems(found);
    if (found.length > 0) {
      // The summary is at the top of a long form: focus takes the operator there, and it says what to fix.
      requestAnimationFrame(() => summary.current?.focus());
      return;
    }
    const { agents, vehicles, activity, uniforms, markings, equipment } = saluteBody(form.salute);
    const build = (): HotlineInput => ({
      language: form.language,
      activity: activity as HotlineInput['activity'],
      size: { agents, vehicles },
      location: {
        ...(zoneMatch ? { zoneId: zoneMatch.id } : {}),
        ...(position ?? {}),
        ...(form.place.trim() ? { place: form.place } : {}),
      },
      uniforms: uniforms as HotlineInput['uniforms'],
      ...(markings ? { markings } : {}),
      observedAt: new Date(Date.now() - minutes * 60_000).toISOString(),
      equipment: equipment as HotlineInput['equipment'],
      firsthand: form.firsthand,
      ...(form.description.trim() ? { description: form.description } : {}),
      ...(mode === 'hotline' && form.callback.trim() ? { callback: form.callback } : {}),
    });
    // Another call told in the same words: stored as a new report, with a new key.
    if (asNew) lastSending.current = null;
    const body = bodyToSend(lastSending, { form, zone: zoneMatch?.id ?? null, position }, build);
    if (asNew) newCallKey.current = body.sendKey ?? null;
    inFlight.current = true;
    send.mutate(body);
  };

  const sendOnCtrlEnter = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      submit();
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
        {storedBefore && (
          <p id={`${id}-stored`} data-testid="stored-before">
            {text('alreadyStored')}
          </p>
        )}
        {mayBeAnother && (
          <button type="button" className="button" onClick={() => submit(undefined, true)}>
            {text('storeAsNew')}
          </button>
        )}
        <button
          ref={next}
          type="button"
          className="button primary"
          aria-describedby={storedBefore ? `${id}-stored` : undefined}
          onClick={() => {
            setForm(empty);
            setPosition(null);
            newCallKey.current = null;
            send.reset();
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
    <form
      className={compact ? 'hotline' : 'hotline field-form'}
      onSubmit={submit}
      onKeyDown={sendOnCtrlEnter}
      noValidate
    >
      <h1>{text('title')}</h1>
      <p className="hint">{text('intro')}</p>
      {problems.length > 0 && (
        <div className="error-summary" role="alert" tabIndex={-1} ref={summary} data-testid="hotline-errors">
          <h2>{t('hotline.errors.title')}</h2>
          <ul>
            {problems.map((key) => (
              <li key={key}>
                <a href={`#${id}-${key}-error`}>
                  {t(isSaluteProblem(key) ? saluteProblemKey(key) : `hotline.errors.${key}`)}
                </a>
              </li>
            ))}
          </ul>
        </div>
      )}

      <SaluteFields
        id={id}
        compact={compact}
        firstField={first}
        values={form.salute}
        onChange={(patch) => setForm((current) => ({ ...current, salute: { ...current.salute, ...patch } }))}
        problems={problems.filter(isSaluteProblem)}
        location={
          <fieldset>
            <legend>
              {letter('L')}
              {t('hotline.location')}
            </legend>
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
                <button
                  type="button"
                  className="button block"
                  onClick={locate}
                  disabled={locating === 'busy'}
                >
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
        }
        time={
          <>
            <label htmlFor={`${id}-minutes`}>
              {letter('T')}
              {t('hotline.minutesAgo')}
            </label>
            <input
              id={`${id}-minutes`}
              inputMode="numeric"
              value={form.minutesAgo}
              onChange={(e) => set('minutesAgo', e.target.value)}
              aria-describedby={described('minutesAgo')}
              aria-invalid={problems.includes('minutesAgo')}
            />
            {problem('minutesAgo')}
          </>
        }
      />

      {/* A card like the public form's choices on a phone; a plain checkbox on the keyboard form. */}
      <label className={compact ? 'inline-check' : 'choice'}>
        <input
          type="checkbox"
          checked={form.firsthand}
          onChange={(e) => set('firsthand', e.target.checked)}
        />{' '}
        <span>{text('firsthand')}</span>
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

      {/* A refusal that names no question here, or no answer at all: one sentence. */}
      {problems.length === 0 && (
        <ErrorSummary
          error={send.error}
          overrides={{ NETWORK: t('hotline.offline'), INTERNAL: t('hotline.failed') }}
        />
      )}
      <button
        type="submit"
        className={compact ? 'button primary' : 'button primary block'}
        disabled={send.isPending}
      >
        {send.isPending ? t('report.sending') : t('hotline.submit')}
      </button>
    </form>
  );
}

/** The hotline operator's form. */
export default function HotlinePage() {
  return <IntakeForm mode="hotline" />;
}
