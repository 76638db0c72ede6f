import type { PolygonGeometry } from '../zones/geo.js';

/**
 * Demo data: a fictional coalition of two fictional organizations covering
 * real Los Angeles neighborhoods. Outlines are simplified (a handful of
 * vertices each), close enough to place a report in the right neighborhood.
 */
export const DEMO_COALITION = { slug: 'la-demo', name: 'Los Angeles Rapid Response (demo)' };
/** The demo's hotline and text numbers, shown on its public pages. */
export const DEMO_CONTACTS = { hotline: '+1 213 555 0190', sms: '+1 213 555 0191' };

type Ring = [number, number][];
const polygon = (ring: Ring): PolygonGeometry => ({
  type: 'Polygon',
  coordinates: [[...ring, ring[0] as [number, number]]],
});

export const DEMO_ZONES: { slug: string; name: string; boundary: PolygonGeometry }[] = [
  {
    slug: 'boyle-heights',
    name: 'Boyle Heights',
    boundary: polygon([
      [-118.2285, 34.0535],
      [-118.205, 34.06],
      [-118.192, 34.055],
      [-118.192, 34.022],
      [-118.205, 34.013],
      [-118.231, 34.023],
    ]),
  },
  {
    slug: 'east-los-angeles',
    name: 'East Los Angeles',
    boundary: polygon([
      [-118.1918, 34.056],
      [-118.165, 34.062],
      [-118.145, 34.052],
      [-118.145, 34.015],
      [-118.17, 34.004],
      [-118.1918, 34.02],
    ]),
  },
  {
    slug: 'lincoln-heights',
    name: 'Lincoln Heights',
    boundary: polygon([
      [-118.226, 34.0605],
      [-118.205, 34.0635],
      [-118.1955, 34.072],
      [-118.2, 34.085],
      [-118.218, 34.083],
      [-118.229, 34.07],
    ]),
  },
  {
    slug: 'el-sereno',
    name: 'El Sereno',
    boundary: polygon([
      [-118.194, 34.065],
      [-118.17, 34.064],
      [-118.156, 34.078],
      [-118.16, 34.1],
      [-118.185, 34.098],
      [-118.1985, 34.0865],
    ]),
  },
  {
    slug: 'highland-park',
    name: 'Highland Park',
    boundary: polygon([
      [-118.215, 34.102],
      [-118.19, 34.1],
      [-118.175, 34.11],
      [-118.178, 34.13],
      [-118.2, 34.132],
      [-118.216, 34.118],
    ]),
  },
  {
    slug: 'koreatown',
    name: 'Koreatown',
    boundary: polygon([
      [-118.3095, 34.052],
      [-118.292, 34.052],
      [-118.291, 34.061],
      [-118.293, 34.0765],
      [-118.3095, 34.0765],
    ]),
  },
  {
    slug: 'westlake',
    name: 'Westlake / MacArthur Park',
    boundary: polygon([
      [-118.291, 34.0561],
      [-118.272, 34.0501],
      [-118.26, 34.06],
      [-118.262, 34.072],
      [-118.276, 34.078],
      [-118.2929, 34.0765],
      [-118.2909, 34.061],
    ]),
  },
  {
    slug: 'pico-union',
    name: 'Pico-Union',
    boundary: polygon([
      [-118.3, 34.037],
      [-118.275, 34.033],
      [-118.268, 34.044],
      [-118.272, 34.05],
      [-118.291, 34.0559],
      [-118.2921, 34.0519],
      [-118.3, 34.05],
    ]),
  },
  {
    slug: 'huntington-park',
    name: 'Huntington Park',
    boundary: polygon([
      [-118.24, 33.995],
      [-118.205, 33.996],
      [-118.199, 33.98],
      [-118.21, 33.965],
      [-118.235, 33.965],
      [-118.242, 33.98],
    ]),
  },
  {
    slug: 'van-nuys',
    name: 'Van Nuys',
    boundary: polygon([
      [-118.475, 34.165],
      [-118.431, 34.165],
      [-118.43, 34.19],
      [-118.435, 34.215],
      [-118.47, 34.215],
      [-118.476, 34.19],
    ]),
  },
  {
    slug: 'pacoima',
    name: 'Pacoima',
    boundary: polygon([
      [-118.445, 34.258],
      [-118.42, 34.245],
      [-118.395, 34.255],
      [-118.4, 34.28],
      [-118.43, 34.285],
      [-118.448, 34.27],
    ]),
  },
];

/** The two organizations the demo accounts belong to; the first is their home. */
const CORE_ORGANIZATIONS = [
  {
    slug: 'eastside-rrn',
    name: 'Eastside Rapid Response Network',
    zones: ['boyle-heights', 'east-los-angeles', 'lincoln-heights', 'el-sereno'],
  },
  { slug: 'valley-defense', name: 'Valley Community Defense Committee', zones: ['van-nuys', 'pacoima'] },
];

/** Kinds of member organization a real coalition has, to make a demo coalition of realistic size. */
const KINDS = [
  'Tenants Union',
  'Worker Center',
  'Parents Network',
  'Faith Coalition',
  'Legal Observers',
  'Street Vendors Association',
  'Day Laborers Network',
];

/**
 * A coalition the size of a real one (Los Angeles' has about 70 member
 * organizations): the two core ones, then one of each kind per neighborhood.
 * Each covers its own neighborhood's zone.
 */
export const DEMO_ORGANIZATIONS: { slug: string; name: string; zones: string[] }[] = [
  ...CORE_ORGANIZATIONS,
  ...KINDS.flatMap((kind) =>
    DEMO_ZONES.map((zone) => ({
      slug: `${zone.slug}-${kind.toLowerCase().replaceAll(' ', '-')}`,
      name: `${zone.name.split(' / ')[0]} ${kind}`,
      zones: [zone.slug],
    })),
  ),
].slice(0, 70);
