import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { IncidentBrief } from '../../../shared/dispatch.js';
import { IncidentSalute } from '../dispatch/IncidentSalute.js';

/**
 * A `geo:` link for the phone's maps app. `q` repeats the point so Android's apps drop a pin on
 * it rather than only centering the map there.
 */
export const geoUri = ({ lat, lng }: { lat: number; lng: number }) => `geo:${lat},${lng}?q=${lat},${lng}`;

/** Where to go: the cross streets or landmarks as reported, and a way to open the maps app there. */
export function AssignmentWhere({ brief }: { brief: IncidentBrief }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section className="assignment-where" aria-labelledby={`${id}-where`} data-testid="assignment-where">
      <h3 id={`${id}-where`}>{t('responder.brief.where')}</h3>
      {brief.places.length > 0 ? (
        <ul className="places" data-testid="places">
          {brief.places.map((place) => (
            <li key={place}>{place}</li>
          ))}
        </ul>
      ) : (
        <p className="hint">{t('responder.brief.noPlaces')}</p>
      )}
      {brief.point ? (
        <>
          <a className="button block" href={geoUri(brief.point)} data-testid="open-in-maps">
            {t('responder.brief.openMaps')}
          </a>
          <p className="hint">{t('responder.brief.pointHint')}</p>
        </>
      ) : (
        <p className="hint">{t('responder.brief.noPoint')}</p>
      )}
    </section>
  );
}

/** What the reports said, consolidated as the board shows it (one definition: IncidentSalute). */
export function AssignmentWhat({ brief }: { brief: IncidentBrief }) {
  const { t } = useTranslation();
  const id = useId();
  return (
    <section className="assignment-what" aria-labelledby={`${id}-what`}>
      <h3 id={`${id}-what`}>{t('responder.brief.what')}</h3>
      <IncidentSalute salute={brief.salute} />
    </section>
  );
}
