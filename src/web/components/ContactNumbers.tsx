import { useTranslation } from 'react-i18next';
import type { PublicContacts } from '../../shared/pages.js';

const dial = (number: string) => number.replace(/[^\d+]/g, '');

/** The coalition's hotline and text number, for a person who would rather call or text (or whose form will not send). */
export function ContactNumbers({ contacts }: { contacts: PublicContacts }) {
  const { t } = useTranslation();
  if (!contacts.hotline && !contacts.sms) return null;
  return (
    <p className="contacts" data-testid="contact-numbers">
      {contacts.hotline && (
        <span>
          {t('contacts.call')} <a href={`tel:${dial(contacts.hotline)}`}>{contacts.hotline}</a>
        </span>
      )}
      {contacts.hotline && contacts.sms && ' · '}
      {contacts.sms && (
        <span>
          {t('contacts.text')} <a href={`sms:${dial(contacts.sms)}`}>{contacts.sms}</a>
        </span>
      )}
    </p>
  );
}
