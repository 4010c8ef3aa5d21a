-- Sessions issued before this instant are dead: set when the password changes and when the account is
-- disabled, so that re-enabling an account does not bring back sessions a thief may hold.
alter table app_user add column sessions_not_before timestamptz;
