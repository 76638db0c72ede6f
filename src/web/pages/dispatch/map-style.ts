import type {
  DataDrivenPropertyValueSpecification,
  LayerSpecification,
  LngLatBoundsLike,
  StyleSpecification,
} from 'maplibre-gl';
import type { BasemapInfo } from '../../../shared/basemap.js';
import type { ZoneGeometry } from '../../../shared/zone.js';

/*
 * The board map's style: the coalition's street map (Protomaps basemap layers, when it has
 * one), the zones with their names, and the incidents. Colors come from the palette in
 * styles.css (--map-*, each light-dark()), the one the legend's swatches use too.
 */

/** The palette's names; each is the CSS variable `--map-<name>`. */
export const MAP_COLORS = [
  'land',
  'water',
  'park',
  'building',
  'freeway',
  'major',
  'minor',
  'street-label',
  'zone',
  'open',
  'confirmed',
  'not-confirmed',
  'stroke',
] as const;
export type MapColor = (typeof MAP_COLORS)[number];
export type Palette = Record<MapColor, string>;

/** The palette as the page's theme resolves it now (light-dark() read through a probe's color). */
export function readPalette(within: HTMLElement): Palette {
  const probe = document.createElement('span');
  probe.hidden = true;
  within.append(probe);
  try {
    return Object.fromEntries(
      MAP_COLORS.map((name) => {
        probe.style.color = `var(--map-${name})`;
        return [name, getComputedStyle(probe).color];
      }),
    ) as Palette;
  } finally {
    probe.remove();
  }
}

/** Where to draw an incident known only by its zone, and the zone's name: the middle of its outline. */
export function zoneMiddles(zones: ZoneGeometry): Map<string, [number, number]> {
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

/** Where the board's map reads the archive: a new URL for each import, so no cached range of an old one is used. */
export function archiveUrl(basemap: NonNullable<BasemapInfo['basemap']>): string {
  return `pmtiles://${window.location.origin}/api/basemap/archive?v=${basemap.etag.replace(/\W/g, '')}`;
}

/*
 * Fonts: the style names no glyph server, so MapLibre draws each letter itself from the
 * device's fonts (its local glyph path): nothing is fetched from elsewhere. The names below are
 * the CSS families it tries first, then sans-serif, in the weight or style a name says.
 */
const REGULAR = ['Noto Sans Regular'];
const BOLD = ['Noto Sans Bold'];
const ITALIC = ['Noto Sans Italic'];

const isLine = ['in', ['geometry-type'], ['literal', ['LineString', 'MultiLineString']]];
const isArea = ['in', ['geometry-type'], ['literal', ['Polygon', 'MultiPolygon']]];

type Kind = 'highway' | 'major' | 'minor';
const ROAD_KINDS: Record<Kind, string[]> = {
  highway: ['highway'],
  major: ['major_road', 'medium_road'],
  minor: ['minor_road'],
};
const isKind = (kind: Kind) => ['in', ['get', 'kind'], ['literal', ROAD_KINDS[kind]]];

const width = (stops: [number, number][]): DataDrivenPropertyValueSpecification<number> =>
  ['interpolate', ['exponential', 1.6], ['zoom'], ...stops.flat()] as never;

/** The street map's layers, drawn under the zones. */
function basemapLayers(p: Palette): LayerSpecification[] {
  const road = (
    kind: Kind,
    color: string,
    stops: [number, number][],
    minzoom: number,
  ): LayerSpecification => ({
    id: `roads-${kind}`,
    type: 'line',
    source: 'basemap',
    'source-layer': 'roads',
    minzoom,
    filter: isKind(kind) as never,
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': color, 'line-width': width(stops) },
  });
  return [
    {
      id: 'earth',
      type: 'fill',
      source: 'basemap',
      'source-layer': 'earth',
      paint: { 'fill-color': p.land },
    },
    {
      id: 'parks',
      type: 'fill',
      source: 'basemap',
      'source-layer': 'landuse',
      filter: ['in', ['get', 'kind'], ['literal', ['park', 'national_park', 'nature_reserve', 'cemetery']]],
      paint: { 'fill-color': p.park },
    },
    {
      id: 'water',
      type: 'fill',
      source: 'basemap',
      'source-layer': 'water',
      filter: isArea as never,
      paint: { 'fill-color': p.water, 'fill-opacity': 0.35 },
    },
    {
      id: 'rivers',
      type: 'line',
      source: 'basemap',
      'source-layer': 'water',
      filter: isLine as never,
      paint: {
        'line-color': p.water,
        'line-width': width([
          [8, 1],
          [16, 6],
        ]),
      },
    },
    {
      id: 'buildings',
      type: 'fill',
      source: 'basemap',
      'source-layer': 'buildings',
      minzoom: 15,
      paint: { 'fill-color': p.building },
    },
    road(
      'minor',
      p.minor,
      [
        [12, 0.4],
        [16, 3],
      ],
      12,
    ),
    road(
      'major',
      p.major,
      [
        [8, 0.5],
        [12, 1.4],
        [16, 5],
      ],
      8,
    ),
    road(
      'highway',
      p.freeway,
      [
        [6, 0.8],
        [10, 1.6],
        [16, 7],
      ],
      6,
    ),
  ];
}

/** Street and river names, placed along their lines. */
function basemapLabels(p: Palette): LayerSpecification[] {
  const halo = { 'text-halo-color': p.land, 'text-halo-width': 1.6 };
  // Names run just beside their line, not on it: a halo covers only around each letter, so a thin
  // line would show through the gaps between words ("W·Olympic·Blvd").
  const beside = { 'symbol-placement': 'line' as const, 'text-offset': [0, -0.8] as [number, number] };
  return [
    {
      id: 'river-labels',
      type: 'symbol',
      source: 'basemap',
      'source-layer': 'water',
      minzoom: 12,
      filter: ['all', isLine, ['has', 'name']] as never,
      layout: {
        ...beside,
        'text-field': ['get', 'name'],
        'text-font': ITALIC,
        'text-size': 11,
      },
      paint: { 'text-color': p.water, ...halo },
    },
    {
      id: 'street-labels',
      type: 'symbol',
      source: 'basemap',
      'source-layer': 'roads',
      minzoom: 11,
      filter: ['any', isKind('major'), ['all', isKind('minor'), ['>=', ['zoom'], 14]]] as never,
      layout: {
        ...beside,
        'text-field': ['get', 'name'],
        'text-font': REGULAR,
        'text-size': ['interpolate', ['linear'], ['zoom'], 11, 10, 16, 13],
      },
      paint: { 'text-color': p['street-label'], ...halo },
    },
    {
      id: 'freeway-labels',
      type: 'symbol',
      source: 'basemap',
      'source-layer': 'roads',
      minzoom: 8,
      filter: isKind('highway') as never,
      layout: {
        ...beside,
        'symbol-spacing': 400,
        'text-field': ['coalesce', ['get', 'ref'], ['get', 'name']],
        'text-font': BOLD,
        'text-size': 11,
      },
      paint: { 'text-color': p['street-label'], ...halo },
    },
  ];
}

/** Everything the board's map draws. */
export function boardStyle(input: {
  zones: ZoneGeometry;
  basemap: BasemapInfo['basemap'];
  palette: Palette;
}): StyleSpecification {
  const { zones, basemap, palette: p } = input;
  const middles = zoneMiddles(zones);
  return {
    version: 8,
    sources: {
      ...(basemap
        ? {
            // The legend says where the streets come from (MapLibre's attribution control is off).
            basemap: { type: 'vector' as const, url: archiveUrl(basemap) },
          }
        : {}),
      zones: { type: 'geojson', data: zones },
      'zone-names': {
        type: 'geojson',
        data: {
          type: 'FeatureCollection',
          features: zones.features.flatMap((f) => {
            const at = middles.get(f.id);
            return at
              ? [
                  {
                    type: 'Feature',
                    geometry: { type: 'Point', coordinates: at },
                    properties: { name: f.properties.name },
                  },
                ]
              : [];
          }),
        },
      },
      incidents: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': p.land } },
      ...(basemap ? basemapLayers(p) : []),
      {
        id: 'zones-fill',
        type: 'fill',
        source: 'zones',
        paint: { 'fill-color': p.zone, 'fill-opacity': 0.06 },
      },
      { id: 'zones-line', type: 'line', source: 'zones', paint: { 'line-color': p.zone, 'line-width': 2 } },
      ...(basemap ? basemapLabels(p) : []),
      {
        id: 'zone-names',
        type: 'symbol',
        source: 'zone-names',
        layout: {
          'text-field': ['get', 'name'],
          'text-font': BOLD,
          'text-size': ['interpolate', ['linear'], ['zoom'], 9, 11, 14, 15],
          'text-max-width': 8,
          // Beside the middle, where an incident known only by its zone is drawn.
          'text-variable-anchor': ['top', 'bottom', 'left', 'right'],
          'text-radial-offset': 1.1,
        },
        paint: { 'text-color': p.zone, 'text-halo-color': p.land, 'text-halo-width': 2 },
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
            p.confirmed,
            ['not_confirmed', 'closed'],
            p['not-confirmed'],
            p.open,
          ],
          // Hollow when only the zone is known: the place is vague.
          'circle-opacity': ['case', ['get', 'vague'], 0.15, 0.9],
          'circle-stroke-width': ['case', ['get', 'selected'], 4, ['get', 'vague'], 2.5, 1],
          'circle-stroke-color': [
            'case',
            ['get', 'selected'],
            p.stroke,
            ['get', 'vague'],
            [
              'match',
              ['get', 'status'],
              'confirmed',
              p.confirmed,
              ['not_confirmed', 'closed'],
              p['not-confirmed'],
              p.open,
            ],
            p.stroke,
          ],
        },
      },
    ],
  };
}
