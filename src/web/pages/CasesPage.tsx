import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { type CaseList, type CaseTeam, CUSTODY_STATUSES } from '../../shared/cases.js';
import { api } from '../api.js';
import { ErrorSummary } from '../components/ErrorSummary.js';
import { useLanguage } from '../language.js';
import { usePageTitle } from '../pageTitle.js';
import { useTimeFormat } from '../time.js';
import { CalendarFeedPanel } from './cases/CalendarFeed.js';
import { CaseDetailView } from './cases/CaseDetail.js';
import { CaseForm, given } from './cases/CaseForm.js';

const idParam = (value: string | null) =>
  value && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value) ? value : null;

/**
 * The legal team's cases: counts by custody status and upcoming hearings, the list with its
 * filters, a search by A-number or name, a case opened from a call or an incident
 * (`?new=1&incident=`), and a case opened by its address (`?case=`, so Back returns).
 */
export default function CasesPage() {
  const { t } = useTranslation();
  const id = useId();
  const format = useTimeFormat();
  const language = useLanguage();
  const [params, setParams] = useSearchParams();
  const caseId = idParam(params.get('case'));
  const incidentId = idParam(params.get('incident'));
  const opening = params.get('new') === '1';
  const filters = Object.fromEntries(
    ['status', 'facilityId', 'organizationId', 'hearingWithinDays', 'closed']
      .map((key) => [key, params.get(key) ?? ''] as const)
      .filter(([, value]) => value !== ''),
  );
  const [search, setSearch] = useState<{ aNumber?: string; name?: string } | null>(null);
  const [query, setQuery] = useState({ aNumber: '', name: '' });
  usePageTitle(t('casesPage.title'));

  const team = useQuery({ queryKey: ['cases', 'team'], queryFn: () => api<CaseTeam>('/api/cases/team') });
  const list = useQuery({
    queryKey: ['cases', 'list', filters],
    queryFn: () => api<CaseList>(`/api/cases?${new URLSearchParams(filters)}`),
  });
  const found = useQuery({
    queryKey: ['cases', 'search', search],
    queryFn: () => api<CaseList>('/api/cases/search', { method: 'POST', body: search ?? {} }),
    enabled: search !== null,
  });
  const go = (change: (next: URLSearchParams) => void) =>
    setParams((current) => {
      const next = new URLSearchParams(current);
      change(next);
      return next;
    });
  const runSearch = (event: FormEvent) => {
    event.preventDefault();
    setSearch(given(query));
  };
  const shown = search !== null ? found.data : list.data;
  const statusLabel = (status: string) => t(`casesPage.status.${status}`);

  return (
    <section className="cases-page">
      <h1>{t('casesPage.title')}</h1>
      <p className="lead">{t('casesPage.intro')}</p>
      {list.data && (
        <ul className="case-counts" aria-label={t('casesPage.countsLabel')} data-testid="case-counts">
          {CUSTODY_STATUSES.map((status) => (
            <li key={status}>
              <strong>{list.data.counts[status] ?? 0}</strong> {statusLabel(status)}
            </li>
          ))}
          <li>
            <strong>{list.data.upcomingHearings}</strong> {t('casesPage.upcomingHearings')}
          </li>
        </ul>
      )}
      <p className="actions">
        <Link className="button primary" to="/cases?new=1">
          {t('casesPage.open')}
        </Link>
        <a
          className="button"
          href={`/api/cases/export.csv?${new URLSearchParams({ ...filters, language })}`}
          download
        >
          {t('casesPage.exportCsv')}
        </a>
      </p>
      {opening && team.data && (
        <OpenCase
          team={team.data}
          incidentId={incidentId}
          onOpened={(opened) =>
            go((next) => {
              next.delete('new');
              next.delete('incident');
              next.set('case', opened);
            })
          }
        />
      )}

      <form className="case-search" onSubmit={runSearch} aria-labelledby={`${id}-search`}>
        <h2 id={`${id}-search`}>{t('casesPage.search')}</h2>
        <label htmlFor={`${id}-anumber`}>{t('casesPage.aNumber')}</label>
        <input
          id={`${id}-anumber`}
          inputMode="numeric"
          value={query.aNumber}
          onChange={(event) => setQuery({ ...query, aNumber: event.target.value })}
        />
        <label htmlFor={`${id}-name`}>{t('casesPage.name')}</label>
        <input
          id={`${id}-name`}
          value={query.name}
          onChange={(event) => setQuery({ ...query, name: event.target.value })}
        />
        <button type="submit" className="button">
          {t('casesPage.find')}
        </button>
        {search !== null && (
          <button type="button" className="button" onClick={() => setSearch(null)}>
            {t('casesPage.clearSearch')}
          </button>
        )}
        {found.isError && <ErrorSummary error={found.error} />}
      </form>

      {search === null && (
        <form className="case-filters" aria-label={t('casesPage.filters')}>
          <label htmlFor={`${id}-status`}>{t('casesPage.statusLabel')}</label>
          <select
            id={`${id}-status`}
            value={filters.status ?? ''}
            onChange={(event) => go((next) => setOrDelete(next, 'status', event.target.value))}
          >
            <option value="">{t('casesPage.any')}</option>
            {CUSTODY_STATUSES.map((status) => (
              <option key={status} value={status}>
                {statusLabel(status)}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-facility`}>{t('casesPage.facility')}</label>
          <select
            id={`${id}-facility`}
            value={filters.facilityId ?? ''}
            onChange={(event) => go((next) => setOrDelete(next, 'facilityId', event.target.value))}
          >
            <option value="">{t('casesPage.any')}</option>
            {team.data?.facilities.map((facility) => (
              <option key={facility.id} value={facility.id}>
                {facility.name}
              </option>
            ))}
          </select>
          <label htmlFor={`${id}-org`}>{t('casesPage.organization')}</label>
          <select
            id={`${id}-org`}
            value={filters.organizationId ?? ''}
            onChange={(event) => go((next) => setOrDelete(next, 'organizationId', event.target.value))}
          >
            <option value="">{t('casesPage.any')}</option>
            {team.data?.organizations
              .filter((o) => o.mine)
              .map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
          </select>
          <label htmlFor={`${id}-hearing`}>{t('casesPage.nextHearing')}</label>
          <select
            id={`${id}-hearing`}
            value={filters.hearingWithinDays ?? ''}
            onChange={(event) => go((next) => setOrDelete(next, 'hearingWithinDays', event.target.value))}
          >
            <option value="">{t('casesPage.any')}</option>
            <option value="7">{t('casesPage.withinDays', { count: 7 })}</option>
            <option value="30">{t('casesPage.withinDays', { count: 30 })}</option>
          </select>
          <label className="inline-check">
            <input
              type="checkbox"
              checked={filters.closed === 'true'}
              onChange={(event) =>
                go((next) => setOrDelete(next, 'closed', event.target.checked ? 'true' : ''))
              }
            />
            {t('casesPage.closedOnly')}
          </label>
        </form>
      )}

      {list.isError && <ErrorSummary error={list.error} />}
      {shown && shown.cases.length === 0 && <p>{t(search ? 'casesPage.noneFound' : 'casesPage.none')}</p>}
      <ul className="case-list" data-testid="case-list">
        {shown?.cases.map((row) => (
          <li key={row.id} className={row.id === caseId ? 'open' : undefined}>
            <button
              type="button"
              className="case-row"
              aria-current={row.id === caseId ? 'true' : undefined}
              onClick={() => go((next) => next.set('case', row.id))}
            >
              <strong>{row.name}</strong>
              <span>{statusLabel(row.status)}</span>
              {row.facilityName && <span>{row.facilityName}</span>}
              <span>
                {row.nextHearingAt
                  ? t('casesPage.hearingOn', { when: format(row.nextHearingAt, 'dateTime') })
                  : t('casesPage.noHearing')}
              </span>
              {!row.consent && <span className="badge">{t('casesPage.noConsent')}</span>}
            </button>
          </li>
        ))}
      </ul>
      {caseId && team.data && (
        <CaseDetailView
          key={caseId}
          caseId={caseId}
          team={team.data}
          onGone={() => go((next) => next.delete('case'))}
        />
      )}
      <CalendarFeedPanel />
    </section>
  );
}

function setOrDelete(params: URLSearchParams, key: string, value: string) {
  if (value) params.set(key, value);
  else params.delete(key);
}

/** Opening a case: from a call, or from an incident (its id from the address); consent if given now. */
function OpenCase(props: { team: CaseTeam; incidentId: string | null; onOpened: (id: string) => void }) {
  const { t } = useTranslation();
  const mine = props.team.organizations.filter((o) => o.mine);
  return (
    <CaseForm
      title={
        props.incidentId
          ? t('casesPage.openFromIncident', { incident: props.incidentId.slice(0, 8) })
          : t('casesPage.openFromCall')
      }
      submit={t('casesPage.openSubmit')}
      testId="open-case"
      refresh={[['cases']]}
      onDone={(result) => props.onOpened((result as { id: string }).id)}
      fields={[
        ...(mine.length > 1
          ? [
              {
                name: 'organizationId',
                label: t('casesPage.organization'),
                type: 'select' as const,
                required: true,
                initial: mine[0]?.id,
                options: mine.map((o) => ({ value: o.id, label: o.name })),
              },
            ]
          : []),
        { name: 'name', label: t('casesPage.personName'), required: true },
        { name: 'contact', label: t('casesPage.contact'), type: 'tel', hint: t('casesPage.contactHint') },
        { name: 'givenBy', label: t('casesPage.consentGivenBy'), hint: t('casesPage.consentHint') },
        {
          name: 'method',
          label: t('casesPage.consentMethod'),
          type: 'select',
          options: (['in_person', 'phone', 'written'] as const).map((m) => ({
            value: m,
            label: t(`casesPage.consentMethods.${m}`),
          })),
        },
      ]}
      send={(values) => {
        const { name, contact, givenBy, method, organizationId } = given(values);
        return api<{ id: string }>('/api/cases', {
          method: 'POST',
          body: {
            source: props.incidentId ? 'incident' : 'call',
            ...(props.incidentId ? { incidentId: props.incidentId } : {}),
            ...(organizationId ? { organizationId } : {}),
            person: { name, ...(contact ? { contact } : {}) },
            ...(givenBy ? { consent: { givenBy, method: method ?? 'phone' } } : {}),
          },
        });
      }}
    />
  );
}
