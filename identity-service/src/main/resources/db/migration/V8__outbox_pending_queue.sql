-- Which outbox events still wait for the relay, in a table of their own. Marking an event published used to update
-- its outbox row, which could not be a HOT update (published_at was in both partial indexes' conditions): every
-- publish wrote the whole row again, with its payload, into the table, its indexes and the WAL, and left a dead row
-- for vacuum. Now the row is written once and publishing deletes its entry here (docs/benchmarks.md, item 23).
create table outbox_pending (
    position bigint primary key
);

-- Writers wait until this migration commits: a row a running replica of the previous release committed between
-- this copy and the new trigger would otherwise be in neither the queue nor the relay's sight.
lock table outbox in share row exclusive mode;

insert into outbox_pending (position) select position from outbox where published_at is null;

drop index outbox_unpublished;
drop index outbox_published;
-- Dropped rather than left unused: a relay of the previous release, still running during a rolling update, then
-- fails its queries and publishes nothing, instead of taking every row for unpublished and sending it again.
alter table outbox drop column published_at;

-- Every event starts out pending, whoever writes it, in the statement that writes it; the relay is woken at commit.
-- One trigger per statement: a statement that appended nothing (an optimistic change that found nothing to change)
-- wakes nobody.
drop trigger outbox_notify on outbox;
drop function outbox_notify();

create function outbox_enqueue() returns trigger language plpgsql as $$
begin
    insert into outbox_pending (position) select position from appended;
    if found then
        perform pg_notify('outbox', '');
    end if;
    return null;
end;
$$;

create trigger outbox_enqueue after insert on outbox referencing new table as appended
    for each statement execute function outbox_enqueue();
