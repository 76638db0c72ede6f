import { useQuery } from '@tanstack/react-query';
import { addProtocol, type GeoJSONSource, Map as MapLibre } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { Protocol } from 'pmtiles';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BasemapInfo } from '../../../shared/basemap.js';
import type { IncidentSummary } from '../../../shared/incident.js';
import type { ZoneGeometry } from '../../../shared/zone.js';
import { api } from '../../api.js';
import { MapLegend } from './MapLegend.js';
import './maplibre-worker.js';
import { boardStyle, boundsOf, readPalette, zoneMiddles } from './map-style.js';

// pmtiles://: MapLibre reads the coalition's street map from Faro itself, by byte ranges of one archive.
addProtocol('pmtiles', new Protocol().tile);

/** Counts theme changes (the board's switch, or the device's setting), so the map is redrawn in the new palette. */
function useThemeChanges(): number {
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    const changed = () => setChanges((n) => n + 1);
    const observer = new MutationObserver(changed);
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    const device = window.matchMedia('(prefers-color-scheme: dark)');
    device.addEventListener('change', changed);
    return () => {
      observer.disconnect();
      device.removeEventListener('change', changed);
    };
  }, []);
  return changes;
}

/**
 * The board's map, with no outside tile server: the coalition's street map (a PMTiles archive
 * Faro serves from its database, when the coalition has one), the zones' outlines and names, and
 * the incidents as circles. Nothing is fetched from elsewhere, so it works on an air-gapped
 * deployment and leaks no one's viewing to a map provider. Without a street map it shows the
 * zones alone, as before.
 */
export default function IncidentMap({
  incidents,
  selectedId,
  onSelect,
}: {
  incidents: readonly IncidentSummary[];
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibre | null>(null);
  const [ready, setReady] = useState(false);
  const [failed, setFailed] = useState(false);
  const zones = useQuery({
    queryKey: ['zones', 'geometry'],
    queryFn: () => api<ZoneGeometry>('/api/zones/geometry'),
  });
  const basemapInfo = useQuery({
    queryKey: ['basemap'],
    queryFn: () => api<BasemapInfo>('/api/basemap'),
    retry: false,
  });
  // A street map that cannot be looked up is none: the zones and incidents still show.
  const basemap = basemapInfo.data?.basemap ?? null;
  const settled = !basemapInfo.isPending;
  const themeChanges = useThemeChanges();
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    const element = container.current;
    if (!element || !zones.data || !settled) return;
    let created: MapLibre;
    try {
      created = new MapLibre({
        container: element,
        style: boardStyle({ zones: zones.data, basemap, palette: readPalette(element) }),
        bounds: boundsOf(zones.data) ?? undefined,
        fitBoundsOptions: { padding: 16 },
        attributionControl: false,
        // The list is the keyboard path; the map must not trap arrow keys.
        keyboard: false,
      });
    } catch {
      setFailed(true); // no WebGL: the list still has everything
      return;
    }
    // For tests and for looking at the map from the browser's console.
    Object.defineProperty(element, 'faroMap', { value: created, configurable: true });
    created.on('load', () => setReady(true));
    created.on('click', 'incidents', (event) => {
      const id = event.features?.[0]?.properties?.id;
      if (typeof id === 'string') select.current(id);
    });
    created.on('mouseenter', 'incidents', () => {
      created.getCanvas().style.cursor = 'pointer';
    });
    created.on('mouseleave', 'incidents', () => {
      created.getCanvas().style.cursor = '';
    });
    map.current = created;
    return () => {
      created.remove();
      map.current = null;
      setReady(false);
    };
  }, [zones.data, basemap, settled]);

  // The theme changed: the same map, redrawn in the palette it resolves to now.
  useEffect(() => {
    const element = container.current;
    if (themeChanges === 0 || !ready || !element || !zones.data) return;
    map.current?.setStyle(boardStyle({ zones: zones.data, basemap, palette: readPalette(element) }));
  }, [themeChanges, ready, zones.data, basemap]);

  useEffect(() => {
    if (!ready || !zones.data) return;
    const middles = zoneMiddles(zones.data);
    const source = map.current?.getSource<GeoJSONSource>('incidents');
    source?.setData({
      type: 'FeatureCollection',
      features: incidents.flatMap((incident) => {
        const at: [number, number] | undefined = incident.center
          ? [incident.center.lng, incident.center.lat]
          : incident.zone
            ? middles.get(incident.zone.id)
            : undefined;
        if (!at) return [];
        return [
          {
            type: 'Feature' as const,
            geometry: { type: 'Point' as const, coordinates: at },
            properties: {
              id: incident.id,
              reports: incident.reportCount,
              status: incident.status,
              selected: incident.id === selectedId,
              vague: !incident.center,
            },
          },
        ];
      }),
    });
  }, [ready, zones.data, incidents, selectedId]);

  if (failed) return <p className="muted">{t('dispatch.mapUnavailable')}</p>;
  return (
    <>
      <div
        ref={container}
        className="incident-map"
        role="img"
        aria-label={t('dispatch.mapLabel', { count: incidents.filter((i) => i.center || i.zone).length })}
        data-testid="incident-map"
        data-ready={ready ? 'true' : 'false'}
        data-basemap={settled ? (basemap?.kind ?? 'none') : 'pending'}
      />
      {settled && <MapLegend basemap={basemap} />}
    </>
  );
}
