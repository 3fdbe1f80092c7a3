-- Profile pictures, re-encoded without metadata and resized, in the database so that every replica serves them.
create table avatars (
    user_id      uuid primary key references profiles (user_id) on delete cascade,
    content_type text        not null,
    large        bytea       not null,
    small        bytea       not null,
    etag         text        not null,
    updated_at   timestamptz not null
);

-- The avatar's ETag on the profile row, so profile responses can link the current picture without a join.
alter table profiles add column avatar_etag text;
