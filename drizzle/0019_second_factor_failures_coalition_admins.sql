ALTER TABLE "sessions" ADD COLUMN "second_factor_failures" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Organization admins and coalition admins are now separate roles. Admins who did not join by an invitation (made by `faro admin create` or the demo seed) become coalition admins; invited admins stay admins of their organization.
UPDATE "memberships" AS m SET "role" = 'coalition_admin'
WHERE m."role" = 'admin'
  AND NOT EXISTS (SELECT 1 FROM "invitations" i WHERE i."accepted_by" = m."user_id");--> statement-breakpoint
-- A coalition that would be left without a coalition admin keeps all its admins as coalition admins: nobody is locked out of its settings.
UPDATE "memberships" AS m SET "role" = 'coalition_admin'
FROM "organizations" o
WHERE m."organization_id" = o."id" AND m."role" = 'admin'
  AND NOT EXISTS (
    SELECT 1 FROM "memberships" m2 JOIN "organizations" o2 ON o2."id" = m2."organization_id"
    WHERE m2."role" = 'coalition_admin' AND o2."coalition_id" = o."coalition_id"
  );
