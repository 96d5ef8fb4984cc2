// A throwaway PostgreSQL cluster for an end-to-end test, as the Rust test kit starts one
// (crates/vetdesk-testkit/src/pg.rs): `initdb` in a temp directory with SCRAM-SHA-256 for every
// connection, the server on a free port of 127.0.0.1 with its socket in that directory, run as
// the `postgres` OS user when the tests run as root (PostgreSQL refuses root). `stop()` stops
// it and removes its files; a test stops it in `after`, also when it failed.

import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SUPERUSER_PASSWORD = "vetdesk-e2e-superuser";

/** The newest /usr/lib/postgresql/N/bin (Debian's layout), or VETDESK_PG_BIN. */
function binDir() {
  if (process.env.VETDESK_PG_BIN) return process.env.VETDESK_PG_BIN;
  const versions = existsSync("/usr/lib/postgresql")
    ? readdirSync("/usr/lib/postgresql")
        .filter((v) => /^\d+$/.test(v) && existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))
        .sort((a, b) => Number(a) - Number(b))
    : [];
  if (versions.length === 0) throw new Error("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin): run scripts/setup.sh");
  return `/usr/lib/postgresql/${versions.at(-1)}/bin`;
}

const asRoot = process.getuid?.() === 0;

/** Runs a server program, as the postgres OS user when we are root. */
function server(program, args) {
  const path = join(binDir(), program);
  const [command, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", path, ...args]] : [path, args];
  return execFileSync(command, argv, { stdio: "pipe" });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a cluster; resolves to `{ port, url(user, database), psql(sql, database), stop }`. */
export async function startPostgres() {
  const root = mkdtempSync(join(tmpdir(), "vetdesk-e2e-pg-"));
  const data = join(root, "data");
  writeFileSync(join(root, "pwfile"), SUPERUSER_PASSWORD);
  chmodSync(root, 0o700);
  if (asRoot) execFileSync("chown", ["-R", "postgres:", root]);
  const port = await freePort();
  let started = false;
  const stop = () => {
    if (started) {
      try {
        server("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // Already gone.
      }
    }
    rmSync(root, { recursive: true, force: true });
  };
  try {
    server("initdb", [
      "-D", data, "-U", "postgres", "-E", "UTF8", "--locale=C",
      "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", `--pwfile=${join(root, "pwfile")}`,
    ]);
    server("pg_ctl", [
      "-D", data, "-l", join(root, "server.log"), "-w", "-t", "60",
      "-o", `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c password_encryption=scram-sha-256`,
      "start",
    ]);
    started = true;
  } catch (error) {
    stop();
    throw new Error(`the test cluster did not start: ${error.stderr ?? error}`);
  }
  return {
    port,
    /** A URL without a password (the app or the CLI is given it otherwise). */
    url: (user, database) => `postgresql://${user}@127.0.0.1:${port}/${database}?sslmode=disable`,
    /** Runs `sql` as the superuser. */
    psql: (sql, database = "postgres") =>
      execFileSync(join(binDir(), "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", `${port}`, "-U", "postgres", "-d", database, "-c", sql], {
        env: { ...process.env, PGPASSWORD: SUPERUSER_PASSWORD },
        stdio: "pipe",
      }).toString(),
    stop,
  };
}
