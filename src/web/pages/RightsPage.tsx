import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { directionOf, LANGUAGE_FACTS, PUBLIC_LANGUAGES } from '../../shared/languages.js';
import { PAGE_QUERIES } from '../../shared/pages.js';
import type { PublicRights } from '../../shared/rights.js';
import { api } from '../api.js';
import { ContactNumbers } from '../components/ContactNumbers.js';
import { usePageLanguage } from '../language.js';
import { usePageTitle } from '../pageTitle.js';
import { hush, play, speak, useVoices, voiceFor } from '../rights/sound.js';
import { useHydrated, useServerPage } from '../server-page.js';

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

/** The reading going on now (one at a time on a page): starting another stops it. */
let reading: (() => void) | null = null;

/**
 * "Read to me" (issue 17), for people who read with difficulty: reads the item's title and points
 * aloud — the member organization's recording where one is reviewed, else the phone's own voice
 * (said so) — and becomes "Stop reading" while it reads. Only once scripts run.
 */
function ReadToMe({ item }: { item: Item }) {
  const { t } = useTranslation();
  const hydrated = useHydrated();
  const voices = useVoices();
  const [on, setOn] = useState(false);
  const audio = useRef<HTMLAudioElement | null>(null);
  const controller = useRef<AbortController | null>(null);
  const stop = useCallback(() => {
    controller.current?.abort();
    controller.current = null;
    hush();
    audio.current?.pause();
    setOn(false);
  }, []);
  useEffect(
    () => () => {
      if (controller.current) stop();
    },
    [stop],
  );
  if (!hydrated) return null;
  const tag = LANGUAGE_FACTS[item.language].tag;
  const voice = voiceFor(voices, tag);
  if (!item.clip && !voice)
    return (
      <p className="rights-note" data-testid="rights-no-voice">
        {t('rights.noVoice')}
      </p>
    );
  const start = async () => {
    reading?.();
    const mine = new AbortController();
    controller.current = mine;
    reading = stop;
    setOn(true);
    let done = false;
    if (item.clip) {
      audio.current ??= new Audio();
      done = await play(audio.current, item.clip, mine.signal);
    }
    if (!done && voice && !mine.signal.aborted)
      await speak([item.text.title, ...item.text.points].join('\n'), tag, voice, mine.signal);
    if (controller.current === mine) {
      controller.current = null;
      setOn(false);
    }
    if (reading === stop && !controller.current) reading = null;
  };
  return (
    <p className="rights-read">
      <button
        type="button"
        className={`button${on ? ' danger' : ''}`}
        aria-pressed={on}
        data-testid="rights-read"
        onClick={() => (on ? stop() : void start())}
      >
        {on ? t('rights.stopReading') : t('rights.readToMe')}
      </button>
      {!item.clip && <span className="rights-note">{t('rights.phoneVoice')}</span>}
    </p>
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
      <p className="rights-megaphone-link">
        {/* Plain links: each page is rendered by the server in this language. */}
        <a href={`/rights/megaphone?lang=${language}`} className="button">
          {t('rights.megaphoneLink')}
        </a>{' '}
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
          <ReadToMe item={card} />
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
          <ReadToMe item={item} />
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
