import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ReportInput } from '../../shared/report.js';
import { ACTIVITIES, EQUIPMENT, LIMITS, UNIFORMS } from '../../shared/report-fields.js';
import { ApiError, api } from '../api.js';
import { CheckboxGroup, RadioGroup } from '../components/Choices.js';
import { ReportPhotos, useReportPhotos } from '../components/ReportPhotos.js';
import { SizeInputs } from '../components/SizeInputs.js';
import { currentLanguage } from '../i18n.js';
import { prepareProofOfWork, takeProofOfWork } from '../pow.js';
import { isBrieflyUnavailable, sendWhileUnavailable } from '../retry.js';
import { useDeviceLocation } from '../useDeviceLocation.js';
import { useZones } from '../useZones.js';

const WHEN_CHOICES = ['now', '15', '30', '60', 'custom'] as const;
type When = (typeof WHEN_CHOICES)[number];

type FieldKey = 'activity' | 'location' | 'place' | 'observedAt' | 'size' | 'markings' | 'description';

/** Which form field a server-side field path belongs to. */
function fieldKeyOf(path: string): FieldKey | null {
  if (path === 'location.place') return 'place';
  const head = path.split('.')[0];
  const known: FieldKey[] = ['activity', 'location', 'observedAt', 'size', 'markings', 'description'];
  return known.find((key) => key === head) ?? null;
}

function observedAt(when: When, custom: string): string | null {
  if (when === 'custom') {
    const date = new Date(custom);
    return Number.isNaN(date.getTime()) ? null : date.toISOString();
  }
  const minutes = when === 'now' ? 0 : Number(when);
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

const toCount = (value: string) => (value.trim() === '' ? undefined : Number(value));

export function ReportPage() {
  const { t } = useTranslation();
  const id = useId();
  const zones = useZones();
  const [activity, setActivity] = useState<string>('');
  const [zoneId, setZoneId] = useState('');
  const { coords, setCoords, locating, locate: shareLocation } = useDeviceLocation();
  const [place, setPlace] = useState('');
  const [when, setWhen] = useState<When>('now');
  const [customTime, setCustomTime] = useState('');
  const [agents, setAgents] = useState('');
  const [vehicles, setVehicles] = useState('');
  const [uniforms, setUniforms] = useState<string[]>([]);
  const [markings, setMarkings] = useState('');
  const [equipment, setEquipment] = useState<string[]>([]);
  const [firsthand, setFirsthand] = useState<'yes' | 'no'>('yes');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Partial<Record<FieldKey, string>>>({});
  const [failure, setFailure] = useState<'network' | 'server' | 'rateLimited' | 'unavailable' | null>(null);
  const [sending, setSending] = useState(false);
  /** Seconds until the form sends again by itself, while the server is briefly unavailable. */
  const [retryIn, setRetryIn] = useState<number | null>(null);
  const [receipt, setReceipt] = useState<string | null>(null);
  const photos = useReportPhotos();
  const [photosMissing, setPhotosMissing] = useState(0);
  const errorSummary = useRef<HTMLDivElement>(null);
  useEffect(prepareProofOfWork, []);

  const showErrors = (next: Partial<Record<FieldKey, string>>) => {
    setErrors(next);
    requestAnimationFrame(() => errorSummary.current?.focus());
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    const time = observedAt(when, customTime);
    const local: Partial<Record<FieldKey, string>> = {};
    if (!activity) local.activity = t('report.errors.activity');
    if (!zoneId && !coords) local.location = t('report.errors.location');
    if (!time) local.observedAt = t('report.errors.observedAt');
    if (Object.keys(local).length > 0 || !time) return showErrors(local);

    const body: ReportInput = {
      language: currentLanguage(),
      activity: activity as ReportInput['activity'],
      location: {
        ...(zoneId ? { zoneId } : {}),
        ...(coords ?? {}),
        ...(place.trim() ? { place } : {}),
      },
      observedAt: time,
      size: { agents: toCount(agents), vehicles: toCount(vehicles) },
      uniforms: uniforms as ReportInput['uniforms'],
      equipment: equipment as ReportInput['equipment'],
      firsthand: firsthand === 'yes',
      ...(markings.trim() ? { markings } : {}),
      ...(description.trim() ? { description } : {}),
      // Photos still sending or refused are left out: a report never waits for a photo.
      photoIds: photos.list.flatMap((p) => (p.id ? [p.id] : [])),
    };
    setSending(true);
    try {
      const send = async () =>
        api<{ id: string; receipt: string; photosAttached?: number }>('/api/reports', {
          method: 'POST',
          body,
          headers: await takeProofOfWork(),
        });
      // A security check that expired while the form was open is redone once, without asking;
      // a server that is briefly unavailable (a database restart) is tried again by itself.
      const created = await sendWhileUnavailable(
        () =>
          send().catch((error: unknown) => {
            if (error instanceof ApiError && error.details.proofOfWork) return send();
            throw error;
          }),
        setRetryIn,
      );
      setErrors({});
      setPhotosMissing(photos.list.length - (created.photosAttached ?? 0));
      setReceipt(created.receipt);
      window.scrollTo(0, 0);
    } catch (error) {
      if (error instanceof ApiError && error.fields.length > 0) {
        const next: Partial<Record<FieldKey, string>> = {};
        for (const problem of error.fields) {
          const key = fieldKeyOf(problem.field);
          if (key) next[key] = t(`report.errors.${key}`, { defaultValue: t('report.errors.generic') });
        }
        showErrors(next);
      } else {
        setFailure(
          error instanceof ApiError && error.isNetwork
            ? 'network'
            : error instanceof ApiError && error.code === 'RATE_LIMITED'
              ? 'rateLimited'
              : isBrieflyUnavailable(error)
                ? 'unavailable'
                : 'server',
        );
      }
    } finally {
      setSending(false);
      setRetryIn(null);
    }
  };

  if (receipt) {
    return (
      <section aria-live="polite">
        <h1>{t('report.done.title')}</h1>
        <p>{t('report.done.receiptLabel')}</p>
        <p className="receipt" data-testid="receipt">
          {receipt}
        </p>
        <p>{t('report.done.receiptHint')}</p>
        {photosMissing > 0 && (
          <p className="note warn">{t('report.photos.notAttached', { count: photosMissing })}</p>
        )}
        <p>
          <Link className="button primary block" to="/status" state={{ code: receipt }}>
            {t('report.done.check')}
          </Link>
        </p>
        <p>
          <Link className="button block" to="/report" reloadDocument>
            {t('report.done.another')}
          </Link>
        </p>
      </section>
    );
  }

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

      <RadioGroup
        legend={t('report.activity.label')}
        name="activity"
        options={ACTIVITIES.map((value) => ({ value, label: t(`report.activity.${value}`) }))}
        value={activity}
        onChange={setActivity}
        error={fieldError('activity')}
        describedBy={describedBy('activity')}
      />

      <fieldset aria-describedby={describedBy('location')}>
        <legend>{t('report.location.label')}</legend>
        {fieldError('location')}
        <label htmlFor={`${id}-zone`}>{t('report.location.zone')}</label>
        <select id={`${id}-zone`} name="zone" value={zoneId} onChange={(e) => setZoneId(e.target.value)}>
          <option value="">{t('report.location.zonePlaceholder')}</option>
          {zones.data?.zones.map((zone) => (
            <option key={zone.id} value={zone.id}>
              {zone.name}
            </option>
          ))}
        </select>
        {coords ? (
          <p className="note">
            {t('report.location.located')}{' '}
            <button type="button" className="link" onClick={() => setCoords(null)}>
              {t('report.location.clearLocation')}
            </button>
          </p>
        ) : (
          <button
            type="button"
            className="button block"
            onClick={shareLocation}
            disabled={locating === 'busy'}
          >
            {locating === 'busy' ? t('report.location.locating') : t('report.location.useMyLocation')}
          </button>
        )}
        {locating === 'denied' && <p className="note warn">{t('report.location.locationDenied')}</p>}
        <label htmlFor={`${id}-place`}>{t('report.location.place')}</label>
        <input
          id={`${id}-place`}
          name="place"
          value={place}
          maxLength={LIMITS.placeChars}
          placeholder={t('report.location.placeHint')}
          onChange={(e) => setPlace(e.target.value)}
          aria-describedby={describedBy('place')}
        />
        {fieldError('place')}
      </fieldset>

      <RadioGroup
        legend={t('report.when.label')}
        name="when"
        options={WHEN_CHOICES.map((value) => ({ value, label: t(`report.when.${value}`) }))}
        value={when}
        onChange={(value) => setWhen(value as When)}
        error={fieldError('observedAt')}
        describedBy={describedBy('observedAt')}
      >
        {when === 'custom' && (
          <>
            <label htmlFor={`${id}-time`}>{t('report.when.customLabel')}</label>
            <input
              id={`${id}-time`}
              type="datetime-local"
              name="observedAt"
              value={customTime}
              onChange={(e) => setCustomTime(e.target.value)}
            />
          </>
        )}
      </RadioGroup>

      <fieldset aria-describedby={describedBy('size', `${id}-size-hint`)}>
        <legend>{t('report.size.label')}</legend>
        <p className="hint" id={`${id}-size-hint`}>
          {t('report.size.hint')}
        </p>
        {fieldError('size')}
        <SizeInputs
          id={id}
          agents={agents}
          vehicles={vehicles}
          onAgents={setAgents}
          onVehicles={setVehicles}
        />
      </fieldset>

      <CheckboxGroup
        legend={t('report.uniforms.label')}
        name="uniforms"
        options={UNIFORMS.map((value) => ({ value, label: t(`report.uniforms.${value}`) }))}
        values={uniforms}
        onChange={setUniforms}
      >
        <label htmlFor={`${id}-markings`}>{t('report.uniforms.markings')}</label>
        <input
          id={`${id}-markings`}
          name="markings"
          value={markings}
          maxLength={LIMITS.markingsChars}
          onChange={(e) => setMarkings(e.target.value)}
          aria-describedby={describedBy('markings')}
        />
        {fieldError('markings')}
      </CheckboxGroup>

      <CheckboxGroup
        legend={t('report.equipment.label')}
        name="equipment"
        options={EQUIPMENT.map((value) => ({ value, label: t(`report.equipment.${value}`) }))}
        values={equipment}
        onChange={setEquipment}
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
      <button type="submit" className="button primary block" disabled={sending}>
        {sending ? t('report.sending') : t('report.submit')}
      </button>
      <p className="hint">{t('report.safety')}</p>
    </form>
  );
}
