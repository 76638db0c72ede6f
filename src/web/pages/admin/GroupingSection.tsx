import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GroupingPolicy } from '../../../shared/incident.js';
import { ACTIVITIES, type Activity } from '../../../shared/report-fields.js';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { TableScroll } from '../../components/TableScroll.js';

type Row = { radiusKm: string; windowMinutes: string };

const text = (n: number | undefined) => (n === undefined ? '' : String(n));
const number = (value: string) => (value.trim() === '' ? undefined : Number(value));

/** How reports are grouped into incidents: distance and time, overall and per activity. */
export function GroupingSection() {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const policy = useQuery({
    queryKey: ['admin', 'grouping'],
    queryFn: () => api<GroupingPolicy>('/api/admin/grouping'),
  });
  const [radius, setRadius] = useState('');
  const [windowMinutes, setWindowMinutes] = useState('');
  const [rows, setRows] = useState<Partial<Record<Activity, Row>>>({});

  useEffect(() => {
    if (!policy.data) return;
    setRadius(text(policy.data.radiusKm));
    setWindowMinutes(text(policy.data.windowMinutes));
    setRows(
      Object.fromEntries(
        ACTIVITIES.map((a) => [
          a,
          {
            radiusKm: text(policy.data.byActivity[a]?.radiusKm),
            windowMinutes: text(policy.data.byActivity[a]?.windowMinutes),
          },
        ]),
      ),
    );
  }, [policy.data]);

  const store = useMutation({
    mutationFn: (body: object) => api<GroupingPolicy>('/api/admin/grouping', { method: 'PUT', body }),
    onSuccess: (saved) => queryClient.setQueryData(['admin', 'grouping'], saved),
  });
  const save = (event: FormEvent) => {
    event.preventDefault();
    const byActivity = Object.fromEntries(
      ACTIVITIES.flatMap((a) => {
        const row = rows[a];
        const own = {
          radiusKm: number(row?.radiusKm ?? ''),
          windowMinutes: number(row?.windowMinutes ?? ''),
        };
        return own.radiusKm === undefined && own.windowMinutes === undefined ? [] : [[a, own]];
      }),
    );
    store.mutate({ radiusKm: number(radius), windowMinutes: number(windowMinutes), byActivity });
  };

  if (!policy.data) return null;
  return (
    <form onSubmit={save}>
      <p className="hint">{t('admin.grouping.intro')}</p>
      <div className="pair">
        <div>
          <label htmlFor={`${id}-radius`}>{t('admin.grouping.radius')}</label>
          <input
            id={`${id}-radius`}
            inputMode="decimal"
            value={radius}
            onChange={(e) => setRadius(e.target.value)}
          />
        </div>
        <div>
          <label htmlFor={`${id}-window`}>{t('admin.grouping.window')}</label>
          <input
            id={`${id}-window`}
            inputMode="numeric"
            value={windowMinutes}
            onChange={(e) => setWindowMinutes(e.target.value)}
          />
        </div>
      </div>
      <TableScroll captionId={`${id}-caption`}>
        <table className="table">
          <caption id={`${id}-caption`} className="hint">
            {t('admin.grouping.perActivity')}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('dispatch.activity')}</th>
              <th scope="col">{t('admin.grouping.radius')}</th>
              <th scope="col">{t('admin.grouping.window')}</th>
            </tr>
          </thead>
          <tbody>
            {ACTIVITIES.map((activity) => (
              <tr key={activity}>
                <th scope="row">{t(`report.activity.${activity}`)}</th>
                {(['radiusKm', 'windowMinutes'] as const).map((field) => (
                  <td key={field}>
                    <input
                      aria-label={`${t(`report.activity.${activity}`)}: ${t(field === 'radiusKm' ? 'admin.grouping.radius' : 'admin.grouping.window')}`}
                      inputMode="decimal"
                      placeholder={t('admin.grouping.default')}
                      value={rows[activity]?.[field] ?? ''}
                      onChange={(e) =>
                        setRows((all) => ({
                          ...all,
                          [activity]: {
                            radiusKm: '',
                            windowMinutes: '',
                            ...all[activity],
                            [field]: e.target.value,
                          },
                        }))
                      }
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </TableScroll>
      <button type="submit" className="button">
        {t('admin.grouping.save')}
      </button>
      {store.isSuccess && <p role="status">{t('admin.grouping.saved')}</p>}
      <ErrorSummary error={store.error} />
    </form>
  );
}
