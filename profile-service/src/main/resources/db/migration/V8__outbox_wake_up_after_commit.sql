-- The trigger queues appended events and no longer notifies the relay: the writer wakes it after its commit instead
-- (RelayWakeUps). PostgreSQL orders notifications by holding one lock for the whole server from before a notifying
-- transaction's log flush to after it, so with a NOTIFY in every change, changes committed one at a time
-- (docs/benchmarks.md, item 52). During a rolling update, a relay of the previous release is still woken by the new
-- release's writers; the previous release's writers no longer wake a new relay, which finds their events at its poll.
create or replace function outbox_enqueue() returns trigger language plpgsql as $$
begin
    insert into outbox_pending (position) select position from appended;
    return null;
end;
$$;
