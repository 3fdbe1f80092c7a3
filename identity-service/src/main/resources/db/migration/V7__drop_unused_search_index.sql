-- The admin search matches parts of usernames, emails and names (like '%query%'), which no B-tree serves, and it
-- orders by lower(username), which users_username_key gives. users_search was never used by a query, yet every new
-- user paid for an entry in it (38 MB for 730 000 users).
drop index if exists users_search;
