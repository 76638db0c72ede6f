import { useMutation } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ReportInput, SEND_KEY_SLOT } from '../../shared/report.js';
import { LIMITS } from '../../shared/report-fields.js';
import {
  EMPTY_REPORT_FORM,
  observedAtOf,
  reportFormValuesOf,
  reportInputOf,
  WHEN_CHOICES,
  type When,
} from '../../shared/report-form.js';
import { ApiError } from '../api.js';
import { RadioGroup } from '../components/Choices.js';
import { ContactNumbers } from '../components/ContactNumbers.js';
import { ReportPhotos, useReportPhotos } from '../components/ReportPhotos.js';
import { SaluteFields } from '../components/SaluteFields.js';
import { useLanguage } from '../language.js';
import { usePageTitle } from '../pageTitle.js';
import { prepareProofOfWork } from '../pow.js';
import {
  SALUTE_PROBLEMS,
  type SaluteLetter,
  type SaluteProblem,
  type SaluteValues,
  saluteProblemKey,
  saluteProblemOf,
  saluteProblems,
} from '../salute.js';
import { useHydrated, useServerPage } from '../server-page.js';
import { useDeviceLocation } from '../useDeviceLocation.js';
import { type KeptReceipt, keepReceipt, keptReceipt, useOutbox } from './report/kept.js';
import { ReportReceipt } from './report/ReportReceipt.js';
import { bodyToSend, failureOf, type LastSending, sendReport } from './report/send.js';
import { ReportLocation, ReportTime } from './report/WhereWhen.js';

type FieldKey = SaluteProblem | 'location' | 'place' | 'observedAt' | 'description';

/** Which form field a server-side field path belongs to. */
function fieldKeyOf(path: string): FieldKey | null {
  if (path === 'location.place') return 'place';
  const head = path.split('.')[0];
  if (head === 'location' || head === 'observedAt' || head === 'description') return head;
  return saluteProblemOf(path);
}

/** The sentence beside each field the server or the form found wrong, by the field's path. */
function messagesOf(paths: readonly string[], t: TFunction): Partial<Record<FieldKey, string>> {
  const messages: Partial<Record<FieldKey, string>> = {};
  for (const path of paths) {
    const key = fieldKeyOf(path);
    if (key) messages[key] = t(`report.errors.${key}`, { defaultValue: t('report.errors.generic') });
  }
  return messages;
}

/** What is happening first, then where and when: what a report needs, before what helps. */
const ASKED_IN: readonly SaluteLetter[] = ['activity', 'location', 'time', 'size', 'uniforms', 'equipment'];

const isWhen = (value: string): value is When => (WHEN_CHOICES as readonly string[]).includes(value);

/**
 * The public report form: SALUTE on a phone, photos sent ahead, a receipt
 * code at the end. The server renders it first, so it is a plain HTML form
 * that posts to /report before (or without) any script; once scripts run it
 * sends with its proof of work, keeps the person's answers on a failure and
 * offers the phone's position and photos.
 */
export function ReportPage() {
  const { t } = useTranslation();
  const id = useId();
  const language = useLanguage();
  const server = useServerPage();
  const hydrated = useHydrated();
  // The server's answer to a form posted without scripts: the answers back with what to fix, or the receipt.
  const answered = server.report;
  const echo = answered && 'values' in answered ? answered : null;
  const start = echo?.values ?? EMPTY_REPORT_FORM;
  const [salute, setSalute] = useState<SaluteValues>({
    agents: start.agents,
    vehicles: start.vehicles,
    activity: start.activity,
    uniforms: start.uniforms,
    markings: start.markings,
    equipment: start.equipment,
  });
  const [zoneId, setZoneId] = useState(start.zone);
  const device = useDeviceLocation();
  const [place, setPlace] = useState(start.place);
  const [when, setWhen] = useState<When>(isWhen(start.when) ? start.when : 'now');
  const [customTime, setCustomTime] = useState(start.observedAt);
  const [firsthand, setFirsthand] = useState<'yes' | 'no'>(start.firsthand === 'no' ? 'no' : 'yes');
  const [description, setDescription] = useState(start.description);
  // What was typed before the page's scripts took over (a slow phone: the server-rendered form works
  // before they arrive) becomes the form's state, field by field — else the scripted send would
  // go without it while the screen still shows it.
  const form = useRef<HTMLFormElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, from what the server-rendered fields hold.
  useEffect(() => {
    if (!form.current) return;
    const fields = new FormData(form.current);
    const typed = reportFormValuesOf({
      text: (name) => {
        const value = fields.get(name);
        return typeof value === 'string' ? value : '';
      },
      list: (name) => fields.getAll(name).filter((value): value is string => typeof value === 'string'),
    });
    const same = (a: string | string[], b: string | string[]) => JSON.stringify(a) === JSON.stringify(b);
    const saluteKeys = ['activity', 'agents', 'vehicles', 'uniforms', 'markings', 'equipment'] as const;
    if (saluteKeys.some((key) => !same(typed[key], start[key])))
      setSalute((now) => ({ ...now, ...Object.fromEntries(saluteKeys.map((key) => [key, typed[key]])) }));
    if (typed.zone !== start.zone) setZoneId(typed.zone);
    if (typed.place !== start.place) setPlace(typed.place);
    if (typed.when !== start.when && isWhen(typed.when)) setWhen(typed.when);
    if (typed.observedAt !== start.observedAt) setCustomTime(typed.observedAt);
    if (typed.firsthand !== start.firsthand) setFirsthand(typed.firsthand === 'no' ? 'no' : 'yes');
    if (typed.description !== start.description) setDescription(typed.description);
  }, []);
  const [errors, setErrors] = useState<Partial<Record<FieldKey, string>>>(() =>
    messagesOf(echo?.problems ?? [], t),
  );
  /** Seconds until the form sends again by itself, while the server is briefly unavailable. */
  const [retryIn, setRetryIn] = useState<number | null>(null);
  const photos = useReportPhotos();
  const errorSummary = useRef<HTMLDivElement>(null);
  const waitingBox = useRef<HTMLDivElement>(null);
  useEffect(prepareProofOfWork, []);
  /** The receipt kept on this phone until the person dismisses it (it survives a reload and Back). */
  const [kept, setKept] = useState<KeptReceipt | null>(null);
  useEffect(() => {
    if (answered && 'receipt' in answered) {
      const fromServer = { code: answered.receipt, photosMissing: 0 };
      keepReceipt(fromServer);
      setKept(fromServer);
    } else setKept(keptReceipt());
  }, [answered]);
  const outbox = useOutbox((body) => sendReport(body, () => undefined), setKept);
  /** Asking before the waiting reports are taken off the phone unsent. */
  const [forgetting, setForgetting] = useState(false);

  const showErrors = (next: Partial<Record<FieldKey, string>>) => {
    setErrors(next);
    requestAnimationFrame(() => errorSummary.current?.focus());
  };

  /** The report last sent, with its send key: sent again unchanged (its answer lost), it is the same body. */
  const lastSending = useRef<LastSending | null>(null);
  const send = useMutation({
    mutationFn: (body: ReportInput) => sendReport(body, setRetryIn),
    // Tried even when the phone says it is offline: a failure is what puts the report in the outbox.
    networkMode: 'always',
    onSuccess: (created) => {
      lastSending.current = null;
      setErrors({});
      const receipt = {
        code: created.receipt,
        photosMissing: photos.list.length - (created.photosAttached ?? 0),
      };
      keepReceipt(receipt);
      setKept(receipt);
      window.scrollTo(0, 0);
    },
    onError: (error, body) => {
      if (error instanceof ApiError && error.isNetwork) {
        // No connection: kept on the phone and sent when it returns. The form's old complaints are moot.
        outbox.keep(body);
        setErrors({});
        requestAnimationFrame(() => waitingBox.current?.focus());
        return;
      }
      if (!(error instanceof ApiError) || error.fields.length === 0) return;
      showErrors(
        messagesOf(
          error.fields.map((problem) => problem.field),
          t,
        ),
      );
    },
    onSettled: () => setRetryIn(null),
  });
  // A refusal that names fields is told beside them; anything else in one sentence of its own.
  const failure =
    send.isError &&
    !(send.error instanceof ApiError && (send.error.fields.length > 0 || send.error.isNetwork))
      ? failureOf(send.error)
      : send.isIdle
        ? (echo?.failure ?? null)
        : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.reset();
    const time = observedAtOf({ when, observedAt: customTime }, new Date(), (text) => {
      const date = new Date(text);
      return Number.isNaN(date.getTime()) ? null : date;
    });
    const local: Partial<Record<FieldKey, string>> = {};
    for (const problem of saluteProblems(salute)) local[problem] = t(saluteProblemKey(problem));
    if (!zoneId && !device.coords) local.location = t('report.errors.location');
    if (!time) local.observedAt = t('report.errors.observedAt');
    if (Object.keys(local).length > 0 || !time) return showErrors(local);

    const values = { ...salute, zone: zoneId, place, when, observedAt: customTime, firsthand, description };
    // Photos still sending or refused are left out: a report never waits for a photo.
    const photoIds = photos.list.flatMap((p) => (p.id ? [p.id] : []));
    send.mutate(
      bodyToSend(lastSending, { values, photoIds, language }, () =>
        reportInputOf(values, { language, observedAt: time, coords: device.coords, photoIds }),
      ),
    );
  };

  const receipt = kept?.code ?? (answered && 'receipt' in answered ? answered.receipt : null);
  usePageTitle(
    t(
      receipt
        ? 'titles.reportSent'
        : Object.keys(errors).length > 0
          ? 'titles.reportErrors'
          : 'titles.report',
    ),
  );
  if (receipt) return <ReportReceipt receipt={receipt} photosMissing={kept?.photosMissing ?? 0} />;

  const errorList = Object.entries(errors);
  const fieldError = (key: FieldKey) =>
    errors[key] ? (
      <p className="field-error" id={`${id}-${key}-error`}>
        {errors[key]}
      </p>
    ) : null;
  const describedBy = (key: FieldKey, hint?: string) =>
    [errors[key] ? `${id}-${key}-error` : '', hint ?? ''].filter(Boolean).join(' ') || undefined;

  return (
    // Without scripts the browser posts the form itself; the server answers with this page again.
    <form ref={form} method="post" action="/report" onSubmit={submit} noValidate>
      <h1>{t('report.title')}</h1>
      <p className="lead">{t('report.intro')}</p>
      <input type="hidden" name="language" value={language} />
      {/* Posted without scripts, a double tap or a reload is one report: the server puts a new key
          in each page it sends (SEND_KEY_SLOT). The scripts send their own key and not this one. */}
      <input
        type="hidden"
        name="sendKey"
        value={typeof window === 'undefined' ? SEND_KEY_SLOT : ''}
        suppressHydrationWarning
      />
      <ContactNumbers contacts={server.contacts} />

      {outbox.waiting.length > 0 && (
        <div className="note warn" role="status" tabIndex={-1} ref={waitingBox} data-testid="report-waiting">
          <p>
            <strong>{t('report.waiting.saved', { count: outbox.waiting.length })}</strong>
          </p>
          <p>{t('report.waiting.how')}</p>
          <button
            type="button"
            className="button"
            onClick={() => void outbox.flush()}
            disabled={outbox.sending}
          >
            {outbox.sending ? t('report.sending') : t('report.waiting.retry')}
          </button>
          <ContactNumbers contacts={server.contacts} />
          {forgetting ? (
            <p>
              {t('report.waiting.forgetSure', { count: outbox.waiting.length })}{' '}
              <button
                type="button"
                className="button"
                onClick={() => {
                  outbox.forgetAll();
                  setForgetting(false);
                }}
              >
                {t('report.waiting.forgetYes', { count: outbox.waiting.length })}
              </button>{' '}
              <button type="button" className="link" onClick={() => setForgetting(false)}>
                {t('report.waiting.forgetNo', { count: outbox.waiting.length })}
              </button>
            </p>
          ) : (
            <button type="button" className="link" onClick={() => setForgetting(true)}>
              {t('report.waiting.forget', { count: outbox.waiting.length })}
            </button>
          )}
        </div>
      )}

      {errorList.length > 0 && (
        <div className="error-summary" role="alert" tabIndex={-1} ref={errorSummary}>
          <h2>{t('report.errors.title')}</h2>
          <ul>
            {errorList.map(([key, message]) => (
              <li key={key}>
                <a href={`#${id}-${key}-error`}>{message}</a>
              </li>
            ))}
          </ul>
        </div>
      )}

      <SaluteFields
        id={id}
        values={salute}
        onChange={(patch) => setSalute((current) => ({ ...current, ...patch }))}
        problems={SALUTE_PROBLEMS.filter((key) => errors[key])}
        order={ASKED_IN}
        location={
          <ReportLocation
            id={id}
            zoneId={zoneId}
            onZone={setZoneId}
            device={hydrated ? device : null}
            place={place}
            onPlace={setPlace}
            error={fieldError('location')}
            placeError={fieldError('place')}
            describedBy={describedBy('location')}
            placeDescribedBy={describedBy('place')}
          />
        }
        time={
          <ReportTime
            id={id}
            when={when}
            onWhen={setWhen}
            custom={customTime}
            onCustom={setCustomTime}
            error={fieldError('observedAt')}
            describedBy={describedBy('observedAt')}
          />
        }
      />

      <RadioGroup
        legend={t('report.firsthand.label')}
        name="firsthand"
        options={[
          { value: 'yes', label: t('report.firsthand.yes') },
          { value: 'no', label: t('report.firsthand.no') },
        ]}
        value={firsthand}
        onChange={(value) => setFirsthand(value as 'yes' | 'no')}
      />

      <label htmlFor={`${id}-description`} className="label-strong">
        {t('report.description.label')}
      </label>
      <p className="hint" id={`${id}-description-hint`}>
        {t('report.description.hint')}
      </p>
      <textarea
        id={`${id}-description`}
        name="description"
        rows={4}
        maxLength={LIMITS.descriptionChars}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        aria-describedby={describedBy('description', `${id}-description-hint`)}
      />
      {fieldError('description')}

      {hydrated && <ReportPhotos id={id} photos={photos} />}

      {failure && (
        <div className="error-summary" role="alert">
          <p>{t(`report.errors.${failure}`)}</p>
          <ContactNumbers contacts={server.contacts} />
        </div>
      )}
      {retryIn !== null && (
        <p className="note warn" role="status" data-testid="report-retrying">
          {t('report.retrying', { count: retryIn })}
        </p>
      )}
      <button type="submit" className="button primary block" disabled={send.isPending}>
        {send.isPending ? t('report.sending') : t('report.submit')}
      </button>
      <p className="hint">{t('report.safety')}</p>
    </form>
  );
}
