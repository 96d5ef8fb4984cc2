-- A password an admin may require before a user is chosen as the acting user in the app (a
-- shared desktop): its Argon2id hash only, set by the recorded `SetSwitchPassword` change.
ALTER TABLE users ADD COLUMN switch_password TEXT;
