-- The trigger queues appended events and no longer notifies the relay: the writer wakes it after its commit instead
-- (RelayWakeUps). PostgreSQL orders notifications by holding one lock for the whole server from before a notifying
-- transaction's log flush to after it, so with a NOTIFY in every change, changes committed one at a time
-- (docs/benchmarks.md, item 52). During a rolling update, the new release's writers still wake a relay of the previous
-- release, which listens as before; the previous release's writers wake no relay at all from then on, so their events
-- wait for the relay's poll (5 s) until they are replaced. A rollback to the previous release past this migration
-- leaves every event to the poll. Either way no event is lost.
create or replace function outbox_enqueue() returns trigger language plpgsql as $$
begin
    insert into outbox_pending (position) select position from appended;
    return null;
end;
$$;
