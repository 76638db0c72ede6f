import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../src/server/db/database.js';
import { MIGRATIONS_FOLDER, migrateDatabase } from '../src/server/db/migrate.js';
import { grantMembership } from '../src/server/modules/access/users.repo.js';
import type { Role } from '../src/shared/access.js';
import { startTestFaro, type TestFaro } from './support/faro.js';
import { createPerson } from './support/people.js';
import { type StaffSession, sessionFor, staffSession } from './support/sessions.js';
import { auditEntries, organizationId as organizationBySlug, personOf } from './support/state.js';

let t: TestFaro;
beforeAll(async () => {
  t = await startTestFaro();
});
afterAll(async () => t?.stop());

const call = (actor: StaffSession, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.faro.app.inject({ method, url, headers: actor.headers, ...(payload ? { payload } : {}) });
const homeOrganization = () => organizationBySlug(t, 'eastside-rrn');
const newPerson = (role: Role, organizationId?: string, displayName?: string) =>
  createPerson(t.faro.database, t.faro.box, {
    role,
    ...(organizationId ? { organizationId } : {}),
    ...(displayName ? { displayName } : {}),
  });

describe('issue 12 item 5: role grants that let one person publish alone', () => {
  it('refuse an admin giving themselves a role', async () => {
    const organizationId = await homeOrganization();
    for (const role of ['admin', 'coalition_admin'] as const) {
      const me = await newPerson(role, organizationId);
      const session = await sessionFor(t.faro.database, me.id);
      const response = await call(session, 'POST', `/api/admin/people/${me.id}/roles`, {
        organizationId,
        role: 'dispatcher',
      });
      expect(response.statusCode, role).toBe(403);
      expect((await personOf(t, me.id)).memberships.map((m) => m.role)).toEqual([role]);
    }
  });

  it('are flagged to the other admins: an audit row of its own kind and a notice on their page', async () => {
    const organizationId = await homeOrganization();
    // Roles that reach the whole coalition are a coalition admin's to grant.
    const granter = await newPerson('coalition_admin', organizationId, 'Granting Admin');
    const otherAdmin = await sessionFor(t.faro.database, (await newPerson('admin', organizationId)).id);
    const coalitionAdmin = await staffSession(t.faro.database, 'coalition_admin');
    const dispatcher = await newPerson('dispatcher', organizationId, 'Dispatcher Who Approves');
    const asGranter = await sessionFor(t.faro.database, granter.id);

    // A harmless grant is not flagged.
    expect(
      (
        await call(asGranter, 'POST', `/api/admin/people/${dispatcher.id}/roles`, {
          organizationId,
          role: 'operator',
        })
      ).statusCode,
    ).toBe(200);
    const conflicts = async (viewer: StaffSession) =>
      (await call(viewer, 'GET', '/api/admin/role-conflicts')).json().conflicts as {
        userId: string;
        roles: string[];
        flaggedByName: string | null;
        flaggedById: string | null;
      }[];
    expect((await conflicts(otherAdmin)).map((c) => c.userId)).not.toContain(dispatcher.id);

    // Dispatcher (writes alerts) + approver (approves them): one person could publish alone.
    expect(
      (
        await call(asGranter, 'POST', `/api/admin/people/${dispatcher.id}/roles`, {
          organizationId,
          role: 'approver',
        })
      ).statusCode,
    ).toBe(200);
    const flagged = (await auditEntries(t, { action: 'membership.conflict_flagged' })).filter(
      (entry) => entry.subjectId === dispatcher.id,
    );
    expect(flagged).toMatchObject([{ actorId: granter.id, subjectId: dispatcher.id }]);
    for (const viewer of [otherAdmin, coalitionAdmin]) {
      expect((await conflicts(viewer)).find((c) => c.userId === dispatcher.id)).toMatchObject({
        roles: ['approver', 'dispatcher', 'operator'],
        flaggedById: granter.id,
        flaggedByName: 'Granting Admin',
      });
    }

    // Taking one side away ends the notice.
    expect(
      (
        await call(otherAdmin, 'POST', `/api/admin/people/${dispatcher.id}/roles/revoke`, {
          organizationId,
          role: 'approver',
        })
      ).statusCode,
    ).toBe(200);
    expect((await conflicts(coalitionAdmin)).map((c) => c.userId)).not.toContain(dispatcher.id);
  });

  it('are a coalition admin’s to make for roles that reach the whole coalition: an organization admin cannot invite a second self', async () => {
    // Seen in review: an organization's admin invited a "dispatcher" and an "approver"
    // account for themselves, read every organization's reports and published alone.
    const organizationId = await homeOrganization();
    const organizationAdmin = await sessionFor(
      t.faro.database,
      (await newPerson('admin', organizationId)).id,
    );
    const member = await newPerson('responder', organizationId);
    for (const role of ['dispatcher', 'approver'] as const) {
      const invited = await call(organizationAdmin, 'POST', '/api/admin/invitations', {
        organizationId,
        role,
      });
      expect(invited.statusCode, role).toBe(403);
      expect(invited.json().error.message).toContain('coalition admin');
      const granted = await call(organizationAdmin, 'POST', `/api/admin/people/${member.id}/roles`, {
        organizationId,
        role,
      });
      expect(granted.statusCode, role).toBe(403);
    }
    const { rows } = await t.faro.database.pool.query(
      `select count(*)::int as n from invitations where organization_id = $1 and role in ('dispatcher', 'approver')
         and created_by = $2`,
      [organizationId, organizationAdmin.userId],
    );
    expect(rows[0].n).toBe(0);
    // What stays within the organization is still theirs to give.
    for (const role of ['operator', 'responder', 'legal'] as const) {
      expect(
        (await call(organizationAdmin, 'POST', '/api/admin/invitations', { organizationId, role }))
          .statusCode,
      ).toBe(201);
    }
    // A coalition admin grants the coalition-wide roles.
    const coalitionAdmin = await staffSession(t.faro.database, 'coalition_admin');
    expect(
      (
        await call(coalitionAdmin, 'POST', `/api/admin/people/${member.id}/roles`, {
          organizationId,
          role: 'dispatcher',
        })
      ).statusCode,
    ).toBe(200);
  });

  it('are shown only to admins who manage that person', async () => {
    const elsewhere = await organizationBySlug(t, 'valley-defense');
    const organizationId = await homeOrganization();
    const both = await newPerson('dispatcher', organizationId);
    await grantMembership(t.faro.database.db, both.id, organizationId, 'approver');
    const otherOrganizationAdmin = await sessionFor(
      t.faro.database,
      (await newPerson('admin', elsewhere)).id,
    );
    const list = (await call(otherOrganizationAdmin, 'GET', '/api/admin/role-conflicts')).json()
      .conflicts as {
      userId: string;
    }[];
    expect(list.map((c) => c.userId)).not.toContain(both.id);
  });
});

describe('issue 12 item 6: the data migration that splits coalition admins from organization admins', () => {
  it('makes admins from `faro admin create` coalition admins, keeps invited admins organization admins, and never leaves a coalition without one', async () => {
    // Migrations up to the one before the split, then data as an earlier version left it.
    await mkdir('.faro-test', { recursive: true });
    const folder = await mkdtemp(path.join('.faro-test', 'before-split-'));
    try {
      await cp(MIGRATIONS_FOLDER, folder, { recursive: true });
      const journalPath = path.join(folder, 'meta', '_journal.json');
      const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: { tag: string }[] };
      const split = journal.entries.findIndex((e) =>
        e.tag.endsWith('_second_factor_failures_coalition_admins'),
      );
      expect(split).toBeGreaterThan(0);
      journal.entries = journal.entries.slice(0, split);
      await writeFile(journalPath, JSON.stringify(journal));

      const database = await openPglite(new PGlite());
      try {
        const client = await database.pool.connect();
        try {
          await migrate(drizzle(client), { migrationsFolder: folder });
        } finally {
          client.release();
        }
        const q = (sql: string, values: unknown[] = []) => database.pool.query(sql, values);
        const id = async (sql: string, values: unknown[]) => (await q(sql, values)).rows[0].id as string;
        const coalition = async (slug: string) =>
          id(`insert into coalitions (name, slug) values ($1, $1) returning id`, [slug]);
        const organization = async (coalitionId: string, slug: string) =>
          id(`insert into organizations (coalition_id, name, slug) values ($1, $2, $2) returning id`, [
            coalitionId,
            slug,
          ]);
        const user = async (coalitionId: string, email: string) =>
          id(
            `insert into users (coalition_id, email, display_name, password_hash) values ($1, $2, $2, 'x') returning id`,
            [coalitionId, email],
          );
        const admin = async (userId: string, organizationId: string, invited: boolean) => {
          await q(`insert into memberships (user_id, organization_id, role) values ($1, $2, 'admin')`, [
            userId,
            organizationId,
          ]);
          if (invited) {
            await q(
              `insert into invitations (organization_id, role, secret_hash, expires_at, accepted_at, accepted_by)
               values ($1, 'admin', $2, now(), now(), $3)`,
              [organizationId, `h-${userId}`, userId],
            );
          }
        };
        // Coalition one: the CLI's first admin and an admin who joined by invitation.
        const one = await coalition('one');
        const oneOrg = await organization(one, 'one-org');
        const cli = await user(one, 'cli@example.org');
        const invited = await user(one, 'invited@example.org');
        await admin(cli, oneOrg, false);
        await admin(invited, oneOrg, true);
        // Coalition two: only invited admins (its first admin left): they keep the settings.
        const two = await coalition('two');
        const twoOrg = await organization(two, 'two-org');
        const onlyInvited = await user(two, 'only@example.org');
        await admin(onlyInvited, twoOrg, true);

        await migrateDatabase(database);
        const roleOf = async (userId: string) =>
          (await q(`select role from memberships where user_id = $1`, [userId])).rows.map((r) => r.role);
        expect(await roleOf(cli)).toEqual(['coalition_admin']);
        expect(await roleOf(invited)).toEqual(['admin']);
        expect(await roleOf(onlyInvited)).toEqual(['coalition_admin']);
      } finally {
        await database.close();
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
