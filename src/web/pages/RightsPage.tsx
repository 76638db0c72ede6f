import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { directionOf, LANGUAGE_FACTS, PUBLIC_LANGUAGES } from '../../shared/languages.js';
import { PAGE_QUERIES } from '../../shared/pages.js';
import type { PublicRights } from '../../shared/rights.js';
import { api } from '../api.js';
import { ContactNumbers } from '../components/ContactNumbers.js';
import { usePageLanguage } from '../language.js';
import { usePageTitle } from '../pageTitle.js';
import { useServerPage } from '../server-page.js';

type Item = PublicRights['items'][number];

/** What an item's text says of itself: in another language than the page's, not yet reviewed. */
function ItemNotes({ item, language }: { item: Item; language: string }) {
  const { t } = useTranslation();
  return (
    <>
      {item.language !== language && <p className="rights-note">{t('rights.inEnglish')}</p>}
      {!item.reviewed && (
        <p className="rights-note draft" data-testid="rights-draft">
          {t('rights.notReviewed')}
        </p>
      )}
    </>
  );
}

function Sources({ item }: { item: Item }) {
  const { t } = useTranslation();
  if (item.text.sources.length === 0) return null;
  return (
    <details className="rights-sources">
      <summary>{t('rights.sources')}</summary>
      <ul>
        {item.text.sources.map((source) => (
          <li key={source}>{source}</li>
        ))}
      </ul>
    </details>
  );
}

/**
 * Know your rights (issue 17): the coalition's rights library in any of ten languages, each in its
 * own script and direction (the whole page turns for Arabic), large type, readable without
 * scripts, kept for offline with the other public pages. The card comes first: what to say, what
 * to do. Every translation not yet reviewed by a member organization says so.
 */
export function RightsPage() {
  const { t } = useTranslation();
  const language = usePageLanguage();
  const { contacts } = useServerPage();
  usePageTitle(t('rights.title'));
  const rights = useQuery({
    queryKey: PAGE_QUERIES.rights(language),
    queryFn: () => api<PublicRights>(`/api/rights?language=${language}`),
  });
  const items = rights.data?.items ?? [];
  const card = items.find((item) => item.kind === 'card');
  const topics = items.filter((item) => item.kind === 'topic');

  return (
    <section className="rights-page" data-testid="rights-page">
      <h1>{t('rights.title')}</h1>
      <p className="lead">{t('rights.intro')}</p>
      <nav aria-label={t('rights.languagesLabel')} className="rights-langs">
        <ul>
          {PUBLIC_LANGUAGES.map((code) => (
            <li key={code}>
              {/* A plain link: the server renders the page in that language and direction. */}
              <a
                href={`/rights?lang=${code}`}
                lang={LANGUAGE_FACTS[code].tag}
                hrefLang={LANGUAGE_FACTS[code].tag}
                dir={directionOf(code)}
                aria-current={code === language ? 'true' : undefined}
              >
                {LANGUAGE_FACTS[code].native}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <p className="rights-disclaimer">{t('rights.notLegalAdvice')}</p>
      <p>
        {/* A plain link: the cards page is rendered by the server in this language. */}
        <a className="button" href={`/rights/cards?lang=${language}&languages=${language}`}>
          {t('rights.cardsLink')}
        </a>
      </p>
      {rights.isError && !rights.data && <p role="alert">{t('rights.unavailable')}</p>}

      {card && (
        <article
          className="rights-card"
          id={card.slug}
          lang={LANGUAGE_FACTS[card.language].tag}
          aria-labelledby="rights-card-title"
          data-testid="rights-card"
        >
          <h2 id="rights-card-title">{card.text.title}</h2>
          <ItemNotes item={card} language={language} />
          <div className="rights-card-faces">
            <section>
              <h3>{t('rights.cardFront')}</h3>
              <ul>
                {card.text.points.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            </section>
            <section>
              <h3>{t('rights.cardBack')}</h3>
              <ul>
                {card.text.more.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
              <ContactNumbers contacts={contacts} />
            </section>
          </div>
        </article>
      )}

      {topics.length > 0 && (
        <nav aria-label={t('rights.contents')} className="rights-contents">
          <h2>{t('rights.contents')}</h2>
          <ul>
            {topics.map((item) => (
              <li key={item.slug}>
                <a href={`#${item.slug}`}>{item.text.title}</a>
              </li>
            ))}
          </ul>
        </nav>
      )}

      {topics.map((item) => (
        <article
          key={item.slug}
          id={item.slug}
          className="rights-item"
          lang={LANGUAGE_FACTS[item.language].tag}
          data-testid="rights-item"
        >
          <h2>{item.text.title}</h2>
          <ItemNotes item={item} language={language} />
          <ul className="rights-points">
            {item.text.points.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
          {item.text.more.map((paragraph) => (
            <p key={paragraph}>{paragraph}</p>
          ))}
          <Sources item={item} />
        </article>
      ))}

      <ContactNumbers contacts={contacts} />
      <p className="rights-disclaimer">{t('rights.notLegalAdvice')}</p>
    </section>
  );
}
