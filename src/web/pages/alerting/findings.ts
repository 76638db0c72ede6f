import type { GuardFinding } from '../../../shared/alert.js';

type Translate = (key: string, values?: Record<string, unknown>) => string;

/**
 * A guard finding as the composer says it, in the reader's language: what was found and where —
 * a language's text, a zone's name, or the name alerts are sent under.
 */
export function findingText(
  t: Translate,
  finding: GuardFinding,
  zones: readonly { id: string; name: string }[],
): string {
  const kind = t(`alerting.kinds.${finding.kind}`);
  if (finding.language)
    return t('alerting.finding', {
      kind,
      text: finding.text,
      language: finding.language.toUpperCase(),
      field: t(`alerting.fields.${finding.field}`),
    });
  const place =
    finding.field === 'zone'
      ? t('alerting.findingIn.zone', { name: zones.find((zone) => zone.id === finding.zoneId)?.name ?? '' })
      : t('alerting.findingIn.sender');
  return t('alerting.findingShared', { kind, text: finding.text, place });
}
