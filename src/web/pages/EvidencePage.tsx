import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import {
  EVIDENCE_EXPORT_ERROR_PARAM,
  EVIDENCE_EXPORT_MAX_ITEMS,
  type EvidenceItem,
} from '../../shared/evidence.js';
import { api } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { useLanguage } from '../language.js';
import { usePageTitle } from '../pageTitle.js';
import { useTimeFormat } from '../time.js';
import { EvidenceItemDetail } from './evidence/EvidenceItemDetail.js';
import { ExportBundle, ExportRefused } from './evidence/ExportBundle.js';
import { fileSize, mediaLength } from './evidence/facts.js';

type Item = EvidenceItem;

/** An id from the address, or null when it is not one (a link copied short). */
const idParam = (value: string | null) =>
  value && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? value : null;

/**
 * The legal team's evidence: every item recorded on the coalition's
 * incidents, newest first, or one incident's (`?incident=`); an item opened
 * by its address (`?item=`, so a link from the board opens it and Back
 * returns); items ticked and exported together, or all of an incident's, as
 * a signed bundle for counsel saved straight to disk.
 */
export default function EvidencePage() {
  const { t } = useTranslation();
  const id = useId();
  const [params, setParams] = useSearchParams();
  const openId = idParam(params.get('item'));
  const incidentId = idParam(params.get('incident'));
  const refusal = params.get(EVIDENCE_EXPORT_ERROR_PARAM);
  const [selected, setSelected] = useState<ReadonlyMap<string, Item>>(new Map());

  const list = useQuery({
    queryKey: incidentId ? ['evidence', 'incident', incidentId] : ['evidence'],
    queryFn: () =>
      api<{ items: Item[] }>(incidentId ? `/api/incidents/${incidentId}/evidence` : '/api/evidence'),
    // A photo's working copy is made by the server a moment after it completes.
    refetchInterval: (query) =>
      query.state.data?.items.some((item) => item.workingCopy?.state === 'pending') ? 3000 : false,
  });
  const items = list.data?.items ?? [];
  const listed = items.find((item) => item.id === openId);
  // Linked to an item this list does not hold (older than the latest 200): asked for by itself.
  const single = useQuery({
    queryKey: ['evidence', 'item', openId],
    queryFn: () => api<Item>(`/api/evidence/${openId}`),
    enabled: openId !== null && list.isSuccess && !listed,
  });
  const open = listed ?? (single.data?.id === openId ? single.data : undefined);
  usePageTitle(
    open
      ? t('evidencePage.itemTitle', { kind: t(`evidencePage.kinds.${open.kind}`) })
      : t('evidencePage.title'),
  );

  /** Changes the address: a new entry in the history (Back returns), or in place. */
  const go = (change: (next: URLSearchParams) => void, replace = false) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        next.delete(EVIDENCE_EXPORT_ERROR_PARAM);
        next.delete('reason');
        change(next);
        return next;
      },
      { replace },
    );
  const toggle = (item: Item, on: boolean) =>
    setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(item.id, item);
      else next.delete(item.id);
      return next;
    });
  const tooMany = selected.size > EVIDENCE_EXPORT_MAX_ITEMS;

  return (
    <section className="evidence-page">
      <h1>{t('evidencePage.title')}</h1>
      <p className="lead">{t('evidencePage.intro')}</p>
      {refusal && (
        <ExportRefused
          code={refusal}
          reason={params.get('reason')}
          onDismiss={() => go(() => undefined, true)}
        />
      )}
      {list.isError && <ErrorSummary error={list.error} />}

      {incidentId && (
        <section
          aria-labelledby={`${id}-incident`}
          className="evidence-incident"
          data-testid="evidence-incident"
        >
          <h2 id={`${id}-incident`}>
            {t('evidencePage.incidentTitle')} <code title={incidentId}>{incidentId.slice(0, 8)}</code>
          </h2>
          <p>
            <Link to="/evidence">{t('evidencePage.allEvidence')}</Link>
            {' · '}
            <Link to={`/cases?new=1&incident=${incidentId}`} data-testid="open-case-from-incident">
              {t('evidencePage.openCase')}
            </Link>
          </p>
          {items.length > 0 && (
            <ExportBundle
              selection={{ incidentId }}
              items={items}
              label={t('evidencePage.export.incident', { count: items.length })}
              testId="export-incident"
            />
          )}
        </section>
      )}

      {list.isSuccess && items.length === 0 && (
        <p>{t(incidentId ? 'evidencePage.noneOnIncident' : 'evidencePage.none')}</p>
      )}
      {items.length > 0 && (
        <section aria-labelledby={`${id}-selection`} className="evidence-selection">
          <h2 id={`${id}-selection`} className="visually-hidden">
            {t('evidencePage.export.selectionTitle')}
          </h2>
          {selected.size === 0 ? (
            <p className="hint">{t('evidencePage.export.pick')}</p>
          ) : tooMany ? (
            <p className="error-summary" role="alert">
              {t('evidencePage.export.tooMany', { max: EVIDENCE_EXPORT_MAX_ITEMS })}
            </p>
          ) : (
            <ExportBundle
              selection={{ itemIds: [...selected.keys()] }}
              items={[...selected.values()]}
              label={t('evidencePage.export.selected', { count: selected.size })}
              testId="export-selected"
            />
          )}
          <p className="actions">
            <button
              type="button"
              className="button"
              onClick={() =>
                setSelected(new Map([...selected, ...items.map((item) => [item.id, item] as const)]))
              }
            >
              {t('evidencePage.export.selectAll', { count: items.length })}
            </button>
            {selected.size > 0 && (
              <button type="button" className="button" onClick={() => setSelected(new Map())}>
                {t('evidencePage.export.clear')}
              </button>
            )}
          </p>
        </section>
      )}

      <ul className="evidence-list">
        {items.map((item) => (
          <EvidenceRow
            key={item.id}
            item={item}
            pickId={`${id}-pick-${item.id}`}
            open={item.id === openId}
            picked={selected.has(item.id)}
            onPick={(on) => toggle(item, on)}
            onOpen={() => go((next) => next.set('item', item.id))}
          />
        ))}
      </ul>
      {single.isError && (
        <ErrorSummary error={single.error} overrides={{ NOT_FOUND: t('evidencePage.itemNotFound') }} />
      )}
      {open && <EvidenceItemDetail key={open.id} item={open} showIncident={incidentId !== open.incidentId} />}
    </section>
  );
}

/** One item in the list: a checkbox to export it with others, a button that opens it, its size and state. */
function EvidenceRow(props: {
  item: Item;
  pickId: string;
  open: boolean;
  picked: boolean;
  onPick: (on: boolean) => void;
  onOpen: () => void;
}) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const language = useLanguage();
  const { item } = props;
  const length = mediaLength(item.durationMs);
  const size = fileSize(item.bytes, language);
  const kind = t(`evidencePage.kinds.${item.kind}`);
  const received = format(item.receivedAt, 'dateTime');
  // What tells items apart to someone who hears the checkboxes one by one (two sounds in a minute).
  const described = [kind, received, length, size].filter(Boolean).join(' · ');
  return (
    <li data-testid="evidence-item" aria-current={props.open ? 'true' : undefined}>
      <input
        type="checkbox"
        id={props.pickId}
        checked={props.picked}
        onChange={(event) => props.onPick(event.target.checked)}
      />
      <label htmlFor={props.pickId} className="visually-hidden">
        {t('evidencePage.export.pickOne', { item: described })}
      </label>{' '}
      <button type="button" className="link" onClick={props.onOpen}>
        {kind} · {received}
        {length && ` · ${length}`}
      </button>{' '}
      <span className="muted">{size}</span>{' '}
      <span className="badge">{t(`evidencePage.states.${item.deleted ? 'deleted' : item.state}`)}</span>
      {item.held && <span className="badge">{t('evidencePage.held')}</span>}
    </li>
  );
}
