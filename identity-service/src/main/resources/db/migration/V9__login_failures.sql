-- The login throttle's counters, shared by every replica: in each replica's memory, an attacker spreading guesses
-- over N replicas behind a load balancer got N times the limit. One row per counter, its key 'address:<address>',
-- 'account:<account>' or 'pair:<account>' and '<address>' on two lines. A row is forgotten once forget_after has
-- passed, and deleted every few minutes (TokenHousekeeping). No index on forget_after: every attempt moves it, and an
-- index on it would keep those updates from being HOT; the housekeeping reads the table, a few rows per recent attempt.
create table login_failures (
    key          text        primary key,
    failures     int         not null,
    window_start timestamptz not null,
    locked_until timestamptz,
    lockouts     int         not null,
    forget_after timestamptz not null
);
