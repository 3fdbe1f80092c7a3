-- Users known to be deleted. A late or replayed UserCreated or UserUpdated for one of them must not bring the
-- profile back (Django's on_delete=CASCADE, made to hold in a distributed system).
create table deleted_users (
    user_id    uuid primary key,
    version    bigint      not null,
    deleted_at timestamptz not null default now()
);
