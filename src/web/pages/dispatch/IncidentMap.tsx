import { useQuery } from '@tanstack/react-query';
import {
  type GeoJSONSource,
  type LngLatBoundsLike,
  Map as MapLibre,
  type StyleSpecification,
  setWorkerUrl,
} from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IncidentSummary } from '../../../shared/incident.js';
import type { ZoneGeometry } from '../../../shared/zone.js';
import { api } from '../../api.js';

setWorkerUrl(workerUrl);

const dark = () => window.matchMedia('(prefers-color-scheme: dark)').matches;

/**
 * A map that needs no tile server: the zones' outlines and the incidents as
 * circles (bigger for more reports, red when confirmed), drawn from the
 * network's own data. Nothing is fetched from elsewhere, so it works on an
 * air-gapped deployment and leaks no one's viewing to a map provider.
 */
function style(zones: ZoneGeometry): StyleSpecification {
  const d = dark();
  return {
    version: 8,
    sources: {
      zones: { type: 'geojson', data: zones },
      incidents: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': d ? '#0f1318' : '#f5f7fa' } },
      {
        id: 'zones-fill',
        type: 'fill',
        source: 'zones',
        paint: { 'fill-color': d ? '#8cc4ff' : '#12355b', 'fill-opacity': 0.08 },
      },
      {
        id: 'zones-line',
        type: 'line',
        source: 'zones',
        paint: { 'line-color': d ? '#8cc4ff' : '#12355b', 'line-width': 1.5 },
      },
      {
        id: 'incidents',
        type: 'circle',
        source: 'incidents',
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['get', 'reports'], 1, 7, 50, 14, 400, 24],
          'circle-color': [
            'match',
            ['get', 'status'],
            'confirmed',
            '#c0262d',
            'not_confirmed',
            '#6b7280',
            '#e58a00',
          ],
          // Hollow when only the zone is known: the place is vague.
          'circle-opacity': ['case', ['get', 'vague'], 0.25, 0.85],
          'circle-stroke-width': ['case', ['get', 'selected'], 4, 1],
          'circle-stroke-color': d ? '#ffffff' : '#111418',
        },
      },
    ],
  };
}

/** Where to draw an incident known only by its zone: the middle of the zone's outline. */
function zoneMiddles(zones: ZoneGeometry): Map<string, [number, number]> {
  return new Map(
    zones.features.map((f) => {
      const ring = (f.geometry.coordinates[0] ?? []).slice(0, -1);
      const lng = ring.reduce((sum, p) => sum + p[0], 0) / Math.max(1, ring.length);
      const lat = ring.reduce((sum, p) => sum + p[1], 0) / Math.max(1, ring.length);
      return [f.id, [lng, lat]];
    }),
  );
}

/** The box around every zone (also used by the zone drawing map). */
export function boundsOf(zones: ZoneGeometry): LngLatBoundsLike | null {
  const points = zones.features.flatMap((f) => f.geometry.coordinates.flat());
  if (points.length === 0) return null;
  const lngs = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  return [
    [Math.min(...lngs), Math.min(...lats)],
    [Math.max(...lngs), Math.max(...lats)],
  ];
}

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
  const select = useRef(onSelect);
  select.current = onSelect;

  useEffect(() => {
    if (!container.current || !zones.data) return;
    let created: MapLibre;
    try {
      created = new MapLibre({
        container: container.current,
        style: style(zones.data),
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
  }, [zones.data]);

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
    <div
      ref={container}
      className="incident-map"
      role="img"
      aria-label={t('dispatch.mapLabel', { count: incidents.filter((i) => i.center || i.zone).length })}
      data-testid="incident-map"
      data-ready={ready ? 'true' : 'false'}
    />
  );
}
