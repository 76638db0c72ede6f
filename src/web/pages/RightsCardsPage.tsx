import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { LANGUAGE_FACTS, PUBLIC_LANGUAGES, type PublicLanguage } from '../../shared/languages.js';
import { PAGE_QUERIES } from '../../shared/pages.js';
import { PAPERS, type Paper, type RightsCard, type RightsCards } from '../../shared/rights.js';
import { api } from '../api.js';
import { usePageLanguage } from '../language.js';
import { usePageTitle } from '../pageTitle.js';
import { useHydrated } from '../server-page.js';

/** Wallet cards on a sheet: two across, four down, on Letter and on A4 alike. */
const PER_SHEET = 8;
const COLUMNS = 2;

/** The sheet's cards: each language asked for at least once, the sheet filled by repeating them. */
export function sheetsOf<T>(cards: readonly T[]): T[][] {
  if (cards.length === 0) return [];
  const count = Math.max(PER_SHEET, Math.ceil(cards.length / PER_SHEET) * PER_SHEET);
  const slots = Array.from({ length: count }, (_, i) => cards[i % cards.length] as T);
  return Array.from({ length: count / PER_SHEET }, (_, i) => slots.slice(i * PER_SHEET, (i + 1) * PER_SHEET));
}

/** The backs in the order a long-edge duplex print puts them behind their fronts: each row's columns swapped. */
export function mirrored<T>(sheet: readonly T[]): T[] {
  const rows: T[][] = [];
  for (let i = 0; i < sheet.length; i += COLUMNS) rows.push(sheet.slice(i, i + COLUMNS).reverse());
  return rows.flat();
}

function Face({ card, side }: { card: RightsCard; side: 'front' | 'back' }) {
  const face = card[side];
  return (
    <div
      className={`wallet-card ${side}`}
      lang={LANGUAGE_FACTS[card.language].tag}
      dir={card.direction}
      data-testid={`wallet-card-${side}`}
    >
      <p className="wallet-card-heading">{face.heading}</p>
      <ul>
        {face.lines.map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {side === 'back' &&
        card.footer.map((line) => (
          <p key={line} className="wallet-card-footer">
            {line}
          </p>
        ))}
    </div>
  );
}

/**
 * Printable "red cards" (issue 17): wallet-size, what to say on the front and what to do on the
 * back, one or several languages per sheet, Letter or A4. The sheet of fronts, then the sheet of
 * backs (mirrored for a long-edge duplex print); a print stylesheet sizes them to the millimetre.
 * Chosen with a plain form, so it works without scripts.
 */
export function RightsCardsPage() {
  const { t } = useTranslation();
  const language = usePageLanguage();
  const hydrated = useHydrated();
  const [params] = useSearchParams();
  const asked = params
    .getAll('languages')
    .filter((code): code is PublicLanguage => (PUBLIC_LANGUAGES as readonly string[]).includes(code));
  const languages = asked.length > 0 ? PUBLIC_LANGUAGES.filter((code) => asked.includes(code)) : [language];
  const paperParam = params.get('paper') ?? '';
  const paper: Paper = (PAPERS as readonly string[]).includes(paperParam) ? (paperParam as Paper) : 'letter';
  usePageTitle(t('rights.cards.title'));
  const cards = useQuery({
    queryKey: PAGE_QUERIES.rightsCards(languages, paper),
    queryFn: () =>
      api<RightsCards>(
        `/api/rights/cards?${new URLSearchParams([...languages.map((code) => ['languages', code]), ['paper', paper]])}`,
      ),
  });
  const sheets = sheetsOf(cards.data?.cards ?? []);
  const pdf = `/rights/cards.pdf?${new URLSearchParams([
    ...languages.map((code) => ['languages', code]),
    ['paper', paper],
  ])}`;

  return (
    <section className="rights-cards-page">
      <div className="no-print">
        <h1>{t('rights.cards.title')}</h1>
        <p className="lead">{t('rights.cards.intro')}</p>
        <form method="get" action="/rights/cards">
          <input type="hidden" name="lang" value={language} />
          <fieldset>
            <legend>{t('rights.cards.languages')}</legend>
            <ul className="rights-card-choices">
              {PUBLIC_LANGUAGES.map((code) => (
                <li key={code}>
                  <label lang={LANGUAGE_FACTS[code].tag}>
                    <input
                      type="checkbox"
                      name="languages"
                      value={code}
                      defaultChecked={languages.includes(code)}
                    />{' '}
                    {LANGUAGE_FACTS[code].native}
                  </label>
                </li>
              ))}
            </ul>
          </fieldset>
          <fieldset>
            <legend>{t('rights.cards.paper')}</legend>
            {PAPERS.map((option) => (
              <label key={option} className="inline">
                <input type="radio" name="paper" value={option} defaultChecked={option === paper} />{' '}
                {t(`rights.cards.papers.${option}`)}
              </label>
            ))}
          </fieldset>
          <button type="submit" className="button">
            {t('rights.cards.show')}
          </button>
        </form>
        <p className="actions">
          {hydrated && (
            <button type="button" className="button primary" onClick={() => window.print()}>
              {t('rights.cards.print')}
            </button>
          )}{' '}
          <a className="button" href={pdf} download>
            {t('rights.cards.pdf')}
          </a>
        </p>
        <p className="hint">{t('rights.cards.howToPrint')}</p>
        <p className="hint">{t('rights.cards.pdfHint')}</p>
        {cards.data?.cards.some((card) => !card.reviewed) && (
          <p className="rights-note draft">{t('rights.notReviewed')}</p>
        )}
      </div>
      {sheets.map((sheet, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: sheets are positions on paper, nothing else names them.
        <div key={index} className="card-sheets">
          <section
            className="card-sheet"
            data-paper={paper}
            data-testid="card-sheet-front"
            aria-label={t('rights.cards.fronts')}
          >
            {sheet.map((card, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a card's place on the sheet is its identity.
              <Face key={i} card={card} side="front" />
            ))}
          </section>
          <section
            className="card-sheet"
            data-paper={paper}
            data-testid="card-sheet-back"
            aria-label={t('rights.cards.backs')}
          >
            {mirrored(sheet).map((card, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a card's place on the sheet is its identity.
              <Face key={i} card={card} side="back" />
            ))}
          </section>
        </div>
      ))}
    </section>
  );
}
