import { createHash } from 'node:crypto';
import type { AlertContent, AlertKind, CapStatus } from '../../../shared/alert.js';
import type { RenderableAlert } from './render.js';

/**
 * What an approver approves: everything an alert renders from, frozen when it
 * is submitted — its texts, its zones with their names and outlines as they
 * will be published, its CAP fields. Approval names this snapshot by its hash,
 * and publication renders from it alone, so neither an edit nor a zone renamed
 * later changes what was approved. Pure: no I/O.
 */
export interface AlertSnapshot {
  kind: AlertKind;
  capStatus: CapStatus;
  msgType: RenderableAlert['msgType'];
  referencesId: string | null;
  content: AlertContent;
  zones: RenderableAlert['zones'];
  urgency: RenderableAlert['urgency'];
  severity: RenderableAlert['severity'];
  certainty: RenderableAlert['certainty'];
  expiresInMinutes: number;
}

/** JSON with every object's keys in order: the same snapshot, however stored, has the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The snapshot's SHA-256 (hex): what an approval names. */
export function snapshotHash(snapshot: AlertSnapshot): string {
  return createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
}

/** When and after what a message was issued: known only at publication. */
export interface Issue {
  publishedAt: Date;
  expiresAt: Date;
  references: RenderableAlert['references'];
}

/** What the renderers need, from the snapshot and the facts of its publication. */
export function renderableOf(id: string, snapshot: AlertSnapshot, issue: Issue): RenderableAlert {
  return {
    id,
    kind: snapshot.kind,
    capStatus: snapshot.capStatus,
    msgType: snapshot.msgType,
    content: snapshot.content,
    zones: snapshot.zones,
    urgency: snapshot.urgency,
    severity: snapshot.severity,
    certainty: snapshot.certainty,
    publishedAt: issue.publishedAt,
    expiresAt: issue.expiresAt,
    references: issue.references,
    referencesId: snapshot.referencesId,
  };
}
