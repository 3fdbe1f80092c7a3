-- The login throttle's keys now hold a keyed digest (HMAC) of the address and of the login instead of the text itself
-- (ThrottleKeys): a login that names no user is counted as typed, and that may be a password typed into the wrong
-- field. Rows written in the old form would never be read again and kept that text until the housekeeping deleted
-- them; they go now, and the counts they held start again from nothing, once.
delete from login_failures;
