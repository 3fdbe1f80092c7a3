-- Custom fields declared by the deployment's profile schema: no migration when the schema changes.
alter table profiles add column attributes jsonb not null default '{}';
-- Values sent at registration that the profile could not take, with the reason, for the owner to see.
alter table profiles add column rejected_initial_values jsonb;
-- Whether the registration's initial values were applied: a profile created by a first read before its UserCreated
-- arrived gets them when the event comes, filling only what is still empty.
alter table profiles add column initial_values_applied boolean not null default false;
-- Profiles that exist already were made before registration values were kept: nothing is left to fill in.
update profiles set initial_values_applied = true;
