-- One profile per user: the primary key is the user id (seed 001's OneToOneField with primary_key=True).
-- Every other column is nullable or has a default, so a profile is valid with nothing but the user id
-- (seed 003's IntegrityError cannot happen here).
create table profiles (
    user_id          uuid primary key,
    -- copies of identity facts, for display without a call to identity-service
    username         text,
    email            text,
    display_name     text,
    bio              varchar(500),
    birthdate        date,
    phone_number     text,
    website          text,
    company          text,
    location         text,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    -- grows with every change of the profile itself
    version          bigint      not null default 1,
    -- version of the last user event applied, to recognise older ones
    identity_version bigint      not null default 0
);
