-- Expired refresh tokens are deleted every few minutes (TokenHousekeeping); this index finds them without reading
-- every session there is.
create index refresh_tokens_expires_at on refresh_tokens (expires_at);
