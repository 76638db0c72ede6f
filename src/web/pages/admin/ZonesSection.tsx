import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, lazy, Suspense, useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorSummary } from '../../components/ErrorSummary.js';
import { useZones } from '../../useZones.js';

// MapLibre is a large chunk: only fetched when someone chooses to draw.
const ZoneDrawMap = lazy(() => import('./ZoneDrawMap.js'));

/** The zones the network covers: add one by drawing it or from a GeoJSON file, rename, retire. */
export function ZonesSection() {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const zones = useZones();
  const [name, setName] = useState('');
  const [geojson, setGeojson] = useState('');
  /** A geojson that is not JSON: said before anything is sent. */
  const [notJson, setNotJson] = useState(false);
  const [drawing, setDrawing] = useState(false);
  const drawn = useCallback((outline: string) => outline && setGeojson(outline), []);

  // Adding, renaming or retiring a zone; each says what it did, or what was refused.
  const change = useMutation({
    mutationFn: async ({ work }: { work: () => Promise<unknown>; done: string }) => {
      await work();
      await queryClient.invalidateQueries({ queryKey: ['zones'] });
    },
    onMutate: () => setNotJson(false),
  });
  const run = (work: () => Promise<unknown>, done: string) => change.mutate({ work, done });

  const add = (event: FormEvent) => {
    event.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(geojson);
    } catch {
      change.reset();
      setNotJson(true);
      return;
    }
    run(
      async () => {
        await api('/api/admin/zones', { method: 'POST', body: { name, geojson: parsed } });
        setName('');
        setGeojson('');
      },
      t('admin.zones.added', { name }),
    );
  };

  return (
    <>
      <ul className="zones-admin">
        {zones.data?.zones.map((zone) => (
          <li key={zone.id}>
            <ZoneRow
              zone={zone}
              onRename={(next) =>
                run(
                  () => api(`/api/admin/zones/${zone.id}`, { method: 'PATCH', body: { name: next } }),
                  t('admin.zones.renamed'),
                )
              }
              onRetire={() =>
                run(
                  () => api(`/api/admin/zones/${zone.id}/retire`, { method: 'POST' }),
                  t('admin.zones.retired', { name: zone.name }),
                )
              }
            />
          </li>
        ))}
      </ul>
      <form onSubmit={add}>
        <h3>{t('admin.zones.add')}</h3>
        <p className="hint">{t('admin.zones.addHint')}</p>
        <label htmlFor={`${id}-name`}>{t('admin.zones.name')}</label>
        <input
          id={`${id}-name`}
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
          minLength={2}
        />
        <label htmlFor={`${id}-file`}>{t('admin.zones.file')}</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".geojson,.json,application/geo+json,application/json"
          onChange={async (e) => setGeojson((await e.target.files?.[0]?.text()) ?? '')}
        />
        <details onToggle={(e) => setDrawing((e.target as HTMLDetailsElement).open)}>
          <summary>{t('admin.zones.draw')}</summary>
          {drawing && (
            <Suspense fallback={null}>
              <ZoneDrawMap onOutline={drawn} />
            </Suspense>
          )}
        </details>
        <label htmlFor={`${id}-geojson`}>{t('admin.zones.paste')}</label>
        <textarea
          id={`${id}-geojson`}
          rows={4}
          value={geojson}
          onChange={(e) => setGeojson(e.target.value)}
        />
        <button type="submit" className="button" disabled={!name.trim() || !geojson.trim()}>
          {t('admin.zones.submit')}
        </button>
      </form>
      {notJson && (
        <p role="alert" className="error-summary">
          {t('admin.zones.notJson')}
        </p>
      )}
      {change.isSuccess && <p role="status">{change.variables.done}</p>}
      <ErrorSummary error={change.error} />
    </>
  );
}

function ZoneRow(props: {
  zone: { id: string; name: string; cellCount: number };
  onRename: (name: string) => void;
  onRetire: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(props.zone.name);
  return (
    <div className="zone-row">
      <input
        aria-label={t('admin.zones.nameOf', { name: props.zone.name })}
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <button
        type="button"
        className="button"
        disabled={name.trim() === props.zone.name}
        onClick={() => props.onRename(name)}
      >
        {t('admin.zones.rename')}
      </button>
      <button
        type="button"
        className="button"
        onClick={() => {
          if (window.confirm(t('admin.zones.confirmRetire', { name: props.zone.name }))) props.onRetire();
        }}
      >
        {t('admin.zones.retire')}
      </button>
      <span className="muted">{t('admin.zones.cells', { count: props.zone.cellCount })}</span>
    </div>
  );
}
