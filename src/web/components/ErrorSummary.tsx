import { type ErrorOverrides, useErrorText } from '../errors.js';

/**
 * A failed write (a mutation's `error`), worded from its code and details in
 * the reader's language by `errorText`; nothing while there is none. `say`
 * puts the sentence into a page's own words ("The rumor check could not be
 * prepared: …").
 */
export function ErrorSummary({
  error,
  overrides,
  say,
}: {
  error: unknown;
  overrides?: ErrorOverrides;
  say?: (text: string) => string;
}) {
  const errorText = useErrorText(overrides);
  if (error === null || error === undefined) return null;
  const text = errorText(error);
  return (
    <p className="error-summary" role="alert">
      {say ? say(text) : text}
    </p>
  );
}
