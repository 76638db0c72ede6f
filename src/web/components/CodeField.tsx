import { useEffect, useRef } from 'react';

/**
 * What was typed before the page's scripts took over (a server-rendered page on a slow phone: the
 * fields work before the scripts arrive) becomes the field's value, instead of the empty value the
 * scripts start with — else the person's code would be sent empty, and counted as a wrong try.
 */
function useTypedBeforeScripts(value: string, onChange: (value: string) => void) {
  const input = useRef<HTMLInputElement>(null);
  // Once, on the first render in the browser.
  // biome-ignore lint/correctness/useExhaustiveDependencies: only what the server-rendered field held.
  useEffect(() => {
    const typed = input.current?.value ?? '';
    if (typed && typed !== value) onChange(typed);
  }, []);
  return input;
}

/**
 * The input a code is typed into — a receipt code, a plan code, a case code — the same everywhere:
 * capitals as typed on a phone's keyboard, no suggestions or autofill (a code is not a word, and
 * must not be remembered by the browser), a hint under the label when there is one.
 */
export function CodeField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  /** Only where the form may be sent without scripts, by POST (a code never goes in an address). */
  name?: string;
}) {
  const hintId = `${props.id}-hint`;
  const input = useTypedBeforeScripts(props.value, props.onChange);
  return (
    <>
      <label htmlFor={props.id} className="label-strong">
        {props.label}
      </label>
      {props.hint && (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      <input
        ref={input}
        id={props.id}
        name={props.name}
        className="code-input"
        autoCapitalize="characters"
        autoComplete="off"
        spellCheck={false}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-describedby={props.hint ? hintId : undefined}
      />
    </>
  );
}

/** The PIN beside a code: digits on a phone's keypad, hidden as typed, never remembered. */
export function PinField(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Only where the form is sent without scripts by POST: a PIN never goes in an address. */
  name?: string;
}) {
  const input = useTypedBeforeScripts(props.value, props.onChange);
  return (
    <>
      <label htmlFor={props.id} className="label-strong">
        {props.label}
      </label>
      <input
        ref={input}
        id={props.id}
        name={props.name}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </>
  );
}
