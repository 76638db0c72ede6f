import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { options } from '../../../../test/support/leaks.js';
import { ALERT_KINDS, type AlertContent } from '../../../shared/alert.js';
import { ACTIVITIES, LANGUAGES } from '../../../shared/report-fields.js';
import { message } from '../../locales/messages.js';
import { DEMO_COALITION, DEMO_ORGANIZATIONS, DEMO_ZONES } from '../demo/demo-data.js';
import { guardPublicText } from './guard.js';
import { alertFindings } from './render.js';
import { fillTemplate, joinNames } from './templates.js';

/**
 * Issue 12 item 16, the other side: a guard that blocks ordinary alerts is
 * switched off by the people who need it. Every template Faro ships, in both
 * languages, for every demo zone, activity and time of day, and ordinary
 * alert phrases (know-your-rights advice, roads, times, counts, dates, laws,
 * agencies, places named after people) pass; so do alerts carrying the
 * coalition's own hotline number once it is on the allow-list.
 */

const ZONE_NAMES = DEMO_ZONES.map((zone) => zone.name);

/** What the guard finds in an alert of these texts about zones of these names, sent as the demo coalition. */
const findingsOf = (content: AlertContent, zoneNames: readonly string[], guard = options) =>
  alertFindings(
    {
      content,
      zones: zoneNames.map((name, i) => ({
        id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        name,
      })),
    },
    { guard, senderName: DEMO_COALITION.name },
  );
/** Times of day across 24 hours (both halves of a 12-hour clock), on minutes that are not round. */
const TIMES = [0, 1, 3, 5, 7, 9, 11, 12, 13, 16, 19, 22].map(
  (hour) => new Date(Date.UTC(2026, 10, 29, hour, (hour * 25) % 60, 10)),
);

describe('issue 12 item 16: ordinary alerts pass the guard', () => {
  it('issue 12 item 16: passes every shipped template, both languages, every demo zone, activity and time', () => {
    const leaks: string[] = [];
    const check = (facts: Omit<Parameters<typeof fillTemplate>[0], 'timeZone'>) => {
      const content = fillTemplate({ ...facts, timeZone: 'America/Los_Angeles' });
      for (const finding of findingsOf(content, facts.zoneNames))
        leaks.push(
          `${finding.kind} "${finding.text}" in ${finding.language ? JSON.stringify(content[finding.language]) : finding.field}`,
        );
    };
    for (const kind of ALERT_KINDS) {
      // Every activity at every time, with all zones named; every zone on its own.
      for (const activity of ACTIVITIES)
        for (const at of TIMES) check({ kind, zoneNames: ZONE_NAMES, activity, at });
      for (const name of ZONE_NAMES)
        check({ kind, zoneNames: [name], activity: 'raid', at: TIMES[4] as Date });
    }
    expect(leaks).toEqual([]);
  });

  it('issue 12 item 16: passes the other public texts: marks, rights, e-mail footer, SMS stop, names of the network', () => {
    const texts = LANGUAGES.flatMap((language) => [
      message(language, 'alerts.marks.Test'),
      message(language, 'alerts.marks.Exercise'),
      message(language, 'alerts.rights'),
      message(language, 'alerts.event'),
      message(language, 'alerts.previous'),
      message(language, 'alerts.sms.stop'),
      message(language, 'alerts.email.footer', {
        zones: joinNames(ZONE_NAMES, language),
        unsubscribe: 'https://faro.example.org/unsubscribe/abc',
      }),
      ...ACTIVITIES.map((activity) => message(language, `alerts.activities.${activity}`)),
    ]);
    texts.push(DEMO_COALITION.name, ...DEMO_ORGANIZATIONS.map((organization) => organization.name));
    for (const text of texts) expect(guardPublicText(text, options), text).toEqual([]);
  });

  const PHRASES = {
    en: [
      'ICE activity confirmed in Boyle Heights near 1st and Soto at 10:30.',
      '3 vehicles, about 12 agents.',
      '12 ICE agents and 2 SUVs seen at 10:45 AM.',
      'Border Patrol and Homeland Security Investigations vehicles near MacArthur Park.',
      'Traffic stopped on Interstate 5 and the 110 Freeway near the 4th Street Bridge.',
      'Rumor checked: no enforcement activity at the school on Cesar Chavez Ave and Soto St.',
      'Volunteers are near Cesar Chavez and Soto.',
      'All clear in Van Nuys as of Nov 29, 2026.',
      'Seen on 11/29/2026 and again on 2026-11-30 around 3:05 PM.',
      'You have the right to remain silent. Do not open the door.',
      'Under AB 450 and SB 54, ask for a warrant signed by a judge.',
      'Know your rights: https://faro.example.org/rights and https://www.aclu.org/know-your-rights',
      'More information at aclu.org.',
      'Checkpoint reported on Santa Monica Blvd and in the San Fernando Valley.',
      'Agents gathering near Martin Luther King Jr. Blvd for about 2 hours.',
      'Avoid the area for 30 minutes. Stay calm and do not run.',
      'Update 2: still 3 vehicles in Highland Park.',
      'Section 287(g) agreements end in 2026.',
      'One agent and one vehicle left the area.',
      'Trained volunteers confirmed a patrol in Westlake / MacArthur Park around 10:30 AM.',
      'Van Nuys: CBP at 6:15 PM, about 20 agents, 5 unmarked SUVs. Avoid Sepulveda Blvd.',
      'A clinic opens on Avenue 26 in Lincoln Heights. Call 911 only for emergencies.',
      'Interstate 10 East at exit 19; the 101 North near exit 12B.',
    ],
    es: [
      'Actividad confirmada en Pico-Union cerca de Vermont y Olympic, 11:45.',
      'No abra la puerta. Tiene derecho a guardar silencio.',
      'Alerta: operativo en el 4th Street Bridge, 2 camionetas.',
      'Unos 12 agentes de ICE y 3 patrullas a las 10:45.',
      'Pacoima 12 agentes, Koreatown 15 minutos después.',
      'Una redada en East Los Angeles el 29 de noviembre de 2026.',
      'Retén en la carretera cerca de San Pedro y de Santa Ana.',
      'Conozca sus derechos: no firme nada. Puede grabar desde una distancia segura.',
      'Voluntarios capacitados confirmaron un arresto en Huntington Park alrededor de las 15:05.',
      'Manténgase alerta y reporte lo que vea.',
      'Vigilancia en la calle Soto, cerca del mercado.',
      'Ya no hay operativos migratorios en El Sereno desde las 9:30.',
      'Una patrulla y dos camionetas salieron de la zona.',
      'Según la ley AB 450, pida una orden firmada por un juez.',
      'Actualización 3: todavía hay agentes en Lincoln Heights.',
      'Rumor falso: no hay retén en la 60 East. Comparta solo alertas verificadas.',
      'Hoy 29/11/2026, 3 patrullas y 15 agentes en Santa Fe Springs. Llame al 911 solo en emergencias.',
    ],
  };

  for (const language of LANGUAGES) {
    it(`issue 12 item 16: passes ordinary alert phrases in any order (${language})`, () =>
      fc.assert(
        fc.property(
          fc.array(fc.constantFrom(...PHRASES[language]), { minLength: 1, maxLength: 5 }),
          (phrases) => {
            const text = phrases.join(' ');
            expect(guardPublicText(text, options), text).toEqual([]);
          },
        ),
        { numRuns: 300 },
      ));
  }
});

describe('issue 12 item 16: alerts that carry the coalition’s hotline', () => {
  const HOTLINE = {
    en: ' Call our hotline at (213) 555-0100 or text ALERTA to 51555.',
    es: ' Llame a nuestra línea al (213) 555-0100 o envíe ALERTA al 51555.',
  };

  it('issue 12 item 16: publishes both ordinary alerts with the hotline once the number is allowed', () => {
    for (const kind of ['activity', 'all_clear'] as const) {
      const content = fillTemplate({
        kind,
        zoneNames: ['Boyle Heights'],
        activity: 'raid',
        at: TIMES[10] as Date,
        timeZone: 'America/Los_Angeles',
      });
      for (const language of LANGUAGES) content[language].body += HOTLINE[language];
      expect(findingsOf(content, ['Boyle Heights'])).toEqual([]);
      // Without the allow-list they are refused: the numbers are the only thing found.
      const withoutList = findingsOf(content, ['Boyle Heights'], { ...options, allowedNumbers: [] });
      expect(withoutList.map((f) => [f.language, f.kind, f.text])).toEqual([
        ['en', 'phone', '(213) 555-0100'],
        ['es', 'phone', '(213) 555-0100'],
      ]);
    }
  });
});
