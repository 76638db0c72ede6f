import { DEMO_ZONES } from '../src/server/modules/demo/demo-data.js';
import type { ReportInput } from '../src/shared/report.js';
import type { Activity } from '../src/shared/report-fields.js';

/**
 * A surge as a hotline lives it: three real operations, each reported 100 to
 * 400 times by people who place them a few hundred metres off, remember the
 * time roughly, call the same thing by different names, and sometimes only
 * name the neighborhood; plus 100 scattered false alarms — over two hours.
 * Deterministic for a seed, and it knows the truth about every report.
 */

export interface ScenarioReport {
  /** Which operation it describes, or `false:<n>` for a false alarm (each its own truth). */
  truth: string;
  /** When the report reaches Faro, in ms from the start of the scenario. */
  arrivesAtMs: number;
  /** The report, with `observedAt` relative to `start` filled by `toInput`. */
  input: Omit<ReportInput, 'observedAt'> & { observedAtMs: number };
}

export interface Operation {
  id: string;
  zone: string;
  activity: Activity;
  startMs: number;
  durationMs: number;
  /** Where it is at a fraction 0..1 of its duration (a patrol moves). */
  positionAt(fraction: number): { lat: number; lng: number };
  reports: number;
}

const MINUTE = 60_000;
export const SCENARIO_MS = 120 * MINUTE;

/** mulberry32: a small, good, seedable PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function zone(slug: string) {
  const found = DEMO_ZONES.find((z) => z.slug === slug);
  if (!found) throw new Error(`no demo zone ${slug}`);
  return found;
}

/** The mean of a zone outline's vertices: inside these simple, convex-ish outlines. */
function centerOf(slug: string) {
  const ring = zone(slug).boundary.coordinates[0] ?? [];
  const points = ring.slice(0, -1);
  return {
    lat: points.reduce((sum, p) => sum + p[1], 0) / points.length,
    lng: points.reduce((sum, p) => sum + p[0], 0) / points.length,
  };
}

function insidePolygon(point: { lat: number; lng: number }, ring: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i] as [number, number];
    const [xj, yj] = ring[j] as [number, number];
    if (yi > point.lat !== yj > point.lat && point.lng < ((xj - xi) * (point.lat - yi)) / (yj - yi) + xi)
      inside = !inside;
  }
  return inside;
}

const KM_PER_DEG_LAT = 111.32;
const offsetKm = (p: { lat: number; lng: number }, northKm: number, eastKm: number) => ({
  lat: p.lat + northKm / KM_PER_DEG_LAT,
  lng: p.lng + eastKm / (KM_PER_DEG_LAT * Math.cos((p.lat * Math.PI) / 180)),
});

const MISNAMED: Activity[] = ['arrest', 'raid', 'staging', 'patrol', 'surveillance', 'other'];
const UNIFORMS = ['ice', 'hsi', 'cbp', 'border_patrol', 'police', 'plainclothes', 'unknown'] as const;

export function generateScenario(seed = 1): { operations: Operation[]; reports: ScenarioReport[] } {
  const random = prng(seed);
  const between = (min: number, max: number) => min + random() * (max - min);
  const gaussian = () => {
    // Box–Muller.
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const count = () => Math.round(between(100, 400));

  const boyle = centerOf('boyle-heights');
  const pico = centerOf('pico-union');
  const vanNuys = centerOf('van-nuys');
  const operations: Operation[] = [
    {
      id: 'raid-boyle-heights',
      zone: 'boyle-heights',
      activity: 'raid',
      startMs: 10 * MINUTE,
      durationMs: 50 * MINUTE,
      positionAt: () => boyle,
      reports: count(),
    },
    {
      id: 'checkpoint-pico-union',
      zone: 'pico-union',
      activity: 'checkpoint',
      startMs: 35 * MINUTE,
      durationMs: 75 * MINUTE,
      positionAt: () => pico,
      reports: count(),
    },
    {
      // A patrol drives 2 km north through Van Nuys over an hour.
      id: 'patrol-van-nuys',
      zone: 'van-nuys',
      activity: 'patrol',
      startMs: 50 * MINUTE,
      durationMs: 60 * MINUTE,
      positionAt: (f) => offsetKm(vanNuys, -1 + 2 * f, 0),
      reports: count(),
    },
  ];

  const reports: ScenarioReport[] = [];
  const describe = (
    truth: string,
    activity: Activity,
    observedAtMs: number,
    position: { lat: number; lng: number },
    zoneSlug: string,
    zoneId: string,
  ): ScenarioReport => {
    const style = random();
    // 70% share the phone's position, 20% only name the neighborhood, 10% name it and cross streets.
    const location =
      style < 0.7
        ? position
        : style < 0.9
          ? { zoneId }
          : { zoneId, place: `near ${pick(['the market', 'the school', 'the park', 'the bus stop'])}` };
    // People remember times roughly; and they call late.
    const remembered = observedAtMs + gaussian() * 6 * MINUTE;
    const arrivesAtMs = Math.max(observedAtMs, remembered) + -Math.log(Math.max(random(), 1e-9)) * 5 * MINUTE;
    return {
      truth,
      arrivesAtMs: Math.min(arrivesAtMs, SCENARIO_MS),
      input: {
        language: random() < 0.55 ? 'es' : 'en',
        activity: random() < 0.7 ? activity : pick(MISNAMED),
        location,
        observedAtMs: Math.min(remembered, arrivesAtMs),
        size: random() < 0.6 ? { agents: Math.max(1, Math.round(between(2, 12))) } : {},
        uniforms: random() < 0.6 ? [pick(UNIFORMS)] : [],
        equipment: [],
        firsthand: random() < 0.8,
        description: `${zoneSlug} ${truth}`,
      },
    };
  };

  // Zone ids are the server's; the scenario names zones by slug and `toInput` resolves them.
  for (const op of operations) {
    for (let i = 0; i < op.reports; i++) {
      const fraction = random();
      const at = op.positionAt(fraction);
      // Most place it within a few hundred metres; one in ten is far off (GPS indoors, a wrong corner).
      const spreadKm = random() < 0.9 ? 0.25 : 0.8;
      const position = offsetKm(at, gaussian() * spreadKm, gaussian() * spreadKm);
      reports.push(
        describe(
          op.id,
          op.activity,
          op.startMs + fraction * op.durationMs,
          position,
          op.zone,
          `zone:${op.zone}`,
        ),
      );
    }
  }
  for (let i = 0; i < 100; i++) {
    const slug = pick(DEMO_ZONES).slug;
    const ring = zone(slug).boundary.coordinates[0] as [number, number][];
    const lats = ring.map((p) => p[1]);
    const lngs = ring.map((p) => p[0]);
    let position = centerOf(slug);
    for (let tries = 0; tries < 50; tries++) {
      const candidate = {
        lat: between(Math.min(...lats), Math.max(...lats)),
        lng: between(Math.min(...lngs), Math.max(...lngs)),
      };
      if (insidePolygon(candidate, ring)) {
        position = candidate;
        break;
      }
    }
    reports.push(
      describe(
        `false:${i}`,
        pick(MISNAMED),
        between(0, SCENARIO_MS - 10 * MINUTE),
        position,
        slug,
        `zone:${slug}`,
      ),
    );
  }
  reports.sort((a, b) => a.arrivesAtMs - b.arrivesAtMs);
  return { operations, reports };
}

/** The report as the API takes it, with the scenario's clock placed so that it ends `endsAt`. */
export function toInput(report: ScenarioReport, endsAt: number, zoneIds: Map<string, string>): ReportInput {
  const { observedAtMs, location, ...rest } = report.input;
  const zoneId = 'zoneId' in location && location.zoneId ? zoneIds.get(location.zoneId.slice(5)) : undefined;
  return {
    ...rest,
    location: zoneId ? { ...location, zoneId } : location,
    observedAt: new Date(endsAt - SCENARIO_MS + observedAtMs).toISOString(),
  };
}

/**
 * Pairwise precision and recall of a grouping against the truth: of the pairs
 * of reports put in one incident, how many truly belong together (precision);
 * of the pairs that truly belong together, how many were put in one incident
 * (recall). False alarms belong with nothing.
 */
export function pairwiseScores(assignments: readonly { truth: string; group: string }[]) {
  const pairs = (n: number) => (n * (n - 1)) / 2;
  const tally = (key: (a: { truth: string; group: string }) => string) => {
    const counts = new Map<string, number>();
    for (const a of assignments) counts.set(key(a), (counts.get(key(a)) ?? 0) + 1);
    return counts;
  };
  const together = [...tally((a) => `${a.group}\u0000${a.truth}`).values()].reduce((s, n) => s + pairs(n), 0);
  const grouped = [...tally((a) => a.group).values()].reduce((s, n) => s + pairs(n), 0);
  const truly = [...tally((a) => a.truth).values()].reduce((s, n) => s + pairs(n), 0);
  return {
    precision: grouped === 0 ? 1 : together / grouped,
    recall: truly === 0 ? 1 : together / truly,
    incidents: tally((a) => a.group).size,
  };
}
