-- Roles and databases of the local stack, applied by scripts/stack.sh on every `up` as the
-- postgres superuser over the Unix socket. Every statement is idempotent.
--
-- psql variables (set with -v): app_password, the password of role team_access;
-- extra_database, one more database owned by team_access, or an empty string for none
-- (stack.sh passes ferretdb when FerretDB uses the PostgreSQL backend).

SELECT format('CREATE ROLE team_access LOGIN CREATEDB PASSWORD %L', :'app_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'team_access')
\gexec

-- Keep the login settings right if the role already existed with others.
ALTER ROLE team_access LOGIN CREATEDB;

SELECT format('CREATE DATABASE %I OWNER team_access', name)
FROM unnest(ARRAY['identity', 'inbox', 'org_admin', 'team_access_test', :'extra_database']) AS name
WHERE name <> ''
  AND NOT EXISTS (SELECT FROM pg_database WHERE datname = name)
\gexec
