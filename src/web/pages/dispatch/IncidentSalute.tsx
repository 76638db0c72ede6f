import { useTranslation } from 'react-i18next';
import type { SaluteView } from '../../../shared/incident.js';

function Tally({
  label,
  items,
  translate,
}: {
  label: string;
  items: SaluteView['activity'];
  translate: (v: string) => string;
}) {
  if (items.length === 0) return null;
  return (
    <>
      <dt>{label}</dt>
      <dd>{items.map((item) => `${translate(item.value)} (${item.count})`).join(', ')}</dd>
    </>
  );
}

/** The incident's SALUTE, consolidated from its reports: ranges, and each value with its count. */
export function IncidentSalute({ salute }: { salute: SaluteView }) {
  const { t } = useTranslation();
  const range = (r: SaluteView['agents']) =>
    r ? (r.min === r.max ? String(r.min) : `${r.min}–${r.max} (${t('dispatch.median')} ${r.median})`) : '—';
  return (
    <dl className="salute" data-testid="salute">
      <dt>{t('dispatch.salute.agents')}</dt>
      <dd>{range(salute.agents)}</dd>
      <dt>{t('dispatch.salute.vehicles')}</dt>
      <dd>{range(salute.vehicles)}</dd>
      <Tally
        label={t('dispatch.activity')}
        items={salute.activity}
        translate={(v) => t(`report.activity.${v}`)}
      />
      <Tally label={t('dispatch.zone')} items={salute.zones} translate={(v) => v} />
      <Tally
        label={t('dispatch.uniforms')}
        items={salute.uniforms}
        translate={(v) => t(`report.uniforms.${v}`)}
      />
      <Tally
        label={t('dispatch.equipment')}
        items={salute.equipment}
        translate={(v) => t(`report.equipment.${v}`)}
      />
      <Tally
        label={t('dispatch.channels')}
        items={salute.channels}
        translate={(v) => t(`dispatch.channel.${v}`)}
      />
    </dl>
  );
}
