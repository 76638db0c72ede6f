import { useQuery } from '@tanstack/react-query';
import { type GeoJSONSource, Map as MapLibre } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ZoneGeometry } from '../../../shared/zone.js';
import { api } from '../../api.js';
import { boundsOf } from '../dispatch/map-style.js';
import '../dispatch/maplibre-worker.js';

type Corner = [number, number];

/** The drawn outline as the GeoJSON the zones API imports, or '' until it has three corners. */
export function outlineGeojson(corners: readonly Corner[]): string {
  if (corners.length < 3) return '';
  const first = corners[0] as Corner;
  return JSON.stringify({ type: 'Polygon', coordinates: [[...corners, first]] });
}

/**
 * Draw a new zone by clicking its corners on a map of the existing zones (no
 * tile server needed). The outline goes into the same GeoJSON field the
 * import uses, so drawing and importing are one path on the server.
 */
export default function ZoneDrawMap({ onOutline }: { onOutline: (geojson: string) => void }) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<MapLibre | null>(null);
  const [ready, setReady] = useState(false);
  const [corners, setCorners] = useState<Corner[]>([]);
  const zones = useQuery({
    queryKey: ['zones', 'geometry'],
    queryFn: () => api<ZoneGeometry>('/api/zones/geometry'),
  });

  useEffect(() => {
    if (!container.current || !zones.data) return;
    const created = new MapLibre({
      container: container.current,
      style: {
        version: 8,
        sources: {
          zones: { type: 'geojson', data: zones.data },
          draft: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
        },
        layers: [
          { id: 'background', type: 'background', paint: { 'background-color': '#f5f7fa' } },
          {
            id: 'zones-line',
            type: 'line',
            source: 'zones',
            paint: { 'line-color': '#12355b', 'line-width': 1 },
          },
          {
            id: 'draft-fill',
            type: 'fill',
            source: 'draft',
            paint: { 'fill-color': '#c0262d', 'fill-opacity': 0.15 },
          },
          {
            id: 'draft-line',
            type: 'line',
            source: 'draft',
            paint: { 'line-color': '#c0262d', 'line-width': 2 },
          },
          {
            id: 'draft-corners',
            type: 'circle',
            source: 'draft',
            paint: { 'circle-radius': 4, 'circle-color': '#c0262d' },
          },
        ],
      },
      bounds: boundsOf(zones.data) ?? undefined,
      fitBoundsOptions: { padding: 16 },
      attributionControl: false,
      doubleClickZoom: false,
    });
    created.on('click', (event) => setCorners((list) => [...list, [event.lngLat.lng, event.lngLat.lat]]));
    created.on('load', () => setReady(true));
    map.current = created;
    return () => {
      created.remove();
      map.current = null;
      setReady(false);
    };
  }, [zones.data]);

  useEffect(() => {
    onOutline(outlineGeojson(corners));
    const source = map.current?.getSource<GeoJSONSource>('draft');
    if (!ready || !source) return;
    const feature = <G,>(geometry: G) => ({ type: 'Feature' as const, properties: {}, geometry });
    const points = corners.map((corner) => feature({ type: 'Point' as const, coordinates: corner }));
    const outline =
      corners.length >= 3
        ? [feature({ type: 'Polygon' as const, coordinates: [[...corners, corners[0] as Corner]] })]
        : corners.length === 2
          ? [feature({ type: 'LineString' as const, coordinates: corners })]
          : [];
    const features = [...points, ...outline];
    source.setData({ type: 'FeatureCollection', features });
  }, [corners, ready, onOutline]);

  return (
    <div>
      <div
        ref={container}
        className="incident-map zone-draw-map"
        role="img"
        aria-label={t('admin.zones.drawLabel', { count: corners.length })}
        data-testid="zone-draw-map"
        data-ready={ready ? 'true' : 'false'}
      />
      <p className="actions">
        <button
          type="button"
          className="button"
          disabled={corners.length === 0}
          onClick={() => setCorners((c) => c.slice(0, -1))}
        >
          {t('admin.zones.undoCorner')}
        </button>
        <button
          type="button"
          className="button"
          disabled={corners.length === 0}
          onClick={() => setCorners([])}
        >
          {t('admin.zones.clearDrawing')}
        </button>
      </p>
    </div>
  );
}
