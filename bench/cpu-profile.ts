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
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

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
function selfTimes(profiles: Profile[]): { total: number; functions: Map<string, number> } {
  const functions = new Map<string, number>();
  let total = 0;
  for (const profile of profiles) {
    const keyOf = new Map<number, string>();
    for (const node of profile.nodes) {
      const { functionName, url } = node.callFrame;
      keyOf.set(node.id, `${functionName || '(anonymous)'}\t${placeOf(url)}`);
    }
    for (const id of profile.samples) {
      const key = keyOf.get(id) ?? '?';
      functions.set(key, (functions.get(key) ?? 0) + 1);
      total += 1;
    }
  }
  return { total, functions };
}

function printTop(title: string, profiles: Profile[], top: number): void {
  const { total, functions } = selfTimes(profiles);
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
  console.log(
    `\nBy file / package: ${byPlace.map(([place, n]) => `${place} ${((n / total) * 100).toFixed(1)} %`).join(' · ')}`,
  );
}

/** Prints the summaries of every profile in `folder` (main thread: thread id 0 in the file name). */
export async function printCpuProfiles(folder: string, top = 15): Promise<void> {
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
  printTop('Main thread: top functions by self time', main, top);
  printTop('Worker threads together: top functions by self time', workers, 8);
}
