import {
  type FormEvent,
  type KeyboardEvent,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  useSyncExternalStore,
} from 'react';
import { useTranslation } from 'react-i18next';
import { NOTE_ENTRY_MAX_CHARS, NOTE_MAX_BYTES, noteEntry } from '../../../shared/evidence-notes.js';
import { errorText } from '../../errors.js';
import { useTimeFormat } from '../../time.js';
import {
  type NotePad,
  notePadOf,
  onProgress,
  progressOf,
  queueNoteEntry,
  queueNoteFinish,
  type RecordingProgress,
} from './evidence-queue.js';

/** An entry as the pad shows it; the text of one restored after a reload is not on the phone any more once sent. */
interface Entry {
  seq: number;
  writtenAt: string | null;
  text: string | null;
}

function useProgress(itemId: string | null): RecordingProgress | null {
  return useSyncExternalStore(
    onProgress,
    () => (itemId ? progressOf(itemId) : null),
    () => null,
  );
}

/**
 * The observer's note pad, for the partner who is not filming: one tap puts
 * the time at the start of a new line, "Add" (or Enter) sends the entry at
 * once as the next part of one sealed note for the legal team — through the
 * recorder's outbox, so an entry written without a connection waits on the
 * phone and goes when it returns. The pad says how many entries the server
 * has, and goes on with an unfinished note after a reload.
 */
export function ObserverNotes({ incidentId }: { incidentId: string }) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const id = useId();
  const field = useRef<HTMLTextAreaElement | null>(null);
  const list = useRef<HTMLOListElement | null>(null);
  const [pad, showPad] = useState<NotePad | null>(null);
  /**
   * The note as kept on the phone, and the last change to it: entries are kept one after the
   * other, so that two quick taps never give two entries the same place.
   */
  const kept = useRef<NotePad | null>(null);
  const keeping = useRef<Promise<void>>(Promise.resolve());
  const setPad = useCallback((next: NotePad | null) => {
    kept.current = next;
    showPad(next);
  }, []);
  const [entries, setEntries] = useState<Entry[]>([]);
  const [draft, setDraft] = useState('');
  /** The note last finished here, said until the next one begins. */
  const [finished, setFinished] = useState<NotePad | null>(null);
  const [failed, setFailed] = useState(false);
  const shown = pad ?? finished;
  const progress = useProgress(shown?.itemId ?? null);

  // An unfinished note an earlier visit left on this phone goes on where it stopped.
  useEffect(() => {
    let current = true;
    void notePadOf(incidentId)
      .then((left) => {
        if (!current || !left) return;
        const waiting = new Map(left.waiting.map((entry) => [entry.seq, entry]));
        setPad(left.pad);
        setEntries(
          Array.from({ length: left.pad.entries }, (_, index) => ({
            seq: index + 1,
            writtenAt: waiting.get(index + 1)?.writtenAt ?? null,
            text: waiting.get(index + 1)?.text ?? null,
          })),
        );
      })
      .catch(() => setFailed(true));
    return () => {
      current = false;
    };
  }, [incidentId, setPad]);
  // The newest entry in view, as in a chat.
  useEffect(() => {
    if (entries.length > 0) list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [entries.length]);

  const insertTime = () => {
    const time = format(Date.now(), 'seconds');
    setDraft((text) => `${text === '' || text.endsWith('\n') ? text : `${text}\n`}${time} `);
    // Back to the text, at its end: the observer goes on typing.
    requestAnimationFrame(() => {
      const element = field.current;
      if (!element) return;
      element.focus();
      element.setSelectionRange(element.value.length, element.value.length);
    });
  };

  /** Takes the text from the field at once (a second tap adds nothing) and keeps it after what came before. */
  const add = () => {
    const text = draft.trim();
    if (text === '') return;
    setDraft('');
    const writtenAt = new Date();
    keeping.current = keeping.current.then(() => keep(text, writtenAt));
  };

  const keep = async (text: string, writtenAt: Date) => {
    const bytes = new TextEncoder().encode(noteEntry(writtenAt, text));
    let note = kept.current;
    // A note that would pass its limit is finished, and the entry begins the next one.
    if (note && note.bytes + bytes.length > NOTE_MAX_BYTES) {
      await queueNoteFinish(note);
      note = null;
    }
    const fresh = !note;
    note ??= {
      incidentId,
      itemId: crypto.randomUUID(),
      deviceStartedAt: writtenAt.toISOString(),
      entries: 0,
      bytes: 0,
    };
    const next = { ...note, entries: note.entries + 1, bytes: note.bytes + bytes.length };
    try {
      await queueNoteEntry(next, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    } catch {
      // Not kept on the phone (its storage full or refused): the text goes back into the field.
      setDraft((typed) => (typed === '' ? text : `${text}\n${typed}`));
      return setFailed(true);
    }
    setFailed(false);
    setPad(next);
    setFinished(null);
    const entry = { seq: next.entries, writtenAt: writtenAt.toISOString(), text };
    setEntries((list) => (fresh ? [entry] : [...list, entry]));
  };

  const finish = () => {
    keeping.current = keeping.current.then(async () => {
      const note = kept.current;
      if (!note) return;
      await queueNoteFinish(note);
      setFinished(note);
      setPad(null);
    });
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    add();
  };
  // Enter adds the entry (the phone's keyboard shows "send"); Shift+Enter starts a new line.
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    add();
  };

  const count = shown?.entries ?? 0;
  const waiting = Math.min(progress?.waiting ?? 0, count);
  const earlier = entries.filter((entry) => entry.text === null).length;
  const status = !shown
    ? null
    : progress?.refused
      ? t('observerNotes.refused', { reason: errorText(t, progress.refused) })
      : progress?.done
        ? t('observerNotes.done', { count })
        : finished
          ? t('observerNotes.finishing', { count, safe: count - waiting })
          : waiting > 0
            ? t('observerNotes.waiting', { count, safe: count - waiting, waiting })
            : t('observerNotes.safe', { count });

  return (
    <section className="observer-notes" aria-labelledby={`${id}-title`} data-testid="observer-notes">
      <h3 id={`${id}-title`}>{t('observerNotes.title')}</h3>
      <p className="hint">{t('observerNotes.intro')}</p>
      {earlier > 0 && <p className="hint">{t('observerNotes.earlier', { count: earlier })}</p>}
      {entries.some((entry) => entry.text !== null) && (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a list that scrolls must be reachable by keyboard.
        <ol className="note-entries" ref={list} tabIndex={0} aria-label={t('observerNotes.listLabel')}>
          {entries
            .filter((entry) => entry.text !== null)
            .map((entry) => (
              <li key={entry.seq} data-testid="note-entry">
                <span className="note-text">{entry.text}</span>{' '}
                {entry.writtenAt && (
                  <time className="note-added" dateTime={entry.writtenAt}>
                    {t('observerNotes.added', { time: format(entry.writtenAt, 'seconds') })}
                  </time>
                )}
              </li>
            ))}
        </ol>
      )}
      {status && (
        // Said when it changes: an entry kept, an entry safe, the note finished.
        <p role="status" data-testid="notes-safe" className={progress?.refused ? 'error-summary' : 'hint'}>
          {status}
        </p>
      )}
      <form onSubmit={submit} className="note-form">
        <label htmlFor={`${id}-text`}>{t('observerNotes.label')}</label>
        <textarea
          id={`${id}-text`}
          ref={field}
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          rows={4}
          maxLength={NOTE_ENTRY_MAX_CHARS}
          enterKeyHint="send"
          aria-describedby={`${id}-how`}
        />
        <p className="hint" id={`${id}-how`}>
          {t('observerNotes.how')}
        </p>
        <div className="note-actions">
          <button type="button" className="button block" onClick={insertTime} data-testid="note-time">
            {t('observerNotes.time')}
          </button>
          <button type="submit" className="button primary block">
            {t('observerNotes.add')}
          </button>
        </div>
      </form>
      {failed && <p className="error-summary">{t('observerNotes.failed')}</p>}
      {pad && (
        <button type="button" className="button block" onClick={finish}>
          {t('observerNotes.finish')}
        </button>
      )}
    </section>
  );
}
