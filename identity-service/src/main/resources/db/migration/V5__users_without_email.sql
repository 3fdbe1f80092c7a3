-- Users of an identity provider (Keycloak) may have no email (brokered or federated users), mirrored as ''. Emails
-- stay unique, case-insensitively, among the users that have one.
drop index users_email_key;
create unique index users_email_key on users (lower(email)) where email <> '';
