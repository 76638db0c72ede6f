import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * "Need help", within reach wherever the page is scrolled: a bar fixed to the bottom of the screen
 * (the page leaves room for it). One tap only asks; the call goes out from a second, different
 * button that appears higher up — so a double tap, or a tap in a pocket, lands on "Cancel", which
 * takes the first button's place.
 */
export function NeedHelp({ onConfirm }: { onConfirm: () => Promise<boolean> }) {
  const { t } = useTranslation();
  const id = useId();
  const [asking, setAsking] = useState(false);
  const [sending, setSending] = useState(false);
  const question = useRef<HTMLParagraphElement>(null);
  const ask = useRef<HTMLButtonElement>(null);
  const wasAsking = useRef(false);
  // Focus follows the step: to the question when it appears, back to the button when it goes.
  useEffect(() => {
    if (asking) question.current?.focus();
    else if (wasAsking.current) ask.current?.focus();
    wasAsking.current = asking;
  }, [asking]);
  const confirm = async () => {
    setSending(true);
    const sent = await onConfirm();
    setSending(false);
    if (sent) setAsking(false);
  };
  return (
    <div className="need-help" data-testid="need-help">
      {asking ? (
        <section
          className="need-help-confirm"
          aria-labelledby={`${id}-question`}
          onKeyDown={(event) => event.key === 'Escape' && setAsking(false)}
        >
          <p id={`${id}-question`} ref={question} tabIndex={-1}>
            {t('responder.helpConfirm.question')}
          </p>
          <button
            type="button"
            className="button danger block"
            disabled={sending}
            onClick={() => void confirm()}
          >
            {t('responder.helpConfirm.yes')}
          </button>
          <button type="button" className="button block need-help-cancel" onClick={() => setAsking(false)}>
            {t('responder.helpConfirm.cancel')}
          </button>
        </section>
      ) : (
        <button ref={ask} type="button" className="button danger block" onClick={() => setAsking(true)}>
          {t('responder.help')}
        </button>
      )}
    </div>
  );
}
