import { Fragment, type ReactNode, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { ACTIVITIES, EQUIPMENT, LIMITS, UNIFORMS } from '../../shared/report-fields.js';
import {
  LETTER,
  SALUTE_ORDER,
  type SaluteLetter,
  type SaluteProblem,
  type SaluteValues,
  saluteProblemKey,
} from '../salute.js';
import { CheckboxGroup, RadioGroup } from './Choices.js';

/**
 * The SALUTE questions, asked the same way by every form that takes a
 * sighting: one set of labels from the locale files, one validation
 * (`salute.ts`). Each form brings its own place and time questions (a zone
 * list, a typed zone, none on scene) and keeps its own other fields.
 * `compact` is the keyboard form of the hotline and the field (a list to type
 * into, checkboxes in a row, the SALUTE letters), else large tap targets for
 * a phone; labels, choices and checks are the same.
 */
export function SaluteFields({
  id,
  values,
  onChange,
  problems = [],
  compact = false,
  order = SALUTE_ORDER,
  location,
  time,
  markings = true,
  firstField,
}: {
  /** A prefix for the fields' ids (the form's useId). */
  id: string;
  values: SaluteValues;
  onChange: (patch: Partial<SaluteValues>) => void;
  problems?: readonly SaluteProblem[];
  compact?: boolean;
  /** The order the form asks in; SALUTE's by default. */
  order?: readonly SaluteLetter[];
  /** The form's own place and time questions. */
  location?: ReactNode;
  time?: ReactNode;
  /** Whether to ask for other markings (the scene report has no field for them). */
  markings?: boolean;
  /** The first count, for a form that starts there (the hotline). */
  firstField?: Ref<HTMLInputElement>;
}) {
  const { t } = useTranslation();
  const legend = (letter: SaluteLetter, text: string) => (compact ? `${LETTER[letter]} · ${text}` : text);
  const has = (problem: SaluteProblem) => problems.includes(problem);
  const errorId = (problem: SaluteProblem) => `${id}-${problem}-error`;
  const error = (problem: SaluteProblem) =>
    has(problem) ? (
      <p className="field-error" id={errorId(problem)}>
        {t(saluteProblemKey(problem))}
      </p>
    ) : null;
  const describedBy = (problem: SaluteProblem, hint?: string) =>
    [has(problem) ? errorId(problem) : '', hint ?? ''].filter(Boolean).join(' ') || undefined;

  const countInput = (field: 'agents' | 'vehicles') => (
    <>
      <label htmlFor={`${id}-${field}`}>{t(`report.size.${field}`)}</label>
      <input
        ref={field === 'agents' ? firstField : undefined}
        id={`${id}-${field}`}
        name={field}
        inputMode="numeric"
        pattern="[0-9]*"
        value={values[field]}
        onChange={(e) => onChange({ [field]: e.target.value })}
        aria-invalid={has('size') || undefined}
        aria-describedby={describedBy('size')}
      />
    </>
  );
  const choices = (field: 'uniforms' | 'equipment', options: readonly string[], children?: ReactNode) =>
    compact ? (
      <fieldset>
        <legend>{legend(field, t(`report.${field}.label`))}</legend>
        <div className="inline-choices">
          {options.map((value) => (
            <label key={value}>
              <input
                type="checkbox"
                name={field}
                value={value}
                checked={values[field].includes(value)}
                onChange={(e) =>
                  onChange({
                    [field]: e.target.checked
                      ? [...values[field], value]
                      : values[field].filter((v) => v !== value),
                  })
                }
              />{' '}
              {t(`report.${field}.${value}`)}
            </label>
          ))}
        </div>
        {children}
      </fieldset>
    ) : (
      <CheckboxGroup
        legend={t(`report.${field}.label`)}
        name={field}
        options={options.map((value) => ({ value, label: t(`report.${field}.${value}`) }))}
        values={values[field]}
        onChange={(next) => onChange({ [field]: next })}
      >
        {children}
      </CheckboxGroup>
    );

  const questions: Record<SaluteLetter, ReactNode> = {
    size: (
      <fieldset
        className={compact ? 'row' : undefined}
        aria-describedby={describedBy('size', `${id}-size-hint`)}
      >
        <legend>{legend('size', t('report.size.label'))}</legend>
        <p className="hint" id={`${id}-size-hint`}>
          {t('report.size.hint')}
        </p>
        {error('size')}
        {compact ? (
          <>
            {countInput('agents')}
            {countInput('vehicles')}
          </>
        ) : (
          <div className="pair">
            <div>{countInput('agents')}</div>
            <div>{countInput('vehicles')}</div>
          </div>
        )}
      </fieldset>
    ),
    activity: compact ? (
      <>
        <label htmlFor={`${id}-activity`}>{legend('activity', t('report.activity.label'))}</label>
        <select
          id={`${id}-activity`}
          value={values.activity}
          onChange={(e) => onChange({ activity: e.target.value })}
          aria-describedby={describedBy('activity')}
          aria-invalid={has('activity') || undefined}
        >
          <option value="">{t('hotline.choose')}</option>
          {ACTIVITIES.map((value) => (
            <option key={value} value={value}>
              {t(`report.activity.${value}`)}
            </option>
          ))}
        </select>
        {error('activity')}
      </>
    ) : (
      <RadioGroup
        legend={t('report.activity.label')}
        name="activity"
        options={ACTIVITIES.map((value) => ({ value, label: t(`report.activity.${value}`) }))}
        value={values.activity}
        onChange={(activity) => onChange({ activity })}
        error={error('activity')}
        describedBy={describedBy('activity')}
      />
    ),
    location,
    uniforms: choices(
      'uniforms',
      UNIFORMS,
      markings && (
        <>
          <label htmlFor={`${id}-markings`}>{t('report.uniforms.markings')}</label>
          <input
            id={`${id}-markings`}
            name="markings"
            value={values.markings}
            maxLength={LIMITS.markingsChars}
            onChange={(e) => onChange({ markings: e.target.value })}
            aria-describedby={describedBy('markings')}
            aria-invalid={has('markings') || undefined}
          />
          {error('markings')}
        </>
      ),
    ),
    time,
    equipment: choices('equipment', EQUIPMENT),
  };
  return (
    <>
      {order.map((letter) => (
        <Fragment key={letter}>{questions[letter]}</Fragment>
      ))}
    </>
  );
}
