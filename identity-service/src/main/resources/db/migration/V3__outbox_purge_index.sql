-- The relay purges published events older than the retention; without this index that is a scan of the table.
create index outbox_published on outbox (published_at) where published_at is not null;
