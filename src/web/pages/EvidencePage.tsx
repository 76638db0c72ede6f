import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EvidenceCustody, EvidenceItem, EvidenceVerification } from '../../shared/evidence.js';
import { api } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { usePageTitle } from '../pageTitle.js';
import { useTimeFormat } from '../time.js';
import { ChunkReceipts } from './evidence/ChunkReceipts.js';
import { NoteReader } from './evidence/NoteReader.js';

type Item = EvidenceItem;

const length = (ms: number | null) => {
  if (ms === null) return '';
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
};
const megabytes = (bytes: number) => (bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 2 : 1);

/**
 * The legal team's evidence: every item recorded on the coalition's
 * incidents, newest first; an item's original played or downloaded (each
 * time written into its chain of custody), its hashes, its custody log and
 * whether it holds, and a legal hold that keeps it past its retention.
 */
export default function EvidencePage() {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const [openId, setOpenId] = useState<string | null>(null);
  const items = useQuery({ queryKey: ['evidence'], queryFn: () => api<{ items: Item[] }>('/api/evidence') });
  const open = items.data?.items.find((item) => item.id === openId) ?? null;
  usePageTitle(
    open
      ? t('evidencePage.itemTitle', { kind: t(`evidencePage.kinds.${open.kind}`) })
      : t('evidencePage.title'),
  );
  return (
    <section className="evidence-page">
      <h1>{t('evidencePage.title')}</h1>
      <p className="lead">{t('evidencePage.intro')}</p>
      {items.isError && <ErrorSummary error={items.error} />}
      {items.data?.items.length === 0 && <p>{t('evidencePage.none')}</p>}
      <ul className="evidence-list">
        {items.data?.items.map((item) => (
          <li
            key={item.id}
            data-testid="evidence-item"
            aria-current={item.id === openId ? 'true' : undefined}
          >
            <button type="button" className="link" onClick={() => setOpenId(item.id)}>
              {t(`evidencePage.kinds.${item.kind}`)} · {format(item.receivedAt, 'dateTime')}
              {item.durationMs !== null && ` · ${length(item.durationMs)}`}
            </button>{' '}
            <span className="badge">{t(`evidencePage.states.${item.deleted ? 'deleted' : item.state}`)}</span>
            {item.held && <span className="badge">{t('evidencePage.held')}</span>}
          </li>
        ))}
      </ul>
      {open && <ItemDetail key={open.id} item={open} />}
    </section>
  );
}

function ItemDetail({ item }: { item: Item }) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const id = useId();
  const client = useQueryClient();
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
      api<Item>(`/api/evidence/${item.id}/hold`, { method: item.held ? 'DELETE' : 'PUT', body: { reason } }),
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
      <h2 id={`${id}-title`}>
        {t(`evidencePage.kinds.${item.kind}`)} · {format(item.receivedAt, 'dateTime')}
      </h2>
      {!item.deleted && item.chunks > 0 && (
        <>
          {/* preload none: playing is an opening of the original, written into its custody log. */}
          {item.kind === 'note' ? (
            <NoteReader item={item} />
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
          {item.contentType} · {megabytes(item.bytes)} MB · {t('evidencePage.parts', { count: item.chunks })}
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
