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
  return (
    <>
      <label htmlFor={props.id} className="label-strong">
        {props.label}
      </label>
      <input
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
