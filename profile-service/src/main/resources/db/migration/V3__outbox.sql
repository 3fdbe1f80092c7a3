-- The transactional outbox of the shared outbox module: profile events are written here in the transaction of the
-- profile change and published to Kafka by the relay. Same table as identity-service's.
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
create index outbox_published on outbox (published_at) where published_at is not null;

-- Wakes the relay when a transaction that wrote events commits (NOTIFY is delivered at commit).
create function outbox_notify() returns trigger language plpgsql as $$
begin
    perform pg_notify('outbox', '');
    return null;
end;
$$;

create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();
