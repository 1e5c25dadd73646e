import * as assert from "node:assert/strict";
import { test } from "node:test";
import { globMatcher, mayMatchBelow } from "./glob-match.js";

test("include globs match a path or any of its ancestors", () => {
  const match = globMatcher(["etc", "srv/*.conf", "var/**/log"]);
  assert.equal(match("etc"), true);
  assert.equal(match("etc/passwd"), true);
  assert.equal(match("srv/a.conf"), true);
  assert.equal(match("srv/sub/a.conf"), false);
  assert.equal(match("var/x/y/log/today"), true);
  assert.equal(match("home/user"), false);
  assert.equal(globMatcher([])("anything"), true);
});

test("the walk descends only where a pattern could match", () => {
  assert.equal(mayMatchBelow(["srv/*.conf"], "srv"), true);
  assert.equal(mayMatchBelow(["srv/*.conf"], "home"), false);
  assert.equal(mayMatchBelow(["**/log"], "anything"), true);
});
