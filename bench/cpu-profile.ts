import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads the V8 CPU profiles (`--cpu-prof`) a process wrote to a folder and
 * prints where its threads spent their samples: the functions with the most
 * self time, each with its file or package, as a percent of all samples of
 * those threads (idle included). The main thread and the worker threads are
 * shown apart: one event loop is what a fan-out must not saturate.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  /** When profiling started, in µs of the monotonic clock (`process.hrtime` in any process of this machine). */
  startTime: number;
  /** µs from the previous sample (the first: from startTime). */
  timeDeltas: number[];
}

/** A span of the monotonic clock in µs: only samples taken within it count. */
export interface ProfileWindow {
  from: number;
  to: number;
}

/** The monotonic clock now, in µs: the clock V8 stamps profile samples with. */
export const monotonicMicros = (): number => Number(process.hrtime.bigint() / 1000n);

const ROOT = path.resolve(import.meta.dirname, '..');

/** A script's package (`web-push`), Node's own module (`node:internal/http`) or the project's file. */
function placeOf(url: string): string {
  if (!url) return '(V8/native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const file = url.replace(/^file:\/\//, '');
  return file.startsWith(ROOT) ? path.relative(ROOT, file) : file;
}

/** Self samples per function (name and place), summed over every node of every profile given. */
function selfTimes(
  profiles: Profile[],
  window: ProfileWindow | undefined,
): { total: number; functions: Map<string, number>; own: Map<string, number> } {
  const functions = new Map<string, number>();
  const own = new Map<string, number>();
  let total = 0;
  for (const profile of profiles) {
    const keyOf = new Map<number, string>();
    const parentOf = new Map<number, number>();
    const ownKeyOf = new Map<number, string>();
    for (const node of profile.nodes) {
      const { functionName, url, lineNumber } = node.callFrame;
      const place = placeOf(url);
      keyOf.set(node.id, `${functionName || '(anonymous)'}\t${place}`);
      for (const child of node.children ?? []) parentOf.set(child, node.id);
      if (isOwn(place)) ownKeyOf.set(node.id, `${functionName || '(anonymous)'}\t${place}:${lineNumber + 1}`);
    }
    let at = profile.startTime;
    for (const [i, id] of profile.samples.entries()) {
      at += profile.timeDeltas[i] ?? 0;
      if (window && (at < window.from || at > window.to)) continue;
      const key = keyOf.get(id) ?? '?';
      functions.set(key, (functions.get(key) ?? 0) + 1);
      total += 1;
      // Each of the project's functions on the sample's stack, once (recursion counted once).
      const seen = new Set<string>();
      for (let node: number | undefined = id; node !== undefined; node = parentOf.get(node)) {
        const ownKey = ownKeyOf.get(node);
        if (ownKey && !seen.has(ownKey)) {
          seen.add(ownKey);
          own.set(ownKey, (own.get(ownKey) ?? 0) + 1);
        }
      }
    }
  }
  return { total, functions, own };
}

/** The project's own code (built or source), not a package's nor Node's. */
const isOwn = (place: string) => place.startsWith('dist/') || place.startsWith('src/');

function printTop(title: string, profiles: Profile[], top: number, window?: ProfileWindow): void {
  const { total, functions, own } = selfTimes(profiles, window);
  if (total === 0) return;
  console.log(`\n${title} (${total.toLocaleString('en-US')} samples)\n`);
  console.log('| self % | function | file / package |');
  console.log('|-------:|----------|----------------|');
  const sorted = [...functions.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [key, samples] of sorted) {
    const [name, place] = key.split('\t');
    console.log(`| ${((samples / total) * 100).toFixed(1).padStart(6)} | ${name} | ${place} |`);
  }
  const places = new Map<string, number>();
  for (const [key, samples] of functions) {
    const place = key.split('\t')[1] ?? '?';
    places.set(place, (places.get(place) ?? 0) + samples);
  }
  const byPlace = [...places.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  const ownSorted = [...own.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  if (ownSorted.length > 0) {
    console.log("\nThe project's functions by total time (self and all they call, packages included)\n");
    console.log('| total % | function | file:line |');
    console.log('|--------:|----------|-----------|');
    for (const [key, samples] of ownSorted) {
      const [name, place] = key.split('\t');
      console.log(`| ${((samples / total) * 100).toFixed(1).padStart(7)} | ${name} | ${place} |`);
    }
  }
  console.log(
    `\nBy file / package: ${byPlace.map(([place, n]) => `${place} ${((n / total) * 100).toFixed(1)} %`).join(' · ')}`,
  );
}

/**
 * Prints the summaries of every profile in `folder` (main thread: thread id 0 in the file name);
 * with a `window`, of the samples taken within it only (a measured run, not the server's start).
 */
export async function printCpuProfiles(folder: string, top = 15, window?: ProfileWindow): Promise<void> {
  const files = (await readdir(folder)).filter((file) => file.endsWith('.cpuprofile'));
  const main: Profile[] = [];
  const workers: Profile[] = [];
  for (const file of files) {
    const profile = JSON.parse(await readFile(path.join(folder, file), 'utf8')) as Profile;
    // CPU.<date>.<time>.<pid>.<thread id>.<sequence>.cpuprofile
    const thread = file.split('.').at(-3);
    (thread === '0' ? main : workers).push(profile);
  }
  console.log(`\nCPU profiles in ${folder}: ${main.length} main thread, ${workers.length} worker threads`);
  printTop('Main thread: top functions by self time', main, top, window);
  printTop('Worker threads together: top functions by self time', workers, 8, window);
}
