import { useTranslation } from 'react-i18next';
import type { EvidenceItem } from '../../shared/evidence.js';
import { useTimeFormat } from '../time.js';

/**
 * An evidence photo's working copy — the pixels only, no location, camera or
 * times — for anyone who may see the item (the legal page, the board's
 * evidence panel); or, while it is made or when none can be, a line saying
 * so. Renders nothing for an item that has no working copy to speak of (a
 * video, a recording, an original deleted). Every showing is audited by the
 * server; the original stays behind the legal team's download.
 */
export function EvidencePhoto({ item, caption = true }: { item: EvidenceItem; caption?: boolean }) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const copy = item.workingCopy;
  if (!copy) return null;
  if (copy.state === 'pending')
    return (
      <p className="hint" role="status" data-testid="evidence-photo-pending">
        {t('evidencePhoto.pending')}
      </p>
    );
  if (copy.state === 'none')
    return (
      <p className="hint" data-testid="evidence-photo-none">
        {t(`evidencePhoto.none.${copy.reason}`)}
      </p>
    );
  return (
    <figure className="evidence-photo">
      <img
        src={`/api/evidence/${item.id}/working-copy`}
        alt={t('evidencePhoto.alt', { time: format(item.receivedAt, 'dateTime') })}
        width={copy.width}
        height={copy.height}
        decoding="async"
        data-testid="evidence-photo"
      />
      {caption && <figcaption className="hint">{t('evidencePhoto.caption')}</figcaption>}
    </figure>
  );
}
