import { useEffect, useState } from 'react';

/**
 * Sound for the rights library (issue 17): the attention tone of megaphone mode
 * (`/rights/tone.wav`), the recordings members made, and the phone's own voice where there is no
 * recording. One media element plays the tone and the recordings (a media element plays as loud
 * as the phone allows: volume 1).
 */

/** The primary subtags a voice for this language may carry (Tagalog voices are often Filipino, `fil`). */
const voiceLanguages = (tag: string): string[] => {
  const primary = tag.toLowerCase().split('-')[0] ?? tag;
  return primary === 'tl' ? ['tl', 'fil'] : [primary];
};

/** A voice of the phone for a BCP 47 tag: the same region first, then any of the language. */
export function voiceFor(voices: readonly SpeechSynthesisVoice[], tag: string): SpeechSynthesisVoice | null {
  const wanted = tag.toLowerCase();
  const norm = (lang: string) => lang.toLowerCase().replace(/_/g, '-');
  const exact = voices.find((voice) => norm(voice.lang) === wanted);
  if (exact) return exact;
  const primaries = voiceLanguages(tag);
  return voices.find((voice) => primaries.includes(norm(voice.lang).split('-')[0] ?? '')) ?? null;
}

const synthesis = (): SpeechSynthesis | null =>
  typeof window !== 'undefined' && 'speechSynthesis' in window ? window.speechSynthesis : null;

/** The phone's voices, as they arrive (many browsers list them only after a moment). */
export function useVoices(): readonly SpeechSynthesisVoice[] {
  const [voices, setVoices] = useState<readonly SpeechSynthesisVoice[]>([]);
  useEffect(() => {
    const speech = synthesis();
    if (!speech) return;
    const read = () => setVoices(speech.getVoices());
    read();
    speech.addEventListener?.('voiceschanged', read);
    return () => speech.removeEventListener?.('voiceschanged', read);
  }, []);
  return voices;
}

/** Resolves when `signal` aborts (a stop), so a wait can race it. */
const aborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });

/**
 * Says `text` with the phone's voice; resolves when it has been said, failed, or `signal` stops it.
 * A browser that never says it has finished is not waited for longer than the words can take.
 */
export async function speak(
  text: string,
  tag: string,
  voice: SpeechSynthesisVoice,
  signal: AbortSignal,
): Promise<void> {
  const speech = synthesis();
  if (!speech || signal.aborted) return;
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = tag;
  utterance.voice = voice;
  utterance.volume = 1;
  utterance.rate = 0.95;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((resolve) => {
    utterance.onend = () => resolve();
    utterance.onerror = () => resolve();
    timer = setTimeout(resolve, 4_000 + text.length * 150);
  });
  speech.speak(utterance);
  await Promise.race([done, aborted(signal)]);
  clearTimeout(timer);
  if (signal.aborted) speech.cancel();
}

/** Stops the phone's voice at once. */
export function hush(): void {
  synthesis()?.cancel();
}

/**
 * Plays `src` on the media element from its start, as loud as the phone allows; resolves true
 * when it has played to its end, false when it could not play (or `signal` stopped it).
 */
export async function play(audio: HTMLAudioElement, src: string, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (audio.getAttribute('src') !== src) audio.src = src;
  audio.volume = 1;
  audio.muted = false;
  audio.currentTime = 0;
  let listening: (() => void) | undefined;
  const ended = new Promise<boolean>((resolve) => {
    const onEnded = () => resolve(true);
    const onError = () => resolve(false);
    audio.addEventListener('ended', onEnded);
    audio.addEventListener('error', onError);
    listening = () => {
      audio.removeEventListener('ended', onEnded);
      audio.removeEventListener('error', onError);
    };
  });
  try {
    await audio.play();
  } catch {
    listening?.();
    return false;
  }
  const result = await Promise.race([ended, aborted(signal).then(() => false)]);
  listening?.();
  if (signal.aborted) audio.pause();
  return result;
}

/** Waits `ms`, or less when `signal` stops it. */
export async function pause(ms: number, signal: AbortSignal): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), aborted(signal)]);
  clearTimeout(timer);
}
