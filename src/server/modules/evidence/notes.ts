import { isNoteCharacter, NOTE_ENTRY_MAX_BYTES } from '../../../shared/evidence-notes.js';
import { AppError } from '../../http/errors.js';

/**
 * An observer's note on the server: each entry is a slice of the note
 * (recording.ts stores it like any slice), checked whole before it is kept,
 * since every one of them is text a lawyer will read — UTF-8, no control
 * characters but tabs and line ends, at most NOTE_ENTRY_MAX_BYTES. What an
 * entry holds (its time on the phone, its text) is src/shared/evidence-notes.ts.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Checks a note's entry: UTF-8 text of an entry's length; a clear refusal otherwise. */
export function checkNoteEntry(bytes: Buffer): void {
  if (bytes.length > NOTE_ENTRY_MAX_BYTES)
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `An entry of a note holds at most ${NOTE_ENTRY_MAX_BYTES} bytes.`,
      {
        limitBytes: NOTE_ENTRY_MAX_BYTES,
      },
    );
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'A note’s entry is UTF-8 text: these bytes are not.', {
      reason: 'note_not_utf8',
    });
  }
  for (const character of text)
    if (!isNoteCharacter(character.codePointAt(0) ?? 0))
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'A note’s entry is text: it may hold tabs and line ends, but no other control character.',
        { reason: 'note_control_character' },
      );
}
