import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { EvidenceItem } from '../../../shared/evidence.js';
import { api } from '../../api.js';
import { EvidencePhoto } from '../../components/EvidencePhoto.js';
import { TableScroll } from '../../components/TableScroll.js';
import { useLanguage } from '../../language.js';
import { useSession } from '../../session.js';
import { useTimeFormat } from '../../time.js';
import { exactBytes, fileSize, mediaLength, shortHash } from '../evidence/facts.js';
import { Ago } from './time.js';
import { detailKey } from './useLiveIncidents.js';

/**
 * While an item of the open incident is arriving, its size grows and it may stall (partial after
 * two minutes without a slice): neither is an event, so the open panel asks again this often.
 * Starting, resuming and completing are events (`incident.updated`), which refetch at once.
 */
export const ARRIVING_REFRESH_MS = 10_000;

/** Under the incident's key: every live event about the incident refreshes it with the rest. */
export const evidenceKey = (incidentId: string) => [...detailKey(incidentId), 'evidence'];

/**
 * What responders recorded on the incident, as facts: type, length, size,
 * state, when it arrived and its SHA-256. Dispatchers see that an item exists
 * and what it is, never its content (only the legal team opens originals);
 * someone who is on the legal team too gets a link to it on the Evidence page.
 */
export function IncidentEvidence({ incidentId, now }: { incidentId: string; now: number }) {
  const { t } = useTranslation();
  const id = useId();
  const language = useLanguage();
  const format = useTimeFormat();
  const session = useSession().data;
  const legal = session?.state === 'signed_in' && session.permissions.includes('evidence:legal');
  const evidence = useQuery({
    queryKey: evidenceKey(incidentId),
    queryFn: () => api<{ items: EvidenceItem[] }>(`/api/incidents/${incidentId}/evidence`),
    refetchInterval: (query) =>
      query.state.data?.items.some((item) => item.state === 'receiving' && !item.deleted)
        ? ARRIVING_REFRESH_MS
        : false,
  });
  const items = evidence.data?.items ?? [];

  return (
    <section aria-labelledby={`${id}-title`} className="incident-evidence" data-testid="incident-evidence">
      <h3 id={`${id}-title`}>
        {t('dispatch.evidence.title')}
        {items.length > 0 && ` (${items.length})`}
      </h3>
      {evidence.isError && <p className="error-summary">{t('dispatch.evidence.loadError')}</p>}
      {evidence.isSuccess && items.length === 0 && <p className="muted">{t('dispatch.evidence.none')}</p>}
      {items.length > 0 && (
        <>
          <p className="hint">{t(legal ? 'dispatch.evidence.hintLegal' : 'dispatch.evidence.hint')}</p>
          <TableScroll captionId={`${id}-caption`}>
            <table className="table evidence-table">
              <caption id={`${id}-caption`} className="visually-hidden">
                {t('dispatch.evidence.caption')}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('dispatch.evidence.type')}</th>
                  <th scope="col">{t('dispatch.evidence.length')}</th>
                  <th scope="col">{t('dispatch.evidence.size')}</th>
                  <th scope="col">{t('dispatch.evidence.state')}</th>
                  <th scope="col">{t('dispatch.evidence.received')}</th>
                  <th scope="col">SHA-256</th>
                  {legal && (
                    <th scope="col">
                      <span className="visually-hidden">{t('dispatch.evidence.open')}</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {items.map((item) => {
                  // Which item a control is for, to someone who hears the row's controls one by one.
                  const which = t('dispatch.evidence.which', {
                    kind: t(`evidencePage.kinds.${item.kind}`),
                    time: format(item.receivedAt),
                  });
                  return (
                    <tr key={item.id} data-testid="incident-evidence-item" data-state={item.state}>
                      <td>
                        {t(`evidencePage.kinds.${item.kind}`)}
                        {item.workingCopy && <PhotoCopy item={item} which={which} />}
                      </td>
                      <td>{mediaLength(item.durationMs) ?? <Missing />}</td>
                      <td
                        title={t('dispatch.evidence.bytes', {
                          count: item.bytes,
                          exact: exactBytes(item.bytes, language),
                        })}
                      >
                        {fileSize(item.bytes, language)}
                      </td>
                      <td>
                        <span className={`badge evidence-state ${item.deleted ? 'deleted' : item.state}`}>
                          {item.state === 'receiving' && !item.deleted && (
                            <span className="live-dot" aria-hidden="true" />
                          )}
                          {t(`evidencePage.states.${item.deleted ? 'deleted' : item.state}`)}
                        </span>
                      </td>
                      <td>
                        <Ago iso={item.receivedAt} now={now} />
                      </td>
                      <td>{item.sha256 ? <Hash sha256={item.sha256} which={which} /> : <NotYet />}</td>
                      {legal && (
                        <td>
                          <Link to={`/evidence?item=${item.id}`}>
                            {t('dispatch.evidence.open')}
                            <span className="visually-hidden"> {which}</span>
                          </Link>
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
          {legal && (
            <p>
              <Link to={`/evidence?incident=${incidentId}`}>{t('dispatch.evidence.allOnPage')}</Link>
            </p>
          )}
        </>
      )}
    </section>
  );
}

/**
 * A photo's working copy (no location, camera or time), shown when asked for: every showing is
 * audited, so the board does not load one for every photo it lists.
 */
function PhotoCopy({ item, which }: { item: EvidenceItem; which: string }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(false);
  return (
    <div className="evidence-photo-toggle">
      <button type="button" className="link" aria-expanded={shown} onClick={() => setShown(!shown)}>
        {t(shown ? 'dispatch.evidence.hidePhoto' : 'dispatch.evidence.showPhoto')}
        <span className="visually-hidden"> {which}</span>
      </button>
      {shown && <EvidencePhoto item={item} caption={false} />}
    </div>
  );
}

function Missing() {
  const { t } = useTranslation();
  return <span title={t('dispatch.evidence.noLength')}>—</span>;
}

function NotYet() {
  const { t } = useTranslation();
  return <span className="muted">{t('dispatch.evidence.noHashYet')}</span>;
}

/** The short hash, the whole one in its title and a button that copies it (where the browser allows). */
function Hash({ sha256, which }: { sha256: string; which: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const canCopy = typeof navigator !== 'undefined' && !!navigator.clipboard;
  const copy = () =>
    navigator.clipboard.writeText(sha256).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <span className="evidence-hash">
      <code title={sha256} data-testid="evidence-hash">
        {shortHash(sha256)}
      </code>
      {canCopy && (
        <button type="button" className="link" onClick={() => void copy()}>
          {t('dispatch.evidence.copy')}
          <span className="visually-hidden"> {t('dispatch.evidence.copyWhat', { which })}</span>
        </button>
      )}
      <span role="status" className="visually-hidden">
        {copied ? t('dispatch.evidence.copied') : ''}
      </span>
    </span>
  );
}
