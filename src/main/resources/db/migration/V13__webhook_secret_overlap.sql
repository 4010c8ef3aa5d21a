-- Changing a webhook's secret without breaking its receiver: the secret it replaced keeps signing deliveries, beside
-- the new one, until previous_secret_until (patgate.webhooks.secret-overlap after the change), so a receiver can
-- accept either while it changes over. Sealed like secret_enc (AES-256-GCM under patgate.keys.encryption-secret,
-- the hook's id as associated data): it is the very bytes secret_enc held.

alter table webhook add column previous_secret_enc bytea;
alter table webhook add column previous_secret_until timestamptz;
alter table webhook add constraint webhook_previous_secret check ((previous_secret_enc is null) = (previous_secret_until is null));
