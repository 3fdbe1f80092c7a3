-- Refresh tokens are opaque random strings; only their SHA-256 is stored. Each login starts a family; every refresh
-- rotates to a new token of the same family, and a reused (already rotated) token revokes the whole family.
create table refresh_tokens (
    token_hash  bytea primary key,
    family_id   uuid        not null,
    user_id     uuid        not null references users (id) on delete cascade,
    client_id   text,
    scope       text        not null default '',
    issued_at   timestamptz not null,
    expires_at  timestamptz not null,
    rotated_at  timestamptz,
    revoked_at  timestamptz
);

create index refresh_tokens_family on refresh_tokens (family_id);
create index refresh_tokens_user on refresh_tokens (user_id);

-- Admin search by username, email or name.
create index users_search on users using btree (lower(username) text_pattern_ops);
