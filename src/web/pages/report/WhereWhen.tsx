import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '../../../shared/report-fields.js';
import { WHEN_CHOICES, type When } from '../../../shared/report-form.js';
import { RadioGroup } from '../../components/Choices.js';
import type { useDeviceLocation } from '../../useDeviceLocation.js';
import { useZones } from '../../useZones.js';

/** The public form's L: a neighborhood, or the phone's position, and cross streets. */
export function ReportLocation(props: {
  id: string;
  zoneId: string;
  onZone: (zoneId: string) => void;
  /** The phone's position, once scripts run (null before: the form works without it). */
  device: ReturnType<typeof useDeviceLocation> | null;
  place: string;
  onPlace: (place: string) => void;
  error: ReactNode;
  placeError: ReactNode;
  describedBy: string | undefined;
  placeDescribedBy: string | undefined;
}) {
  const { t } = useTranslation();
  const zones = useZones();
  const { id, device } = props;
  return (
    <fieldset aria-describedby={props.describedBy}>
      <legend>{t('report.location.label')}</legend>
      {props.error}
      <label htmlFor={`${id}-zone`}>{t('report.location.zone')}</label>
      <select
        id={`${id}-zone`}
        name="zone"
        value={props.zoneId}
        onChange={(e) => props.onZone(e.target.value)}
      >
        <option value="">{t('report.location.zonePlaceholder')}</option>
        {zones.data?.zones.map((zone) => (
          <option key={zone.id} value={zone.id}>
            {zone.name}
          </option>
        ))}
      </select>
      {device?.coords ? (
        <p className="note">
          {t('report.location.located')}{' '}
          <button type="button" className="link" onClick={() => device.setCoords(null)}>
            {t('report.location.clearLocation')}
          </button>
        </p>
      ) : device ? (
        <button
          type="button"
          className="button block"
          onClick={device.locate}
          disabled={device.locating === 'busy'}
        >
          {device.locating === 'busy' ? t('report.location.locating') : t('report.location.useMyLocation')}
        </button>
      ) : null}
      {device?.locating === 'denied' && <p className="note warn">{t('report.location.locationDenied')}</p>}
      <label htmlFor={`${id}-place`}>{t('report.location.place')}</label>
      <input
        id={`${id}-place`}
        name="place"
        value={props.place}
        maxLength={LIMITS.placeChars}
        placeholder={t('report.location.placeHint')}
        onChange={(e) => props.onPlace(e.target.value)}
        aria-describedby={props.placeDescribedBy}
      />
      {props.placeError}
    </fieldset>
  );
}

/** The public form's T: now, a while ago, or a time chosen. */
export function ReportTime(props: {
  id: string;
  when: When;
  onWhen: (when: When) => void;
  custom: string;
  onCustom: (custom: string) => void;
  error: ReactNode;
  describedBy: string | undefined;
}) {
  const { t } = useTranslation();
  return (
    <RadioGroup
      legend={t('report.when.label')}
      name="when"
      options={WHEN_CHOICES.map((value) => ({ value, label: t(`report.when.${value}`) }))}
      value={props.when}
      onChange={(value) => props.onWhen(value as When)}
      error={props.error}
      describedBy={props.describedBy}
    >
      {/* Always in the page, shown by CSS when "another time" is chosen: works without scripts too. */}
      <div className="when-custom">
        <label htmlFor={`${props.id}-time`}>{t('report.when.customLabel')}</label>
        <input
          id={`${props.id}-time`}
          type="datetime-local"
          name="observedAt"
          value={props.custom}
          onChange={(e) => props.onCustom(e.target.value)}
        />
      </div>
    </RadioGroup>
  );
}
