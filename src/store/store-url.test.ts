import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../model/errors.js";
import { parseStoreUrl, redactStoreUrl } from "./store-url.js";

test("sqlite URLs: relative, absolute, triple-slash and in-memory", () => {
  assert.deepEqual(parseStoreUrl("sqlite:.lifeboat/state.db", "/etc/lb"), {
    dialect: "sqlite",
    path: "/etc/lb/.lifeboat/state.db",
    memory: false,
  });
  assert.deepEqual(parseStoreUrl("sqlite:/var/lib/lb.db"), {
    dialect: "sqlite",
    path: "/var/lib/lb.db",
    memory: false,
  });
  assert.equal(parseStoreUrl("sqlite:///var/lib/lb.db").dialect, "sqlite");
  assert.deepEqual(
    parseStoreUrl("sqlite:///var/lib/lb.db"),
    parseStoreUrl("sqlite:/var/lib/lb.db"),
  );
  assert.deepEqual(parseStoreUrl("sqlite::memory:"), {
    dialect: "sqlite",
    path: ":memory:",
    memory: true,
  });
});

test("postgres and postgresql URLs are accepted as they are", () => {
  for (const url of [
    "postgres://lb@db:5432/lifeboat",
    "postgresql://lb:pw@db/lifeboat?sslmode=require",
  ]) {
    assert.deepEqual(parseStoreUrl(url), { dialect: "postgres", connectionString: url });
  }
});

test("other schemes and malformed URLs are LB_CONFIG_INVALID, without the password", () => {
  for (const url of [
    "mysql://u:hunter2@h/db",
    "",
    "state.db",
    "sqlite:",
    "sqlite://h/x",
    "sqlite:a.db?mode=ro",
    "postgres://",
  ]) {
    assert.throws(
      () => parseStoreUrl(url),
      (error) =>
        isLifeboatError(error, "LB_CONFIG_INVALID") &&
        !error.message.includes("hunter2") &&
        !JSON.stringify(error.details).includes("hunter2"),
      url,
    );
  }
});

test("redaction hides passwords, even unencoded ones, and keeps the rest", () => {
  const cases: [string, string][] = [
    ["postgres://lb:hunter2@db:5432/x", "postgres://lb:***@db:5432/x"],
    ["postgres://lb@db:5432/x", "postgres://lb@db:5432/x"],
    ["postgres://lb:p@ss/w:rd@db/x?sslmode=require", "postgres://lb:***@db/x?sslmode=require"],
    [
      "postgres://db/x?user=lb&password=hunter2&ssl=1",
      "postgres://db/x?user=lb&password=***&ssl=1",
    ],
    ["sqlite:/var/lib/lb.db", "sqlite:/var/lib/lb.db"],
  ];
  for (const [url, redacted] of cases) assert.equal(redactStoreUrl(url), redacted);
});
