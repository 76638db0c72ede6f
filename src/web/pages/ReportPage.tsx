import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportInput } from '../../shared/report.js';
import { LIMITS } from '../../shared/report-fields.js';
import { ApiError } from '../api.js';
import { RadioGroup } from '../components/Choices.js';
import { ReportPhotos, useReportPhotos } from '../components/ReportPhotos.js';
import { SaluteFields } from '../components/SaluteFields.js';
import { currentLanguage } from '../i18n.js';
import { prepareProofOfWork } from '../pow.js';
import {
  EMPTY_SALUTE,
  SALUTE_PROBLEMS,
  type SaluteLetter,
  type SaluteProblem,
  type SaluteValues,
  saluteBody,
  saluteProblemKey,
  saluteProblemOf,
  saluteProblems,
} from '../salute.js';
import { useDeviceLocation } from '../useDeviceLocation.js';
import { ReportReceipt } from './report/ReportReceipt.js';
import { failureOf, sendReport } from './report/send.js';
import { observedAt, ReportLocation, ReportTime, type When } from './report/WhereWhen.js';

type FieldKey = SaluteProblem | 'location' | 'place' | 'observedAt' | 'description';

/** Which form field a server-side field path belongs to. */
function fieldKeyOf(path: string): FieldKey | null {
  if (path === 'location.place') return 'place';
  const head = path.split('.')[0];
  if (head === 'location' || head === 'observedAt' || head === 'description') return head;
  return saluteProblemOf(path);
}

/** What is happening first, then where and when: what a report needs, before what helps. */
const ASKED_IN: readonly SaluteLetter[] = ['activity', 'location', 'time', 'size', 'uniforms', 'equipment'];

/** The public report form: SALUTE on a phone, photos sent ahead, a receipt code at the end. */
export function ReportPage() {
  const { t } = useTranslation();
  const id = useId();
  const [salute, setSalute] = useState<SaluteValues>(EMPTY_SALUTE);
  const [zoneId, setZoneId] = useState('');
  const device = useDeviceLocation();
  const [place, setPlace] = useState('');
  const [when, setWhen] = useState<When>('now');
  const [customTime, setCustomTime] = useState('');
  const [firsthand, setFirsthand] = useState<'yes' | 'no'>('yes');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Partial<Record<FieldKey, string>>>({});
  /** Seconds until the form sends again by itself, while the server is briefly unavailable. */
  const [retryIn, setRetryIn] = useState<number | null>(null);
  const photos = useReportPhotos();
  const [photosMissing, setPhotosMissing] = useState(0);
  const errorSummary = useRef<HTMLDivElement>(null);
  useEffect(prepareProofOfWork, []);

  const showErrors = (next: Partial<Record<FieldKey, string>>) => {
    setErrors(next);
    requestAnimationFrame(() => errorSummary.current?.focus());
  };

  const send = useMutation({
    mutationFn: (body: ReportInput) => sendReport(body, setRetryIn),
    onSuccess: (created) => {
      setErrors({});
      setPhotosMissing(photos.list.length - (created.photosAttached ?? 0));
      window.scrollTo(0, 0);
    },
    onError: (error) => {
      if (!(error instanceof ApiError) || error.fields.length === 0) return;
      const next: Partial<Record<FieldKey, string>> = {};
      for (const problem of error.fields) {
        const key = fieldKeyOf(problem.field);
        if (key) next[key] = t(`report.errors.${key}`, { defaultValue: t('report.errors.generic') });
      }
      showErrors(next);
    },
    onSettled: () => setRetryIn(null),
  });
  // A refusal that names fields is told beside them; anything else in one sentence of its own.
  const failure =
    send.isError && !(send.error instanceof ApiError && send.error.fields.length > 0)
      ? failureOf(send.error)
      : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    send.reset();
    const time = observedAt(when, customTime);
    const local: Partial<Record<FieldKey, string>> = {};
    for (const problem of saluteProblems(salute)) local[problem] = t(saluteProblemKey(problem));
    if (!zoneId && !device.coords) local.location = t('report.errors.location');
    if (!time) local.observedAt = t('report.errors.observedAt');
    if (Object.keys(local).length > 0 || !time) return showErrors(local);

    const { agents, vehicles, activity, uniforms, markings, equipment } = saluteBody(salute);
    send.mutate({
      language: currentLanguage(),
      activity: activity as ReportInput['activity'],
      location: {
        ...(zoneId ? { zoneId } : {}),
        ...(device.coords ?? {}),
        ...(place.trim() ? { place } : {}),
      },
      observedAt: time,
      size: { agents, vehicles },
      uniforms: uniforms as ReportInput['uniforms'],
      equipment: equipment as ReportInput['equipment'],
      firsthand: firsthand === 'yes',
      ...(markings ? { markings } : {}),
      ...(description.trim() ? { description } : {}),
      // Photos still sending or refused are left out: a report never waits for a photo.
      photoIds: photos.list.flatMap((p) => (p.id ? [p.id] : [])),
    });
  };

  if (send.data) return <ReportReceipt receipt={send.data.receipt} photosMissing={photosMissing} />;

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
    <form onSubmit={submit} noValidate>
      <h1>{t('report.title')}</h1>
      <p className="lead">{t('report.intro')}</p>

      {errorList.length > 0 && (
        <div className="error-summary" role="alert" tabIndex={-1} ref={errorSummary}>
          <h2>{t('report.errors.title')}</h2>
          <ul>
            {errorList.map(([key, message]) => (
              <li key={key}>{message}</li>
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
            device={device}
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

      <ReportPhotos id={id} photos={photos} />

      {failure && (
        <p className="error-summary" role="alert">
          {t(`report.errors.${failure}`)}
        </p>
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
