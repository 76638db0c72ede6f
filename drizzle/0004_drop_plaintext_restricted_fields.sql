ALTER TABLE "reports" DROP CONSTRAINT "reports_lat_lng_together";--> statement-breakpoint
ALTER TABLE "reports" DROP CONSTRAINT "reports_has_location";--> statement-breakpoint
ALTER TABLE "reports" DROP COLUMN "description";--> statement-breakpoint
ALTER TABLE "reports" DROP COLUMN "lat";--> statement-breakpoint
ALTER TABLE "reports" DROP COLUMN "lng";--> statement-breakpoint
ALTER TABLE "reports" DROP COLUMN "place";--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_has_location_sealed" CHECK (zone_id is not null or has_exact_location or restricted_purged_at is not null);