/**
 * CAP 1.2 (OASIS Common Alerting Protocol) documents for Faro's alerts:
 * one `<info>` per language, one `<area>` per zone with its outline. Element
 * order, formats and vocabularies follow the official schema, which the tests
 * validate every kind of document against.
 */

import { withoutUnpublishable } from '../../../shared/text.js';

export type CapStatus = 'Actual' | 'Exercise' | 'Test';
export type CapMsgType = 'Alert' | 'Update' | 'Cancel';

export interface CapArea {
  areaDesc: string;
  /** The outline as [longitude, latitude] positions (GeoJSON order). */
  outline: [number, number][];
}

export interface CapInfo {
  /** RFC 3066 language, e.g. "en-US", "es-US". */
  language: string;
  event: string;
  responseType?:
    | 'Shelter'
    | 'Evacuate'
    | 'Prepare'
    | 'Execute'
    | 'Avoid'
    | 'Monitor'
    | 'Assess'
    | 'AllClear'
    | 'None';
  urgency: 'Immediate' | 'Expected' | 'Future' | 'Past' | 'Unknown';
  severity: 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';
  certainty: 'Observed' | 'Likely' | 'Possible' | 'Unlikely' | 'Unknown';
  expires: Date;
  senderName: string;
  headline: string;
  description: string;
  instruction?: string;
  web?: string;
  areas: CapArea[];
}

export interface CapReference {
  sender: string;
  identifier: string;
  sent: Date;
}

export interface CapAlert {
  identifier: string;
  sender: string;
  sent: Date;
  status: CapStatus;
  msgType: CapMsgType;
  note?: string;
  references?: CapReference[];
  infos: CapInfo[];
}

/**
 * Text as XML character data or an attribute value. Characters XML cannot
 * carry are dropped first: input refuses them, and this is the last line, so
 * one bad name can never break every document and the feed.
 */
export const escapeXml = (value: string) =>
  withoutUnpublishable(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** CAP's dateTime: seconds, an explicit offset, "-00:00" for UTC (no "Z"). */
export function capTime(date: Date): string {
  return `${date.toISOString().slice(0, 19)}-00:00`;
}

/** "lat,lon lat,lon …", closed, as CAP's polygon wants it. */
export function capPolygon(outline: readonly [number, number][]): string {
  const points = [...outline];
  const first = points[0];
  const last = points.at(-1);
  if (first && last && (first[0] !== last[0] || first[1] !== last[1])) points.push(first);
  return points.map(([lng, lat]) => `${lat.toFixed(5)},${lng.toFixed(5)}`).join(' ');
}

const element = (name: string, value: string | undefined, indent: string) =>
  value === undefined ? '' : `${indent}<${name}>${escapeXml(value)}</${name}>\n`;

function infoXml(info: CapInfo): string {
  const i = '    ';
  const areas = info.areas
    .map(
      (area) =>
        `${i}<area>\n${element('areaDesc', area.areaDesc, `${i}  `)}${element('polygon', capPolygon(area.outline), `${i}  `)}${i}</area>\n`,
    )
    .join('');
  return (
    '  <info>\n' +
    element('language', info.language, i) +
    element('category', 'Safety', i) +
    element('event', info.event, i) +
    element('responseType', info.responseType, i) +
    element('urgency', info.urgency, i) +
    element('severity', info.severity, i) +
    element('certainty', info.certainty, i) +
    element('expires', capTime(info.expires), i) +
    element('senderName', info.senderName, i) +
    element('headline', info.headline, i) +
    element('description', info.description, i) +
    element('instruction', info.instruction, i) +
    element('web', info.web, i) +
    areas +
    '  </info>\n'
  );
}

/** The CAP 1.2 XML document of an alert. */
export function capXml(alert: CapAlert): string {
  const references = alert.references?.length
    ? alert.references.map((r) => `${r.sender},${r.identifier},${capTime(r.sent)}`).join(' ')
    : undefined;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">\n' +
    element('identifier', alert.identifier, '  ') +
    element('sender', alert.sender, '  ') +
    element('sent', capTime(alert.sent), '  ') +
    element('status', alert.status, '  ') +
    element('msgType', alert.msgType, '  ') +
    element('scope', 'Public', '  ') +
    element('note', alert.note, '  ') +
    element('references', references, '  ') +
    alert.infos.map(infoXml).join('') +
    '</alert>\n'
  );
}
