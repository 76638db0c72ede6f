import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { EvidenceCustody, EvidenceItem, EvidenceVerification } from '../../../shared/evidence.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { EvidencePhoto } from '../../components/EvidencePhoto.js';
import { useLanguage } from '../../language.js';
import { useTimeFormat } from '../../time.js';
import { ChunkReceipts } from './ChunkReceipts.js';
import { exactBytes, fileSize, mediaLength } from './facts.js';
import { NoteReader } from './NoteReader.js';

/**
 * One item for the legal team: its original played or downloaded (each time
 * written into its chain of custody), its facts and hashes, the incident it
 * belongs to (and a link to all of that incident's items, to export them
 * together), a check of every seal, hash and link, a legal hold, and its
 * custody log and whether it holds.
 */
export function EvidenceItemDetail({ item, showIncident }: { item: EvidenceItem; showIncident: boolean }) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const language = useLanguage();
  const id = useId();
  const client = useQueryClient();
  const heading = useRef<HTMLHeadingElement>(null);
  // Opened from the list or by a link: the reader is taken to it (it is below the list).
  useEffect(() => heading.current?.focus(), []);
  const custody = useQuery({
    queryKey: ['evidence', item.id, 'custody'],
    queryFn: () => api<EvidenceCustody>(`/api/evidence/${item.id}/custody`),
  });
  const verify = useMutation({
    mutationFn: () => api<EvidenceVerification>(`/api/evidence/${item.id}/verify`),
  });
  const [reason, setReason] = useState('');
  const hold = useMutation({
    mutationFn: () =>
      api<EvidenceItem>(`/api/evidence/${item.id}/hold`, {
        method: item.held ? 'DELETE' : 'PUT',
        body: { reason },
      }),
    onSuccess: async () => {
      setReason('');
      await client.invalidateQueries({ queryKey: ['evidence'] });
    },
  });
  const source = `/api/evidence/${item.id}/original`;
  const submitHold = (event: FormEvent) => {
    event.preventDefault();
    hold.mutate();
  };
  return (
    <article className="evidence-detail" aria-labelledby={`${id}-title`} data-testid="evidence-detail">
      <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>
        {t(`evidencePage.kinds.${item.kind}`)} · {format(item.receivedAt, 'dateTime')}
      </h2>
      {!item.deleted && item.chunks > 0 && (
        <>
          {/* preload none: playing is an opening of the original, written into its custody log. */}
          {item.kind === 'note' ? (
            <NoteReader item={item} />
          ) : item.kind === 'photo' ? (
            // The working copy, not the original: opening the original is a download, in its custody log.
            <EvidencePhoto item={item} />
          ) : item.kind === 'video' ? (
            // biome-ignore lint/a11y/useMediaCaption: an original recording is kept as it was made; it has no captions.
            <video
              controls
              preload="none"
              src={source}
              className="evidence-player"
              data-testid="evidence-player"
            />
          ) : (
            // biome-ignore lint/a11y/useMediaCaption: an original recording is kept as it was made; it has no captions.
            <audio controls preload="none" src={source} data-testid="evidence-player" />
          )}
          <p>
            <a className="button" href={`${source}?download=1`}>
              {t('evidencePage.download')}
            </a>
          </p>
        </>
      )}
      <dl className="facts">
        <dt>{t('evidencePage.state')}</dt>
        <dd>{t(`evidencePage.states.${item.deleted ? 'deleted' : item.state}`)}</dd>
        {item.recorder && (
          <>
            <dt>{t('evidencePage.recorder')}</dt>
            <dd>
              {item.recorder.name} ({t(`roles.${item.recorder.role}`, { defaultValue: item.recorder.role })})
            </dd>
          </>
        )}
        <dt>{t('evidencePage.type')}</dt>
        <dd>
          {item.contentType} ·{' '}
          <span title={t('evidencePage.export.exactBytes', { exact: exactBytes(item.bytes, language) })}>
            {fileSize(item.bytes, language)}
          </span>{' '}
          · {t('evidencePage.parts', { count: item.chunks })}
          {item.durationMs !== null && ` · ${mediaLength(item.durationMs)}`}
        </dd>
        <dt>{t('evidencePage.incident')}</dt>
        <dd>
          <code title={item.incidentId}>{item.incidentId.slice(0, 8)}</code>
          {showIncident && (
            <>
              {' · '}
              <Link to={`/evidence?incident=${item.incidentId}&item=${item.id}`} data-testid="incident-items">
                {t('evidencePage.incidentItems')}
              </Link>
            </>
          )}
        </dd>
        {item.deviceStartedAt && (
          <>
            <dt>{t('evidencePage.deviceTime')}</dt>
            <dd>{format(item.deviceStartedAt, 'long')}</dd>
          </>
        )}
        <dt>{t('evidencePage.serverTime')}</dt>
        <dd>{format(item.receivedAt, 'long')}</dd>
        <dt>SHA-256</dt>
        <dd className="hash">{item.sha256 ?? t('evidencePage.notComplete')}</dd>
        <dt>{t('evidencePage.chain')}</dt>
        <dd className="hash">{item.chain}</dd>
        <dt>{t('evidencePage.retention')}</dt>
        <dd>{item.held ? t('evidencePage.heldLong') : format(item.retainUntil, 'dateTime')}</dd>
      </dl>
      {item.kind !== 'note' && <ChunkReceipts item={item} />}
      <p>
        <button type="button" className="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
          {t('evidencePage.verify')}
        </button>
      </p>
      {verify.data && (
        <p
          role="status"
          className={verify.data.ok ? 'hint' : 'error-summary'}
          data-testid="evidence-verified"
        >
          {verify.data.ok
            ? t(verify.data.complete ? 'evidencePage.verifiedComplete' : 'evidencePage.verifiedPartial', {
                count: verify.data.chunks,
              })
            : t('evidencePage.verifyFailed', {
                where: t(`evidencePage.failureWhere.${verify.data.failure.at}`, {
                  seq: 'seq' in verify.data.failure ? verify.data.failure.seq : '',
                }),
                why: t(`evidencePage.failureWhy.${verify.data.failure.reason}`),
              })}
        </p>
      )}
      {verify.isError && <ErrorSummary error={verify.error} />}
      {!item.deleted && (
        <form onSubmit={submitHold} className="hold-form">
          <label htmlFor={`${id}-reason`}>
            {t(item.held ? 'evidencePage.liftReason' : 'evidencePage.holdReason')}
          </label>
          <input
            id={`${id}-reason`}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            required
            minLength={3}
          />
          <button type="submit" className="button">
            {t(item.held ? 'evidencePage.lift' : 'evidencePage.hold')}
          </button>
          {hold.isError && <ErrorSummary error={hold.error} />}
        </form>
      )}
      <h3>{t('evidencePage.custody')}</h3>
      {custody.data && (
        <p className={custody.data.check.ok ? 'hint' : 'error-summary'} data-testid="custody-check">
          {custody.data.check.ok
            ? t('evidencePage.custodyHolds', { count: custody.data.check.entries })
            : t('evidencePage.custodyBroken', { seq: custody.data.check.seq })}
        </p>
      )}
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">{t('evidencePage.custody')}</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('evidencePage.when')}</th>
              <th scope="col">{t('evidencePage.what')}</th>
              <th scope="col">{t('evidencePage.who')}</th>
            </tr>
          </thead>
          <tbody>
            {custody.data?.entries.map((entry) => (
              <tr key={entry.seq}>
                <td>{entry.seq}</td>
                <td>{format(entry.at, 'dateTime')}</td>
                <td>{t(`evidencePage.events.${entry.event}`)}</td>
                <td>{entry.actor ?? t('evidencePage.server')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}
