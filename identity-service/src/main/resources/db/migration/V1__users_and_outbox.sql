-- Users, in the spirit of Django's auth_user.
create table users (
    id            uuid primary key,
    username      text        not null,
    email         text        not null,
    -- DelegatingPasswordEncoder form ({argon2}...); null for users who must set a password first
    password_hash text,
    first_name    text        not null default '',
    last_name     text        not null default '',
    active        boolean     not null default true,
    staff         boolean     not null default false,
    roles         text[]      not null default '{}',
    date_joined   timestamptz not null default now(),
    last_login    timestamptz,
    -- grows with every change; travels in every event about the user
    version       bigint      not null default 1
);

-- Uniqueness is decided here, case-insensitively, not by a SELECT before the INSERT.
create unique index users_username_key on users (lower(username));
create unique index users_email_key on users (lower(email));

-- The transactional outbox: written in the transaction of the change, published to Kafka by the relay.
create table outbox (
    position     bigserial primary key,
    event_id     uuid        not null unique,
    topic        text        not null,
    message_key  text        not null,
    event_type   text        not null,
    source       text        not null,
    subject      text        not null,
    occurred_at  timestamptz not null,
    payload      json        not null,
    published_at timestamptz
);

create index outbox_unpublished on outbox (position) where published_at is null;

-- Wakes the relay when a transaction that wrote events commits (NOTIFY is delivered at commit).
create function outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('outbox', '');
    return null;
end;
$$;

create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();
