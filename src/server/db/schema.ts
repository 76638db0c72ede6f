/**
 * Faro's schema: every table, re-exported from the file of the module that owns it
 * (`schema/<module>.ts`; only that module's repositories write its tables). Migrations in
 * ./drizzle are generated from this file with `npm run db:generate`; a test fails if they
 * disagree.
 */
export * from './schema/access.js';
export * from './schema/alerts.js';
export * from './schema/basemap.js';
export * from './schema/case-documents.js';
export * from './schema/case-family.js';
export * from './schema/case-schedule.js';
export * from './schema/cases.js';
export * from './schema/coalitions.js';
export * from './schema/crypto.js';
export * from './schema/dispatch.js';
export * from './schema/evidence.js';
export * from './schema/http.js';
export * from './schema/incidents.js';
export * from './schema/plans.js';
export * from './schema/realtime.js';
export * from './schema/reports.js';
export * from './schema/rights.js';
export * from './schema/sms.js';
export * from './schema/zones.js';
