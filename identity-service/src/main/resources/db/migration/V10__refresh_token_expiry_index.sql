-- Expired refresh tokens are deleted every few minutes (TokenHousekeeping); this index finds them without reading
-- every session there is. Built concurrently: the table may be large, and replicas of the previous release keep
-- logging users in meanwhile. Flyway runs this migration outside a transaction, as CONCURRENTLY requires, and takes
-- its own lock at the session level for it (spring.flyway.postgresql.transactional-lock=false), since a build that
-- waits for every open transaction would otherwise wait for Flyway's.
-- A build interrupted (a replica stopped meanwhile) leaves an invalid index behind and this migration unrecorded: the
-- next try drops it first.
drop index concurrently if exists refresh_tokens_expires_at;
create index concurrently refresh_tokens_expires_at on refresh_tokens (expires_at);
