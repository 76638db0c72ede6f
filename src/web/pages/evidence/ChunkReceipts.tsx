import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EvidenceItem, EvidenceReceipt } from '../../../shared/evidence.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { TableScroll } from '../../components/TableScroll.js';
import { useTimeFormat } from '../../time.js';

/**
 * When each part of an item reached the server (a recording's slices as it
 * was made, an upload's mebibytes), folded: there may be thousands. Facts,
 * not content: reading them opens nothing. Asked for when unfolded.
 */
export function ChunkReceipts({ item }: { item: EvidenceItem }) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const id = useId();
  const [open, setOpen] = useState(false);
  const receipts = useQuery({
    queryKey: ['evidence', item.id, 'chunks', item.chunks],
    queryFn: () => api<{ chunks: EvidenceReceipt[] }>(`/api/evidence/${item.id}/chunks`),
    enabled: open,
  });
  if (item.chunks === 0 || item.deleted) return null;
  return (
    <details className="chunk-receipts" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>{t('observerNotes.receipts.show', { count: item.chunks })}</summary>
      {receipts.isError && <ErrorSummary error={receipts.error} />}
      {receipts.data && (
        <TableScroll captionId={`${id}-caption`}>
          <table>
            <caption id={`${id}-caption`} className="visually-hidden">
              {t('observerNotes.receipts.show', { count: item.chunks })}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('observerNotes.receipts.seq')}</th>
                <th scope="col">{t('observerNotes.receipts.received')}</th>
                <th scope="col">{t('observerNotes.receipts.bytes')}</th>
                <th scope="col">{t('observerNotes.receipts.sha256')}</th>
              </tr>
            </thead>
            <tbody>
              {receipts.data.chunks.map((chunk) => (
                <tr key={chunk.seq}>
                  <td>{chunk.seq}</td>
                  <td>
                    {chunk.receivedAt ? format(chunk.receivedAt, 'seconds') : t('observerNotes.unknown')}
                  </td>
                  <td>{chunk.bytes}</td>
                  <td className="hash">{chunk.sha256}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableScroll>
      )}
    </details>
  );
}
