import { useMutation } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { PASSWORD_MIN } from '../../shared/roles.js';
import type { ErrorOverrides } from '../errors.js';
import { ErrorSummary } from './ErrorSummary.js';

/** A labelled text field with its own error line. */
export function Field(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: string;
  autoComplete?: string;
  hint?: string;
  inputMode?: 'numeric' | 'text' | 'email';
  name: string;
}) {
  const id = useId();
  return (
    <>
      <label htmlFor={id}>{props.label}</label>
      {props.hint && (
        <p className="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      )}
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
      />
    </>
  );
}

const HEADINGS = ['h1', 'h2', 'h3'] as const;

/** A form that shows a busy state and one error line. */
export function StepForm(props: {
  title: string;
  intro?: ReactNode;
  submit: string;
  onSubmit: () => Promise<void>;
  children: ReactNode;
  /** What this form says for an error code, where the general sentence is not precise enough. */
  errors?: ErrorOverrides;
  /** Its title's heading level: 1 when the form is the page (sign-in), lower inside a page's section. */
  level?: 1 | 2 | 3;
}) {
  const { t } = useTranslation();
  const Heading = HEADINGS[(props.level ?? 1) - 1] ?? 'h1';
  const step = useMutation({ mutationFn: props.onSubmit });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    step.mutate();
  };
  return (
    <form onSubmit={submit} noValidate>
      <Heading>{props.title}</Heading>
      {props.intro}
      {props.children}
      <ErrorSummary error={step.error} overrides={props.errors} />
      <button type="submit" className="button primary block" disabled={step.isPending}>
        {step.isPending ? t('auth.working') : props.submit}
      </button>
    </form>
  );
}

/** The sign-in e-mail field (the browser's password manager fills it as the user name). */
export function EmailField(props: { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  return (
    <Field
      name="email"
      label={t('auth.signIn.email')}
      type="email"
      autoComplete="username"
      inputMode="email"
      value={props.value}
      onChange={props.onChange}
    />
  );
}

/** A new-password field with the length rule in its hint. */
export function NewPasswordField(props: { value: string; onChange: (value: string) => void }) {
  const { t } = useTranslation();
  return (
    <Field
      name="new"
      label={t('auth.newPassword.new')}
      hint={t('auth.newPassword.hint', { count: PASSWORD_MIN })}
      type="password"
      autoComplete="new-password"
      value={props.value}
      onChange={props.onChange}
    />
  );
}
