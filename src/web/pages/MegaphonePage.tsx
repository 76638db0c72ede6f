import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { directionOf, LANGUAGE_FACTS, type PublicLanguage } from '../../shared/languages.js';
import { PAGE_QUERIES } from '../../shared/pages.js';
import { type Megaphone, RIGHTS_TONE_PATH } from '../../shared/rights.js';
import { api } from '../api.js';
import { usePageLanguage } from '../language.js';
import { usePageTitle } from '../pageTitle.js';
import { hush, pause, play, speak, useVoices, voiceFor } from '../rights/sound.js';
import { useHydrated } from '../server-page.js';

type Spoken = Megaphone['languages'][number];

/** How a language is said on this phone: a member's recording, the phone's voice, or not at all. */
type Way = 'recorded' | 'phoneVoice' | 'skipped';

const wayOf = (entry: Spoken, voices: readonly SpeechSynthesisVoice[]): Way =>
  entry.clip ? 'recorded' : voiceFor(voices, LANGUAGE_FACTS[entry.language].tag) ? 'phoneVoice' : 'skipped';

/** What a wake lock the page holds looks like (typed here: older DOM typings lack it). */
interface ScreenLock {
  released: boolean;
  release(): Promise<void>;
}
interface WakeLockApi {
  request(type: 'screen'): Promise<ScreenLock>;
}
const wakeLockApi = (): WakeLockApi | null =>
  (navigator as Navigator & { wakeLock?: WakeLockApi }).wakeLock ?? null;

/**
 * Megaphone mode (issue 17): held to a megaphone or played on its own, the phone sounds an
 * attention tone, then says the card's "what to say" in each chosen language — a member's
 * recording where one is reviewed, the phone's own voice (labelled so) where not, skipped (and
 * said so) where neither — round after round until Stop, as loud as the phone allows, the screen
 * kept on. Without scripts it shows the words to read out loud, in the page's language.
 */
export function MegaphonePage() {
  const { t } = useTranslation();
  const id = useId();
  const language = usePageLanguage();
  const hydrated = useHydrated();
  usePageTitle(t('rights.megaphone.title'));
  const data = useQuery({
    queryKey: PAGE_QUERIES.megaphone(),
    queryFn: () => api<Megaphone>('/api/rights/megaphone'),
  });
  const entries = data.data?.languages ?? [];
  const shown = entries.find((entry) => entry.language === language) ?? entries[0];
  const voices = useVoices();
  const [chosen, setChosen] = useState<PublicLanguage[]>([language]);
  const [running, setRunning] = useState(false);
  const [round, setRound] = useState(0);
  const [now, setNow] = useState<PublicLanguage | 'tone' | null>(null);
  const [problem, setProblem] = useState<'chooseOne' | 'noSound' | null>(null);
  const [screen, setScreen] = useState<'on' | 'mayDim' | null>(null);
  const audio = useRef<HTMLAudioElement>(null);
  const stopper = useRef<AbortController | null>(null);
  const lock = useRef<ScreenLock | null>(null);

  const keepScreenOn = useCallback(async () => {
    const api = wakeLockApi();
    if (!api) {
      setScreen('mayDim');
      return;
    }
    try {
      lock.current = await api.request('screen');
      setScreen('on');
    } catch {
      setScreen('mayDim');
    }
  }, []);

  // A wake lock ends when the page is hidden: it is asked for again when the page is back.
  useEffect(() => {
    const again = () => {
      if (
        document.visibilityState === 'visible' &&
        stopper.current &&
        (!lock.current || lock.current.released)
      )
        void keepScreenOn();
    };
    document.addEventListener('visibilitychange', again);
    return () => document.removeEventListener('visibilitychange', again);
  }, [keepScreenOn]);

  const stop = useCallback(() => {
    stopper.current?.abort();
    stopper.current = null;
    hush();
    audio.current?.pause();
    const held = lock.current;
    lock.current = null;
    if (held && !held.released) void held.release().catch(() => undefined);
    if (document.fullscreenElement) void document.exitFullscreen?.().catch(() => undefined);
    setRunning(false);
    setNow(null);
    setScreen(null);
  }, []);

  // Leaving the page stops it.
  useEffect(() => () => stop(), [stop]);

  const start = () => {
    const element = audio.current;
    const saying = entries.filter((entry) => chosen.includes(entry.language));
    if (!element) return;
    if (saying.length === 0) {
      setProblem('chooseOne');
      return;
    }
    setProblem(null);
    const controller = new AbortController();
    stopper.current = controller;
    const signal = controller.signal;
    setRunning(true);
    setRound(0);
    void keepScreenOn();
    void document.documentElement.requestFullscreen?.().catch(() => undefined);
    void (async () => {
      for (let n = 1; !signal.aborted; n++) {
        setRound(n);
        setNow('tone');
        const toned = await play(element, RIGHTS_TONE_PATH, signal);
        if (signal.aborted) break;
        let said = toned;
        for (const entry of saying) {
          if (signal.aborted) break;
          const tag = LANGUAGE_FACTS[entry.language].tag;
          setNow(entry.language);
          if (entry.clip && (await play(element, entry.clip, signal))) {
            said = true;
            continue;
          }
          const voice = voiceFor(window.speechSynthesis?.getVoices() ?? [], tag);
          if (voice) {
            await speak([entry.title, ...entry.points].join('\n'), tag, voice, signal);
            said = true;
          }
        }
        if (!said && !signal.aborted) {
          // Nothing this phone can sound: say so rather than loop in silence.
          setProblem('noSound');
          stop();
          break;
        }
        await pause(1_200, signal);
      }
    })();
  };

  const toggle = (code: PublicLanguage, on: boolean) =>
    setChosen((list) => (on ? [...list.filter((c) => c !== code), code] : list.filter((c) => c !== code)));

  return (
    <section
      className={`rights-page megaphone${running ? ' running' : ''}`}
      data-testid="megaphone-page"
      data-round={round}
      data-running={running ? 'true' : 'false'}
    >
      <h1>{t('rights.megaphone.title')}</h1>
      <p className="lead">{t('rights.megaphone.intro')}</p>
      {/* biome-ignore lint/a11y/useMediaCaption: the tone has no words; the words it is followed by are on the screen. */}
      <audio ref={audio} preload="none" data-testid="megaphone-audio" />

      {hydrated && (
        <>
          <fieldset className="megaphone-langs" disabled={running}>
            <legend>{t('rights.megaphone.languages')}</legend>
            {entries.map((entry) => {
              const facts = LANGUAGE_FACTS[entry.language];
              const way = wayOf(entry, voices);
              const checked = chosen.includes(entry.language);
              return (
                <div key={entry.language} className="megaphone-lang">
                  <input
                    type="checkbox"
                    id={`${id}-${entry.language}`}
                    checked={checked}
                    onChange={(event) => toggle(entry.language, event.target.checked)}
                    aria-describedby={checked ? `${id}-${entry.language}-way` : undefined}
                  />
                  <label
                    htmlFor={`${id}-${entry.language}`}
                    lang={facts.tag}
                    dir={directionOf(entry.language)}
                  >
                    {facts.native}
                  </label>
                  {checked && (
                    <span
                      className={`megaphone-way ${way}`}
                      id={`${id}-${entry.language}-way`}
                      data-testid={`megaphone-way-${entry.language}`}
                      data-way={way}
                    >
                      {t(`rights.megaphone.${way}`)}
                    </span>
                  )}
                </div>
              );
            })}
          </fieldset>
          {problem && (
            <p role="alert" data-testid="megaphone-problem">
              {t(`rights.megaphone.${problem}`)}
            </p>
          )}
          {running ? (
            <button type="button" className="button danger megaphone-button" onClick={stop}>
              {t('rights.megaphone.stop')}
            </button>
          ) : (
            <button type="button" className="button primary megaphone-button" onClick={start}>
              {t('rights.megaphone.start')}
            </button>
          )}
          <p role="status" className="megaphone-status" data-testid="megaphone-status">
            {running
              ? `${t('rights.megaphone.round', { round })} ${
                  now === 'tone'
                    ? t('rights.megaphone.now', { language: t('rights.megaphone.tone') })
                    : now
                      ? t('rights.megaphone.now', { language: LANGUAGE_FACTS[now].native })
                      : ''
                } ${screen ? t(screen === 'on' ? 'rights.megaphone.screenOn' : 'rights.megaphone.screenMayDim') : ''}`
              : round > 0
                ? t('rights.megaphone.stopped')
                : ''}
          </p>
        </>
      )}

      {(() => {
        // What is being said now (with scripts), or what to read out loud (the page's language).
        const entry = (now && now !== 'tone' && entries.find((e) => e.language === now)) || shown;
        if (!entry) return null;
        return (
          <article
            className="rights-card megaphone-words"
            lang={LANGUAGE_FACTS[entry.language].tag}
            dir={directionOf(entry.language)}
            aria-labelledby={`${id}-words`}
            data-testid="megaphone-words"
          >
            <h2 id={`${id}-words`}>{t('rights.megaphone.readAloud')}</h2>
            {!entry.reviewed && <p className="rights-note draft">{t('rights.notReviewed')}</p>}
            <ul>
              {entry.points.map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </article>
        );
      })()}

      {!running && (
        <nav aria-label={t('rights.megaphone.otherLanguage')} className="rights-langs">
          <ul>
            {entries.map((entry) => (
              <li key={entry.language}>
                {/* A plain link: without scripts, the words to read out loud in that language. */}
                <a
                  href={`/rights/megaphone?lang=${entry.language}`}
                  lang={LANGUAGE_FACTS[entry.language].tag}
                  hrefLang={LANGUAGE_FACTS[entry.language].tag}
                  dir={directionOf(entry.language)}
                  aria-current={entry.language === language ? 'true' : undefined}
                >
                  {LANGUAGE_FACTS[entry.language].native}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <p>
        <a href={`/rights?lang=${language}`}>{t('rights.megaphone.back')}</a>
      </p>
    </section>
  );
}
