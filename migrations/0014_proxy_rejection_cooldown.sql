ALTER TABLE "connected_accounts" ADD COLUMN "rejection_refresh_at" timestamp with time zone;
-- Bookkeeping like the lease columns: cv_notify_account_update's WHEN (0013) does not list it, so
-- recording a 401's refresh claim announces nothing and drops no replica's cache.
