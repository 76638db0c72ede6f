import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { roleSchema } from '../../../shared/access.js';
import {
  AUDIT_ACTIONS,
  adminOrganizationsSchema,
  adminPeopleSchema,
  auditPageSchema,
  invitationCreatedSchema,
  openInvitationsSchema,
  organizationCreatedSchema,
  roleConflictsSchema,
} from '../../../shared/admin.js';
import { sessionOf } from '../../http/auth.js';
import type { AuditFilter } from './audit.repo.js';
import type { InvitationService } from './invitations.service.js';
import type { PeopleService } from './people.service.js';

const ok = z.object({ ok: z.literal(true) });
const idParams = z.object({ id: z.uuid() });

const auditQuery = z.object({
  action: z.enum(AUDIT_ACTIONS).optional(),
  actorId: z.uuid().optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
const toFilter = (query: z.infer<typeof auditQuery>): AuditFilter => ({
  action: query.action,
  actorId: query.actorId,
  from: query.from ? new Date(query.from) : undefined,
  to: query.to ? new Date(query.to) : undefined,
});

const csvCell = (value: unknown) => {
  const text =
    value instanceof Date ? value.toISOString() : value === null || value === undefined ? '' : String(value);
  // Quote always; neutralize spreadsheet formulas (=, +, -, @) that a crafted value could carry.
  return `"${(/^[=+\-@]/.test(text) ? `'${text}` : text).replaceAll('"', '""')}"`;
};

/**
 * People, invitations, organizations and the audit log. People and invitations
 * are open to organization admins within their organizations (people.policy.ts);
 * organizations and the audit log to coalition admins.
 */
export function registerAdminRoutes(
  app: FastifyInstance,
  deps: { people: PeopleService; invitations: InvitationService; publicUrl: string },
): void {
  const routes = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['admin'];

  routes.get(
    '/api/admin/organizations',
    {
      config: { access: 'people:manage' },
      schema: {
        tags,
        summary: 'Member organizations this admin manages (all of them for a coalition admin)',
        response: { 200: adminOrganizationsSchema },
      },
    },
    async (request) => ({ organizations: await deps.people.organizations(sessionOf(request)) }),
  );

  routes.post(
    '/api/admin/organizations',
    {
      config: { access: 'organizations:manage' },
      schema: {
        tags,
        summary: 'Add a member organization',
        body: z.object({ name: z.string().trim().min(2).max(120) }),
        response: { 201: organizationCreatedSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await deps.people.createOrganization(sessionOf(request), request.body.name)),
  );

  routes.put(
    '/api/admin/organizations/:id/zones',
    {
      config: { access: 'organizations:manage' },
      schema: {
        tags,
        summary: 'Set the zones an organization covers',
        params: idParams,
        body: z.object({ zoneIds: z.array(z.uuid()).max(1000) }),
        response: { 200: ok },
      },
    },
    async (request) => {
      await deps.people.setOrganizationZones(sessionOf(request), request.params.id, request.body.zoneIds);
      return { ok: true as const };
    },
  );

  for (const [path, granted] of [
    ['roles', true],
    ['roles/revoke', false],
  ] as const) {
    routes.post(
      `/api/admin/people/:id/${path}`,
      {
        config: { access: 'people:manage' },
        schema: {
          tags,
          summary: granted ? 'Grant a role in an organization' : 'Take away a role in an organization',
          params: idParams,
          body: z.object({ organizationId: z.uuid(), role: roleSchema }),
          response: { 200: ok },
        },
      },
      async (request) => {
        await deps.people.setRole(sessionOf(request), request.params.id, request.body, granted);
        return { ok: true as const };
      },
    );
  }

  routes.get(
    '/api/admin/people',
    {
      config: { access: 'people:manage' },
      schema: {
        tags,
        summary: 'People and their roles',
        response: { 200: adminPeopleSchema },
      },
    },
    async (request) => ({ people: await deps.people.list(sessionOf(request)) }),
  );

  for (const [path, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    routes.post(
      `/api/admin/people/:id/${path}`,
      {
        config: { access: 'people:manage' },
        schema: {
          tags,
          summary: disabled ? 'Disable an account (ends all its sessions)' : 'Re-enable an account',
          params: idParams,
          response: { 200: ok },
        },
      },
      async (request) => {
        await deps.people.setDisabled(sessionOf(request), request.params.id, disabled);
        return { ok: true as const };
      },
    );
  }

  routes.get(
    '/api/admin/role-conflicts',
    {
      config: { access: 'people:manage' },
      schema: {
        tags,
        summary:
          'People who can both write and approve alerts (one person could publish alone), with who granted it',
        response: { 200: roleConflictsSchema },
      },
    },
    async (request) => ({
      conflicts: (await deps.people.roleConflicts(sessionOf(request))).map((conflict) => ({
        ...conflict,
        flaggedAt: conflict.flaggedAt?.toISOString() ?? null,
      })),
    }),
  );

  routes.get(
    '/api/admin/invitations',
    {
      config: { access: 'people:manage' },
      schema: {
        tags,
        summary: 'Open invitations',
        response: { 200: openInvitationsSchema },
      },
    },
    async (request) => ({
      invitations: (await deps.invitations.listOpen(sessionOf(request))).map((invitation) => ({
        ...invitation,
        createdAt: invitation.createdAt.toISOString(),
        expiresAt: invitation.expiresAt.toISOString(),
      })),
    }),
  );

  routes.post(
    '/api/admin/invitations',
    {
      config: { access: 'people:manage' },
      schema: {
        tags,
        summary: 'Invite someone: a single-use code, valid 48 hours, to hand over or send as a link',
        body: z.object({ organizationId: z.uuid(), role: roleSchema, email: z.email().max(320).optional() }),
        response: { 201: invitationCreatedSchema },
      },
    },
    async (request, reply) => {
      const created = await deps.invitations.create(
        sessionOf(request),
        request.body,
        (code) => `${deps.publicUrl}/invite?code=${encodeURIComponent(code)}`,
      );
      return reply.status(201).send({ ...created, expiresAt: created.expiresAt.toISOString() });
    },
  );

  routes.post(
    '/api/admin/invitations/:id/revoke',
    {
      config: { access: 'people:manage' },
      schema: { tags, summary: 'Revoke an open invitation', params: idParams, response: { 200: ok } },
    },
    async (request) => {
      await deps.invitations.revoke(sessionOf(request), request.params.id);
      return { ok: true as const };
    },
  );

  routes.get(
    '/api/admin/audit',
    {
      config: { access: 'audit:read' },
      schema: {
        tags,
        summary: 'The audit log, newest first: who did what to which record, when',
        querystring: auditQuery.extend({
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().optional(),
        }),
        response: { 200: auditPageSchema },
      },
    },
    async (request) => {
      const filter = { ...toFilter(request.query), beforeId: request.query.before };
      const entries = await deps.people.audit(sessionOf(request), filter, request.query.limit);
      return { entries: entries.map((entry) => ({ ...entry, at: entry.at.toISOString() })) };
    },
  );

  routes.get(
    '/api/admin/audit.csv',
    {
      config: { access: 'audit:read' },
      schema: {
        tags,
        summary: 'The audit log as CSV, streamed page by page (any size)',
        querystring: auditQuery,
      },
    },
    async (request, reply) => {
      const session = sessionOf(request);
      const filter = toFilter(request.query);
      const people = deps.people;
      async function* rows() {
        yield 'id,at,actor_id,actor_name,action,subject_type,subject_id\n';
        let beforeId: number | undefined;
        for (;;) {
          const page = await people.audit(session, { ...filter, beforeId }, 1_000);
          for (const e of page) {
            yield `${[e.id, e.at, e.actorId, e.actorName, e.action, e.subjectType, e.subjectId].map(csvCell).join(',')}\n`;
          }
          if (page.length < 1_000) return;
          beforeId = page.at(-1)?.id;
        }
      }
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="faro-audit.csv"')
        .send(Readable.from(rows()));
    },
  );
}
