import { randomBytes } from 'node:crypto';
import { twilioSignature } from '../src/server/modules/sms/twilio.js';
import { onSeededPostgres } from '../test/support/seeded-postgres.js';
import { postInbound, smsProviderEnv, startSmsProvider } from '../test/support/sms-provider.js';

/**
 * `npm run bench -- plan`: an emergency plan activated by a text from any
 * phone (`PLAN <code> <PIN>` through the signed inbound webhook) until every
 * one of its 15 contacts' messages and the first contact's confirmation has
 * been handed to the SMS provider (a local stand-in), over many activations,
 * one after another, on PostgreSQL with a real `faro start`. Goal: p99 under 2 s.
 */

interface PlanBenchOptions {
  activations: number;
  postgresUrl: string | undefined;
}

const CONTACTS = 15;
let numbers = 0;
/** A fictional Los Angeles number (555-01xx and beyond), each one used once. */
const phone = () => {
  numbers += 1;
  return `+1213555${String(numbers).padStart(4, '0')}`;
};

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;

export async function planBench(options: PlanBenchOptions): Promise<void> {
  if (!options.postgresUrl)
    throw new Error('set DATABASE_URL (or --postgres): plans are measured on PostgreSQL');
  const provider = await startSmsProvider();
  const sms = smsProviderEnv(provider.url);
  try {
    await onSeededPostgres(options.postgresUrl, 'faro_plan', async ({ start }) => {
      const server = await start({ ...sms, LOG_LEVEL: 'warn' });
      // Faro signs and checks the address it is reached at: the demo's http://localhost:<port>.
      const inboundUrl = `${server.baseUrl.replace('127.0.0.1', 'localhost')}/api/sms/inbound`;
      try {
        // The legal team a consented plan's case goes to (the demo has one).
        const teams = (await (await fetch(`${server.baseUrl}/api/plans/legal-organizations`)).json()) as {
          id: string;
        }[];
        const team = teams[0]?.id;
        if (!team) throw new Error('the seeded coalition has no legal team');
        // The plans, written first as members would (not measured).
        const plans: { code: string; pin: string; contacts: string[]; first: string }[] = [];
        for (let i = 0; i < options.activations; i++) {
          const contacts = Array.from({ length: CONTACTS }, phone);
          const pin = String(100000 + i);
          const response = await fetch(`${server.baseUrl}/api/plans`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              contacts: contacts.map((number, n) => ({
                phone: number,
                language: n % 2 ? 'en' : 'es',
                task: n === 0 ? 'children' : 'family',
                message: `Mensaje ${n + 1} del plan ${i + 1}`,
              })),
              memberLanguage: 'es',
              caseConsent: true,
              person: { name: `Miembro ${i + 1}` },
              legalOrganizationId: team,
              pin,
            }),
          });
          const body = (await response.json()) as { code?: string };
          if (response.status !== 201 || !body.code)
            throw new Error(`writing a plan answered ${response.status}`);
          plans.push({ code: body.code, pin, contacts, first: contacts[0] as string });
        }

        const waits: number[] = [];
        for (const plan of plans) {
          const wanted = new Set(plan.contacts);
          const fields = {
            From: phone(),
            To: sms.TWILIO_FROM,
            Body: `PLAN ${plan.code} ${plan.pin}`,
            MessageSid: `SM${randomBytes(16).toString('hex')}`,
            AccountSid: sms.TWILIO_ACCOUNT_SID,
            NumMedia: '0',
          };
          const before = provider.sent.length;
          const started = performance.now();
          const answer = await postInbound(
            server.baseUrl,
            sms.TWILIO_AUTH_TOKEN,
            fields,
            twilioSignature(sms.TWILIO_AUTH_TOKEN, inboundUrl, fields),
          );
          if (!answer.ok) throw new Error(`the inbound text answered ${answer.status}`);
          // Every contact's message, and the first contact's confirmation (a second text to them).
          for (;;) {
            const since = provider.sent.slice(before).map((s) => s.fields.To ?? '');
            const reached = new Set(since.filter((to) => wanted.has(to)));
            const toFirst = since.filter((to) => to === plan.first).length;
            if (reached.size === CONTACTS && toFirst >= 2) break;
            if (performance.now() - started > 120_000) throw new Error('an activation took over two minutes');
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
          waits.push(performance.now() - started);
        }
        waits.sort((a, b) => a - b);
        console.log(
          `\nPlan activation by SMS keyword → ${CONTACTS} contacts' messages and the confirmation handed to the SMS provider (local stand-in), ${options.activations} activations one after another\n`,
        );
        console.log('| activations | p50 (ms) | p99 (ms) | max (ms) | goal p99 |');
        console.log('|---:|---:|---:|---:|---|');
        console.log(
          `| ${waits.length} | ${percentile(waits, 50).toFixed(0)} | ${percentile(waits, 99).toFixed(0)} | ${(waits.at(-1) ?? 0).toFixed(0)} | < 2000 ms |`,
        );
      } finally {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    });
  } finally {
    await provider.close();
  }
}
