import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { OUTCOMES, PRESENT, type sceneReportSchema } from '../../../shared/dispatch.js';
import { ACTIVITIES, EQUIPMENT, UNIFORMS } from '../../../shared/report-fields.js';
import { CheckboxGroup, RadioGroup } from '../../components/Choices.js';
import { SizeInputs } from '../../components/SizeInputs.js';

type SceneReport = z.input<typeof sceneReportSchema>;

const count = (text: string) => (/^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : undefined);

/**
 * The on-scene report on a phone: who was there and the outcome first (all
 * that is required), then what was seen, SALUTE — how many, what is
 * happening, uniforms, vehicles and equipment — and notes. Activity, never
 * people: nothing here names or describes anyone.
 */
export function SceneReportForm({
  activity,
  onSend,
}: {
  /** What the reports said is happening; the responder corrects it if it is not. */
  activity: string;
  onSend: (report: SceneReport) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const [present, setPresent] = useState<string[]>([]);
  const [outcome, setOutcome] = useState('');
  const [agents, setAgents] = useState('');
  const [vehicles, setVehicles] = useState('');
  const [seen, setSeen] = useState(activity);
  const [uniforms, setUniforms] = useState<string[]>([]);
  const [equipment, setEquipment] = useState<string[]>([]);
  const [notes, setNotes] = useState('');
  const send = () =>
    onSend({
      present: present as SceneReport['present'],
      outcome: outcome as SceneReport['outcome'],
      notes,
      salute: {
        agents: count(agents),
        vehicles: count(vehicles),
        ...(seen !== activity ? { activity: seen as NonNullable<SceneReport['salute']>['activity'] } : {}),
        uniforms: uniforms as NonNullable<SceneReport['salute']>['uniforms'],
        equipment: equipment as NonNullable<SceneReport['salute']>['equipment'],
      },
    });
  return (
    <>
      <CheckboxGroup
        legend={t('responder.present')}
        name={`${id}-present`}
        options={PRESENT.map((p) => ({ value: p, label: t(`responder.presentOptions.${p}`) }))}
        values={present}
        onChange={setPresent}
      />
      <RadioGroup
        legend={t('responder.outcome')}
        name={`${id}-outcome`}
        value={outcome}
        onChange={setOutcome}
        options={OUTCOMES.map((o) => ({ value: o, label: t(`responder.outcomes.${o}`) }))}
      />
      <details className="salute">
        <summary>{t('responder.salute')}</summary>
        <SizeInputs
          id={id}
          agents={agents}
          vehicles={vehicles}
          onAgents={setAgents}
          onVehicles={setVehicles}
        />
        <label htmlFor={`${id}-activity`}>{t('responder.activitySeen')}</label>
        <select id={`${id}-activity`} value={seen} onChange={(e) => setSeen(e.target.value)}>
          {ACTIVITIES.map((a) => (
            <option key={a} value={a}>
              {t(`report.activity.${a}`)}
            </option>
          ))}
        </select>
        <CheckboxGroup
          legend={t('report.uniforms.label')}
          name={`${id}-uniforms`}
          options={UNIFORMS.map((u) => ({ value: u, label: t(`report.uniforms.${u}`) }))}
          values={uniforms}
          onChange={setUniforms}
        />
        <CheckboxGroup
          legend={t('report.equipment.label')}
          name={`${id}-equipment`}
          options={EQUIPMENT.map((e) => ({ value: e, label: t(`report.equipment.${e}`) }))}
          values={equipment}
          onChange={setEquipment}
        />
      </details>
      <label htmlFor={`${id}-notes`}>{t('responder.notes')}</label>
      <textarea id={`${id}-notes`} rows={3} value={notes} onChange={(e) => setNotes(e.target.value)} />
      <button
        type="button"
        className="button primary block"
        disabled={present.length === 0 || !outcome}
        onClick={send}
      >
        {t('responder.send')}
      </button>
    </>
  );
}
