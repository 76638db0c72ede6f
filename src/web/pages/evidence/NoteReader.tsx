import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { EvidenceItem, EvidenceReceipt } from '../../../shared/evidence.js';
import { readNoteEntry } from '../../../shared/evidence-notes.js';
import { ApiError, api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { TableScroll } from '../../components/TableScroll.js';
import { useTimeFormat } from '../../time.js';

/** The original's bytes, as the legal team opens them (written into its custody log by the server). */
async function originalBytes(itemId: string): Promise<ArrayBuffer> {
  let response: Response;
  try {
    response = await fetch(`/api/evidence/${itemId}/original`, { credentials: 'same-origin' });
  } catch {
    throw new ApiError('NETWORK', 'network error', 0);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as {
      error?: { code?: string; message?: string; details?: Record<string, unknown> };
    };
    throw new ApiError(
      body.error?.code ?? 'INTERNAL',
      body.error?.message ?? response.statusText,
      response.status,
      [],
      body.error?.details,
    );
  }
  return response.arrayBuffer();
}

/**
 * An observer's note for the legal team: read on request, since reading it
 * opens the original (like playing a video, it is written into the chain of
 * custody and the audit log). Each entry is cut from the original at its
 * chunk's place, and shown with the time the phone wrote it and the time it
 * reached the server.
 */
export function NoteReader({ item }: { item: EvidenceItem }) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const id = useId();
  const client = useQueryClient();
  const read = useMutation({
    mutationFn: async () => {
      const [bytes, { chunks }] = await Promise.all([
        originalBytes(item.id),
        api<{ chunks: EvidenceReceipt[] }>(`/api/evidence/${item.id}/chunks`),
      ]);
      const decoder = new TextDecoder();
      return chunks.map((chunk) => ({
        ...chunk,
        ...readNoteEntry(decoder.decode(new Uint8Array(bytes, chunk.offset, chunk.bytes))),
      }));
    },
    // The reading is in the custody log now.
    onSettled: () => client.invalidateQueries({ queryKey: ['evidence', item.id, 'custody'] }),
  });
  const time = (at: string | null) =>
    at ? <time dateTime={at}>{format(at, 'seconds')}</time> : t('observerNotes.unknown');

  if (!read.data)
    return (
      <div className="note-reader">
        <p className="hint">{t('observerNotes.reader.openHint')}</p>
        <button
          type="button"
          className="button primary"
          onClick={() => read.mutate()}
          disabled={read.isPending}
        >
          {t('observerNotes.reader.open')}
        </button>
        {read.isError && <ErrorSummary error={read.error} />}
      </div>
    );
  return (
    <TableScroll captionId={`${id}-caption`} testId="note-reader">
      <table className="note-table">
        <caption id={`${id}-caption`}>{t('observerNotes.reader.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('observerNotes.reader.seq')}</th>
            <th scope="col">{t('observerNotes.reader.written')}</th>
            <th scope="col">{t('observerNotes.reader.received')}</th>
            <th scope="col">{t('observerNotes.reader.text')}</th>
          </tr>
        </thead>
        <tbody>
          {read.data.map((entry) => (
            <tr key={entry.seq} data-testid="note-row">
              <td>{entry.seq}</td>
              <td>{time(entry.writtenAt)}</td>
              <td>{time(entry.receivedAt)}</td>
              <td className="note-text">{entry.text}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
