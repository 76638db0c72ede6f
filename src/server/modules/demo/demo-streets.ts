import type { Feature, FeatureCollection, LineString } from 'geojson';
import { archiveOfGeoJson } from '../basemap/tiling.js';

/*
 * The demo's street map: an APPROXIMATE SKETCH, not survey data. Each line was drawn by hand, a
 * few corners per street, from general knowledge of where the freeways and main streets of the
 * demo neighborhoods run — close enough to tell a dispatcher "Whittier Blvd, east of Soto", never
 * to navigate by. No OpenStreetMap or other data set was copied (none can be fetched where Faro is
 * built), so nothing here needs a licence notice; the map says it is a sketch. A real coalition
 * imports an OpenStreetMap extract instead (`faro basemap import`, docs/OPERATIONS.md).
 *
 * Properties follow the Protomaps basemap's `roads` and `water` layers (kind, kind_detail, name,
 * ref), so the board draws this sketch and an imported extract with one style.
 */

type Kind = 'highway' | 'major_road';

/** A line's corners written as "longitude latitude, longitude latitude, …" (as in WKT). */
export function corners(path: string): [number, number][] {
  return path.split(',').map((corner) => {
    const [lng, lat] = corner.trim().split(/\s+/).map(Number);
    if (!(lng !== undefined && lat !== undefined && Math.abs(lng) <= 180 && Math.abs(lat) <= 90))
      throw new Error(`not a corner: "${corner}"`);
    return [lng, lat];
  });
}

const road = (kind: Kind, name: string, path: string, ref?: string): Feature<LineString> => ({
  type: 'Feature',
  geometry: { type: 'LineString', coordinates: corners(path) },
  properties: {
    kind,
    kind_detail: kind === 'highway' ? 'motorway' : 'primary',
    name,
    ...(ref ? { ref } : {}),
  },
});
const freeway = (ref: string, name: string, path: string) => road('highway', name, path, ref);
const street = (name: string, path: string) => road('major_road', name, path);

/** Freeways, by their number and name. */
const FREEWAYS = [
  freeway(
    'I-5',
    'Golden State Fwy',
    '-118.245 34.099, -118.233 34.087, -118.225 34.076, -118.22 34.065, -118.218 34.056, -118.2165 34.044, -118.215 34.033',
  ),
  freeway(
    'I-5',
    'Santa Ana Fwy',
    '-118.215 34.033, -118.205 34.024, -118.193 34.016, -118.175 34.006, -118.155 33.995',
  ),
  freeway(
    'I-10',
    'San Bernardino Fwy',
    '-118.215 34.033, -118.208 34.047, -118.2 34.056, -118.185 34.06, -118.17 34.0625, -118.15 34.066, -118.13 34.069',
  ),
  freeway(
    'I-10',
    'Santa Monica Fwy',
    '-118.33 34.038, -118.31 34.0375, -118.29 34.0372, -118.272 34.037, -118.26 34.033, -118.245 34.028, -118.23 34.0265, -118.215 34.033',
  ),
  freeway(
    'US-101',
    'Hollywood Fwy',
    '-118.32 34.1, -118.305 34.092, -118.29 34.083, -118.276 34.075, -118.265 34.068, -118.256 34.061, -118.245 34.058, -118.237 34.054, -118.229 34.048, -118.22 34.04, -118.215 34.033',
  ),
  freeway(
    'CA-60',
    'Pomona Fwy',
    '-118.215 34.033, -118.2 34.031, -118.185 34.029, -118.17 34.027, -118.15 34.03, -118.13 34.035',
  ),
  freeway(
    'I-710',
    'Long Beach Fwy',
    '-118.169 34.067, -118.17 34.055, -118.169 34.042, -118.167 34.03, -118.166 34.015, -118.165 34.0, -118.17 33.98, -118.175 33.96',
  ),
  freeway(
    'CA-110',
    'Arroyo Seco Pkwy',
    '-118.233 34.076, -118.224 34.083, -118.212 34.092, -118.2 34.099, -118.19 34.105, -118.18 34.111, -118.17 34.117, -118.158 34.125',
  ),
  freeway(
    'I-405',
    'San Diego Fwy',
    '-118.475 34.145, -118.472 34.16, -118.471 34.18, -118.4715 34.2, -118.472 34.22, -118.47 34.24, -118.465 34.26, -118.458 34.28',
  ),
  freeway(
    'US-101',
    'Ventura Fwy',
    '-118.5 34.158, -118.47 34.156, -118.44 34.155, -118.41 34.15, -118.39 34.145',
  ),
  freeway(
    'I-5',
    'Golden State Fwy',
    '-118.48 34.295, -118.455 34.275, -118.43 34.255, -118.41 34.24, -118.39 34.225, -118.365 34.205',
  ),
  freeway(
    'CA-118',
    'Ronald Reagan Fwy',
    '-118.49 34.275, -118.46 34.273, -118.44 34.273, -118.42 34.278, -118.4 34.285',
  ),
];

/** Main streets of the demo neighborhoods. */
const STREETS = [
  // Boyle Heights, East Los Angeles, Lincoln Heights, El Sereno
  street(
    'Cesar E Chavez Ave',
    '-118.242 34.0565, -118.233 34.054, -118.225 34.0525, -118.2195 34.0515, -118.208 34.049, -118.195 34.047, -118.182 34.0445, -118.17 34.042, -118.155 34.04',
  ),
  street(
    'E 1st St',
    '-118.243 34.0505, -118.23 34.0485, -118.2195 34.0472, -118.208 34.043, -118.195 34.039, -118.182 34.036, -118.165 34.0345, -118.15 34.0335',
  ),
  street(
    'Whittier Blvd',
    '-118.228 34.033, -118.218 34.029, -118.2075 34.025, -118.195 34.0225, -118.18 34.0205, -118.165 34.019, -118.15 34.0175, -118.135 34.016',
  ),
  street('E Olympic Blvd', '-118.23 34.0235, -118.21 34.018, -118.19 34.0145, -118.17 34.012, -118.15 34.01'),
  street(
    'Soto St',
    '-118.202 34.072, -118.205 34.065, -118.2075 34.056, -118.208 34.049, -118.2078 34.038, -118.2075 34.025, -118.2065 34.01, -118.206 33.985',
  ),
  street('Boyle Ave', '-118.22 34.056, -118.2195 34.0472, -118.219 34.035, -118.2185 34.025'),
  street('Lorena St', '-118.188 34.053, -118.188 34.03, -118.188 34.015'),
  street('Atlantic Blvd', '-118.1545 34.065, -118.1545 34.04, -118.1545 34.019, -118.154 34.0'),
  street('N Mission Rd', '-118.225 34.045, -118.223 34.056, -118.218 34.064, -118.211 34.07, -118.2 34.074'),
  street('N Broadway', '-118.233 34.068, -118.225 34.072, -118.215 34.077, -118.208 34.081, -118.202 34.085'),
  street(
    'Valley Blvd',
    '-118.215 34.064, -118.202 34.067, -118.188 34.069, -118.175 34.07, -118.16 34.072, -118.145 34.074',
  ),
  street(
    'Huntington Dr',
    '-118.2 34.07, -118.19 34.076, -118.18 34.083, -118.17 34.089, -118.16 34.095, -118.15 34.1',
  ),
  // Highland Park
  street(
    'N Figueroa St',
    '-118.238 34.068, -118.229 34.08, -118.219 34.09, -118.208 34.101, -118.2 34.109, -118.193 34.116, -118.188 34.124, -118.186 34.134',
  ),
  street(
    'York Blvd',
    '-118.22 34.127, -118.21 34.125, -118.2 34.1225, -118.19 34.12, -118.18 34.118, -118.17 34.116',
  ),
  street('Eagle Rock Blvd', '-118.219 34.105, -118.215 34.12, -118.212 34.135'),
  // Koreatown, Westlake, Pico-Union
  street(
    'Wilshire Blvd',
    '-118.255 34.05, -118.265 34.054, -118.278 34.0585, -118.2915 34.0618, -118.3005 34.0618, -118.309 34.0617, -118.32 34.0615, -118.33 34.0618',
  ),
  street(
    'Vermont Ave',
    '-118.2917 34.1, -118.2917 34.083, -118.2915 34.0618, -118.2915 34.0475, -118.2917 34.037, -118.2917 34.02',
  ),
  street('Western Ave', '-118.309 34.1, -118.309 34.083, -118.309 34.0617, -118.309 34.047, -118.309 34.02'),
  street('Normandie Ave', '-118.3005 34.083, -118.3005 34.0618, -118.3002 34.045, -118.3 34.03'),
  street(
    'Alvarado St',
    '-118.2575 34.079, -118.263 34.071, -118.27 34.064, -118.278 34.0585, -118.282 34.052, -118.285 34.046',
  ),
  street('Hoover St', '-118.286 34.08, -118.285 34.065, -118.284 34.05, -118.284 34.035'),
  street('Beverly Blvd', '-118.256 34.064, -118.27 34.07, -118.285 34.074, -118.3 34.076, -118.32 34.0765'),
  street(
    'W Olympic Blvd',
    '-118.255 34.042, -118.27 34.049, -118.285 34.0525, -118.3 34.0525, -118.32 34.0525',
  ),
  street(
    'W Pico Blvd',
    '-118.26 34.04, -118.275 34.045, -118.2915 34.0475, -118.309 34.0475, -118.325 34.0475',
  ),
  street('Venice Blvd', '-118.265 34.036, -118.28 34.04, -118.2917 34.0403, -118.309 34.04, -118.325 34.04'),
  street(
    'S Figueroa St',
    '-118.25 34.062, -118.258 34.052, -118.265 34.043, -118.272 34.034, -118.279 34.025, -118.282 34.015',
  ),
  // Huntington Park
  street('Pacific Blvd', '-118.226 34.005, -118.2255 33.99, -118.225 33.9745, -118.224 33.96'),
  street('Florence Ave', '-118.25 33.9745, -118.225 33.9745, -118.195 33.974'),
  street('Gage Ave', '-118.25 33.982, -118.225 33.982, -118.195 33.9815'),
  street('Slauson Ave', '-118.25 33.989, -118.225 33.989, -118.195 33.9885'),
  street('Santa Fe Ave', '-118.233 34.01, -118.233 33.99, -118.233 33.965'),
  street('Alameda St', '-118.2395 34.03, -118.242 34.0, -118.244 33.97'),
  // Van Nuys, Pacoima
  street(
    'Van Nuys Blvd',
    '-118.4487 34.15, -118.4487 34.172, -118.4487 34.1867, -118.4487 34.201, -118.4487 34.221, -118.445 34.235, -118.433 34.249, -118.42 34.262, -118.41 34.273, -118.405 34.28',
  ),
  street('Sherman Way', '-118.5 34.201, -118.4487 34.201, -118.396 34.201'),
  street('Victory Blvd', '-118.5 34.1867, -118.41 34.1867'),
  street('Vanowen St', '-118.5 34.194, -118.41 34.194'),
  street('Oxnard St', '-118.5 34.1795, -118.41 34.1795'),
  street('Burbank Blvd', '-118.5 34.172, -118.41 34.172'),
  street('Roscoe Blvd', '-118.5 34.221, -118.4 34.221'),
  street('Sepulveda Blvd', '-118.4665 34.15, -118.4665 34.201, -118.4665 34.23'),
  street('Woodman Ave', '-118.431 34.15, -118.431 34.22'),
  street(
    'Laurel Canyon Blvd',
    '-118.3965 34.16, -118.3965 34.201, -118.397 34.221, -118.405 34.235, -118.415 34.248, -118.421 34.26, -118.425 34.272, -118.43 34.285',
  ),
  street(
    'San Fernando Rd',
    '-118.455 34.29, -118.435 34.275, -118.415 34.26, -118.395 34.245, -118.375 34.23',
  ),
  street('Glenoaks Blvd', '-118.44 34.295, -118.42 34.28, -118.4 34.265, -118.38 34.25'),
];

/** The Los Angeles River where it runs between the eastside neighborhoods and downtown. */
const RIVER: Feature<LineString> = {
  type: 'Feature',
  geometry: {
    type: 'LineString',
    coordinates: corners(
      '-118.24 34.1, -118.235 34.088, -118.23 34.078, -118.227 34.065, -118.2285 34.055, -118.229 34.04, -118.2305 34.025, -118.225 34.012, -118.21 34.0, -118.195 33.988, -118.185 33.975, -118.178 33.96',
    ),
  },
  properties: { kind: 'river', name: 'Los Angeles River' },
};

/** The sketch's layers, named as the Protomaps basemap names them. */
export const DEMO_STREET_LAYERS: { roads: FeatureCollection; water: FeatureCollection } = {
  roads: { type: 'FeatureCollection', features: [...FREEWAYS, ...STREETS] },
  water: { type: 'FeatureCollection', features: [RIVER] },
};

/** The sketch as a PMTiles archive, zoom 6 (the whole demo area) to 14 (streets; the map zooms further). */
export function demoBasemapArchive(): Uint8Array {
  return archiveOfGeoJson(DEMO_STREET_LAYERS, {
    minZoom: 6,
    maxZoom: 14,
    metadata: {
      name: 'Faro demo street sketch',
      description: DEMO_BASEMAP_NOTE,
      attribution: DEMO_BASEMAP_NOTE,
    },
  });
}

/** What the sketch is, in its metadata (the board says it in the reader's language). */
export const DEMO_BASEMAP_NOTE =
  'Approximate sketch of main streets for the Faro demo, drawn by hand: not survey data';
