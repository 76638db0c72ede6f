import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorSummary } from '../../components/ErrorSummary.js';

/** One field of a small case form: a text, date, time or choice input. */
export interface CaseField {
  name: string;
  label: string;
  type?: 'text' | 'date' | 'datetime-local' | 'tel' | 'select' | 'textarea';
  required?: boolean;
  options?: { value: string; label: string }[];
  initial?: string;
  /** A short hint under the label (what the field is for, how to write it). */
  hint?: string;
}

/**
 * A small form of a case page: its fields, one button, the server's refusal in the reader's
 * words. What was typed stays when the server refuses it; it is cleared once taken.
 */
export function CaseForm(props: {
  title: string;
  submit: string;
  fields: CaseField[];
  send: (values: Record<string, string>) => Promise<unknown>;
  /** Query keys to refresh once taken. */
  refresh: readonly unknown[][];
  testId?: string;
  onDone?: (result: unknown) => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const queries = useQueryClient();
  const initial = () => Object.fromEntries(props.fields.map((f) => [f.name, f.initial ?? '']));
  const [values, setValues] = useState<Record<string, string>>(initial);
  const mutation = useMutation({
    mutationFn: () => props.send(values),
    onSuccess: async (result) => {
      setValues(initial());
      for (const key of props.refresh) await queries.invalidateQueries({ queryKey: key });
      props.onDone?.(result);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <form onSubmit={submit} className="case-form" data-testid={props.testId} aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{props.title}</h4>
      {props.fields.map((field) => {
        const fieldId = `${id}-${field.name}`;
        const common = {
          id: fieldId,
          name: field.name,
          value: values[field.name] ?? '',
          required: field.required,
          'aria-describedby': field.hint ? `${fieldId}-hint` : undefined,
        };
        const set = (value: string) => setValues((current) => ({ ...current, [field.name]: value }));
        return (
          <div key={field.name} className="case-field">
            <label htmlFor={fieldId}>
              {field.label}
              {!field.required && <span className="optional"> {t('casesPage.optional')}</span>}
            </label>
            {field.hint && (
              <span id={`${fieldId}-hint`} className="hint">
                {field.hint}
              </span>
            )}
            {field.type === 'select' ? (
              <select {...common} onChange={(event) => set(event.target.value)}>
                {!field.required && <option value="">—</option>}
                {field.options?.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            ) : field.type === 'textarea' ? (
              <textarea {...common} rows={3} onChange={(event) => set(event.target.value)} />
            ) : (
              <input {...common} type={field.type ?? 'text'} onChange={(event) => set(event.target.value)} />
            )}
          </div>
        );
      })}
      <button type="submit" className="button" disabled={mutation.isPending}>
        {props.submit}
      </button>
      {mutation.isError && <ErrorSummary error={mutation.error} />}
    </form>
  );
}

/** Values of a form without its empty fields (the server takes an absent field as "not given"). */
export const given = (values: Record<string, string>) =>
  Object.fromEntries(Object.entries(values).filter(([, value]) => value.trim() !== ''));

/** A local date and time from a `datetime-local` input, as an instant with its offset. */
export const instantOf = (local: string) => new Date(local).toISOString();
