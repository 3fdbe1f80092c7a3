-- The login throttle's counters, shared by every replica: in each replica's memory, an attacker spreading guesses
-- over N replicas behind a load balancer got N times the limit. One row per counter, its key 'address:<address>',
-- 'account:<account>' or 'pair:<account>' and '<address>' on two lines. A row is forgotten once forget_after has
-- passed, and deleted every few minutes (TokenHousekeeping).
create table login_failures (
    key          text        primary key,
    failures     int         not null,
    window_start timestamptz not null,
    locked_until timestamptz,
    lockouts     int         not null,
    forget_after timestamptz not null
);

create index login_failures_forget_after on login_failures (forget_after);
