import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BasemapInfo } from '../../../shared/basemap.js';

/** A sample of what the map draws, in the map's own colors (styles.css, --map-*). */
function Swatch({ shape }: { shape: string }) {
  return <span className={`swatch ${shape}`} aria-hidden="true" />;
}

/** Whether the key is open is remembered on this device (the board is dense: it starts closed). */
const OPEN_KEY = 'faro.mapKey';
const remembered = () => {
  try {
    return window.localStorage.getItem(OPEN_KEY) === 'open';
  } catch {
    return false;
  }
};
const remember = (open: boolean) => {
  try {
    if (open) window.localStorage.setItem(OPEN_KEY, 'open');
    else window.localStorage.removeItem(OPEN_KEY);
  } catch {
    // Not remembered (private mode); the key still opens and closes.
  }
};

/**
 * What the map's marks mean, each in words beside its sample (never color alone), and where
 * its streets come from (always shown: an imported extract's attribution must be). The samples
 * use the palette the map is drawn with, in either theme.
 */
export function MapLegend({ basemap }: { basemap: BasemapInfo['basemap'] }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(remembered);
  const items: [string, string][] = [
    ['circle open', t('map.open')],
    ['circle confirmed', t('map.confirmed')],
    ['circle not-confirmed', t('map.notConfirmed')],
    ['circles-size', t('map.size')],
    ['circle vague', t('map.vague')],
    ['circle selected', t('map.selected')],
    ['zone', t('map.zone')],
    ...(basemap
      ? ([
          ['line freeway', t('map.freeway')],
          ['line major', t('map.major')],
          ...(basemap.kind === 'imported' ? [['line minor', t('map.minor')] as [string, string]] : []),
        ] as [string, string][])
      : []),
  ];
  const source = !basemap
    ? t('map.noStreets')
    : basemap.kind === 'demo'
      ? t('map.demoStreets')
      : basemap.attribution
        ? t('map.importedStreets', { attribution: basemap.attribution })
        : t('map.importedNoAttribution');
  return (
    <div className="map-legend" data-testid="map-legend">
      <details
        open={open}
        onToggle={(event) => {
          const now = (event.currentTarget as HTMLDetailsElement).open;
          setOpen(now);
          remember(now);
        }}
      >
        <summary>{t('map.legend')}</summary>
        <ul>
          {items.map(([shape, words]) => (
            <li key={shape} data-swatch={shape}>
              <Swatch shape={shape} />
              {words}
            </li>
          ))}
        </ul>
      </details>
      <p className="map-source" data-testid="map-source">
        {source}
      </p>
    </div>
  );
}
