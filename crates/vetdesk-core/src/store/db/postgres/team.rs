//! Team mode in the database: roles, grants and the triggers that enforce them (`vetdesk team init`).
