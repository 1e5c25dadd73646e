import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { LifeboatError } from "../../model/errors.js";

/**
 * The folder holding PostgreSQL's programs: the config's `bin`, else $LIFEBOAT_PG_BIN, else the
 * newest /usr/lib/postgresql/<version>/bin (Debian's layout). `LB_PG_BINARIES_NOT_FOUND` when
 * `program` is in none of them.
 */
export function postgresBin(program: string, configured?: string): string {
  const candidates = [configured, process.env.LIFEBOAT_PG_BIN].filter(
    (dir): dir is string => dir !== undefined && dir !== "",
  );
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((version) => join(root, version, "bin")));
  }
  const found = candidates.find((dir) => existsSync(join(dir, program)));
  if (found === undefined) {
    throw new LifeboatError("LB_PG_BINARIES_NOT_FOUND", `${program} was not found`, {
      details: { program, searched: candidates },
    });
  }
  return join(found, program);
}
