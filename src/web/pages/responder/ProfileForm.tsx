import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ResponderState, SKILLS } from '../../../shared/dispatch.js';
import { LANGUAGES } from '../../../shared/report-fields.js';
import { CheckboxGroup } from '../../components/Choices.js';
import { useZones } from '../../useZones.js';
import type { Send } from './state.js';

/** Languages, skills, home zones and phone numbers, folded away: set once, rarely changed. */
export function ProfileForm({ profile, send }: { profile: ResponderState['profile']; send: Send }) {
  const { t } = useTranslation();
  const id = useId();
  const [languages, setLanguages] = useState<string[]>(profile.languages);
  const [skills, setSkills] = useState<string[]>(profile.skills);
  const [homeZoneIds, setHomeZoneIds] = useState<string[]>(profile.homeZoneIds);
  const [backupPhone, setBackupPhone] = useState('');
  const [offerPhone, setOfferPhone] = useState('');
  const [saved, setSaved] = useState(false);
  const zones = useZones();
  const save = async () => {
    setSaved(false);
    const body = {
      languages,
      skills,
      homeZoneIds,
      ...(backupPhone ? { backupPhone } : {}),
      ...(offerPhone ? { offerPhone } : {}),
    };
    if (await send({ path: '/api/responder/profile', method: 'PUT', body })) setSaved(true);
  };
  return (
    <details className="profile">
      <summary>{t('responder.profile')}</summary>
      <CheckboxGroup
        legend={t('responder.languages')}
        name={`${id}-languages`}
        options={LANGUAGES.map((l) => ({ value: l, label: t(`lang.${l}`) }))}
        values={languages}
        onChange={setLanguages}
      />
      <CheckboxGroup
        legend={t('responder.skills')}
        name={`${id}-skills`}
        options={SKILLS.map((s) => ({ value: s, label: t(`responder.skillOptions.${s}`) }))}
        values={skills}
        onChange={setSkills}
      />
      {(zones.data?.zones.length ?? 0) > 0 && (
        <CheckboxGroup
          legend={t('responder.homeZones')}
          name={`${id}-zones`}
          options={(zones.data?.zones ?? []).map((z) => ({ value: z.id, label: z.name }))}
          values={homeZoneIds}
          onChange={setHomeZoneIds}
        />
      )}
      <label htmlFor={`${id}-offer-phone`}>{t('responder.offerPhone')}</label>
      <input
        id={`${id}-offer-phone`}
        type="tel"
        inputMode="tel"
        autoComplete="tel"
        placeholder={profile.offerPhone ?? ''}
        value={offerPhone}
        aria-describedby={`${id}-offer-phone-hint`}
        onChange={(e) => setOfferPhone(e.target.value)}
      />
      <p className="hint" id={`${id}-offer-phone-hint`}>
        {t('responder.offerPhoneHint')}
      </p>
      <label htmlFor={`${id}-backup`}>{t('responder.backupPhone')}</label>
      <input
        id={`${id}-backup`}
        type="tel"
        inputMode="tel"
        placeholder={profile.backupPhone ?? ''}
        value={backupPhone}
        onChange={(e) => setBackupPhone(e.target.value)}
      />
      <button type="button" className="button block" onClick={() => void save()}>
        {t('responder.saveProfile')}
      </button>
      {saved && <p role="status">{t('responder.profileSaved')}</p>}
    </details>
  );
}
