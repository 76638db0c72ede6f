import { performance } from 'node:perf_hooks';
import { type GuardOptions, guardPublicText } from '../src/server/modules/alerts/guard.js';
import { percentile } from './dispatch.js';

/**
 * Publishing guard benchmark (issue 12 item 9): the time to check one text
 * of 1, 4, 16 and 64 KB, ordinary alert text and adversarial text, with no
 * blocked names and with 2,000. Adversarial text is what made the old
 * patterns quadratic — one long unbroken word, one long run of spaced
 * digits — plus a mix of everything the rules start from (titles, street
 * words, "at", "@", dots, given names, officer words, names that share
 * prefixes with blocked ones). Linear growth shows as a constant µs per KB.
 */

export interface GuardBenchOptions {
  sizes: number[];
  runs: number;
}

const ORDINARY = [
  'Confirmed: immigration enforcement in Boyle Heights and El Sereno.',
  'Trained volunteers confirmed a raid in Westlake / MacArthur Park around 10:30 AM. Avoid the area if you can.',
  'Voluntarios capacitados confirmaron un retén en Pico-Union alrededor de las 15:05. Evite la zona si puede.',
  'Know your rights: you have the right to remain silent. Do not open the door unless agents show a warrant signed by a judge.',
  '12 ICE agents and 3 vehicles near Cesar Chavez Ave and Soto St, on Interstate 5 and the 110 Freeway, as of Nov 29, 2026.',
  'More at https://faro.example.org/rights and https://www.aclu.org/know-your-rights. Under AB 450 and SB 54, ask for a warrant.',
].join(' ');

const MIX = [
  'Officer Ana Mr Sra. calle Calle Olvera Av. named se llama badge placa número de placa ID # agente',
  'at arroba dot punto @ (at) [dot] a.b.c.d.e.f.g 1 2 3 4 5 6 1.2.3.4 one two three cuatro cinco',
  'Jennifer María de la Cruz Ana Ana Ana Beto Beto Rosa Rosa Apellido Apellido1 ABC 123 A B C 1 2',
  'Boyle Heights 9003 CA 9 1420 Whittier Calle 5 de Mayo http https:// www. t.me',
].join(' ');

function textOf(kind: 'ordinary' | 'adversarial', bytes: number): string {
  if (kind === 'ordinary') return ORDINARY.repeat(Math.ceil(bytes / ORDINARY.length) + 1).slice(0, bytes);
  // A quarter one word of letters and digits, a quarter one run of spaced digits, half the mix.
  const word = 'a1b2'.repeat(Math.ceil(bytes / 16)).slice(0, bytes / 4);
  const digits = '1 '.repeat(Math.ceil(bytes / 8)).slice(0, bytes / 4);
  const mix = MIX.repeat(Math.ceil(bytes / 2 / MIX.length) + 1).slice(0, bytes / 2);
  return `${word} ${digits} ${mix}`.slice(0, bytes);
}

const GIVEN = ['Ana', 'Beto', 'Carmen', 'Diego', 'Elena', 'Fidel', 'Gloria', 'Hugo', 'Inés', 'Jorge'];
/** 2,000 names sharing first names and surname stems, as a real list would. */
const BLOCKED = Array.from({ length: 2000 }, (_, i) => `${GIVEN[i % GIVEN.length]} Apellido${i}`);

export async function guardBench(options: GuardBenchOptions): Promise<void> {
  const rows: { input: string; names: number; ms: number[] }[] = [];
  // Let the JIT settle on both kinds of text first, so the smallest size is not a compile time.
  for (let warm = 0; warm < 5; warm++)
    for (const input of ['ordinary', 'adversarial'] as const)
      guardPublicText(textOf(input, 16 * 1024), { allowedHosts: [], blockedNames: BLOCKED });
  for (const input of ['ordinary', 'adversarial'] as const) {
    for (const names of [0, 2000]) {
      const guard: GuardOptions = {
        allowedHosts: ['faro.example.org', 'aclu.org'],
        blockedNames: BLOCKED.slice(0, names),
        allowedNumbers: ['+1 (213) 555-0100'],
      };
      const ms: number[] = [];
      for (const kb of options.sizes) {
        const text = textOf(input, kb * 1024);
        guardPublicText(text, guard); // warm-up: compiles the names once, as the server does
        const times: number[] = [];
        for (let run = 0; run < options.runs; run++) {
          const start = performance.now();
          guardPublicText(text, guard);
          times.push(performance.now() - start);
        }
        ms.push(percentile(times, 50));
        process.stderr.write(`\r  ${input}, ${names} names, ${kb} KB        `);
      }
      rows.push({ input, names, ms });
    }
  }
  process.stderr.write(`\r${' '.repeat(50)}\r`);
  const largest = options.sizes.at(-1) ?? 1;
  console.log(`\nguardPublicText on one text, median of ${options.runs} runs (ms)\n`);
  console.log(
    `| input       | blocked names | ${options.sizes.map((kb) => `${kb} KB`.padStart(8)).join(' | ')} | µs per KB at ${largest} KB |`,
  );
  console.log(
    `|-------------|--------------:|${options.sizes.map(() => '---------:').join('|')}|-------------------:|`,
  );
  for (const row of rows)
    console.log(
      `| ${row.input.padEnd(11)} | ${String(row.names).padStart(13)} | ${row.ms.map((m) => m.toFixed(2).padStart(8)).join(' | ')} | ${(((row.ms.at(-1) ?? 0) * 1000) / largest).toFixed(0).padStart(18)} |`,
    );
}
