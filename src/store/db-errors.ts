/*
 * Recognising database errors by their stable codes, the same way on both dialects: SQLite's
 * extended result codes (better-sqlite3 `SqliteError.code`) and PostgreSQL's SQLSTATE (`pg`
 * `DatabaseError.code`).
 */

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/** A primary-key or unique constraint rejected the write. */
export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return (
    code === "23505" ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
    code === "SQLITE_CONSTRAINT_UNIQUE"
  );
}

/** A foreign key named a row that does not exist. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === "23503" || code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}

/** Another writer held the lock past the busy timeout, or a serialisation failure. */
export function isLockContention(error: unknown): boolean {
  const code = codeOf(error);
  return (
    code === "40001" || // serialization_failure
    code === "40P01" || // deadlock_detected
    code === "55P03" || // lock_not_available
    (code?.startsWith("SQLITE_BUSY") ?? false) ||
    (code?.startsWith("SQLITE_LOCKED") ?? false)
  );
}
