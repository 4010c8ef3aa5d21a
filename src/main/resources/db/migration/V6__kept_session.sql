-- A person who changes their own password ends every other session but keeps the one they changed it
-- from (POST /api/v1/me/password). sessions_not_before cuts every session issued before it; this names
-- the one session exempt from that cut. Cleared by any later cut (an admin reset, a disable).
alter table app_user add column kept_session uuid;
