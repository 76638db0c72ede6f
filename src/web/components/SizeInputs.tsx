import { useTranslation } from 'react-i18next';

/** SALUTE's S: how many agents and vehicles, two numeric fields side by side (the report form and the on-scene report). */
export function SizeInputs({
  id,
  agents,
  vehicles,
  onAgents,
  onVehicles,
}: {
  id: string;
  agents: string;
  vehicles: string;
  onAgents: (value: string) => void;
  onVehicles: (value: string) => void;
}) {
  const { t } = useTranslation();
  return (
    <div className="pair">
      <div>
        <label htmlFor={`${id}-agents`}>{t('report.size.agents')}</label>
        <input
          id={`${id}-agents`}
          name="agents"
          inputMode="numeric"
          pattern="[0-9]*"
          value={agents}
          onChange={(e) => onAgents(e.target.value)}
        />
      </div>
      <div>
        <label htmlFor={`${id}-vehicles`}>{t('report.size.vehicles')}</label>
        <input
          id={`${id}-vehicles`}
          name="vehicles"
          inputMode="numeric"
          pattern="[0-9]*"
          value={vehicles}
          onChange={(e) => onVehicles(e.target.value)}
        />
      </div>
    </div>
  );
}
