-- Ids of deleted users. Consumers keep a tombstone of each, so an id must never live again: an import that names
-- one skips it rather than create a user no consumer would give a profile.
create table deleted_users (
    id         uuid primary key,
    deleted_at timestamptz not null default now()
);
