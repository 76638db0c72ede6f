import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { OUTCOMES, PRESENT, type sceneReportSchema } from '../../../shared/dispatch.js';
import { CheckboxGroup, RadioGroup } from '../../components/Choices.js';
import { SaluteFields } from '../../components/SaluteFields.js';
import {
  EMPTY_SALUTE,
  type SaluteProblem,
  type SaluteValues,
  saluteBody,
  saluteProblems,
} from '../../salute.js';

type SceneReport = z.input<typeof sceneReportSchema>;
type SceneSalute = NonNullable<SceneReport['salute']>;

/**
 * The on-scene report on a phone: who was there and the outcome first (all
 * that is required), then what was seen, SALUTE — how many, what is
 * happening, uniforms, vehicles and equipment (the place is the incident's,
 * the time now) — and notes. Activity, never people: nothing here names or
 * describes anyone.
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
  const [salute, setSalute] = useState<SaluteValues>({ ...EMPTY_SALUTE, activity });
  const [problems, setProblems] = useState<SaluteProblem[]>([]);
  const [notes, setNotes] = useState('');
  const send = () => {
    const found = saluteProblems(salute);
    setProblems(found);
    if (found.length > 0) return;
    const seen = saluteBody(salute);
    onSend({
      present: present as SceneReport['present'],
      outcome: outcome as SceneReport['outcome'],
      notes,
      salute: {
        agents: seen.agents,
        vehicles: seen.vehicles,
        ...(seen.activity !== activity ? { activity: seen.activity as SceneSalute['activity'] } : {}),
        uniforms: seen.uniforms as SceneSalute['uniforms'],
        equipment: seen.equipment as SceneSalute['equipment'],
      },
    });
  };
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
      {/* Open when it holds something to correct, so the problem is seen. */}
      <details className="salute" open={problems.length > 0 || undefined}>
        <summary>{t('responder.salute')}</summary>
        <SaluteFields
          id={id}
          values={salute}
          onChange={(patch) => setSalute((current) => ({ ...current, ...patch }))}
          problems={problems}
          markings={false}
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
