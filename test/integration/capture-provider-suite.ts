import { strict as assert } from "node:assert";
import { test } from "node:test";
import { isLifeboatError } from "../../src/model/errors.js";
import { canonicalJson, parseLogicalId, resourceSchema } from "../../src/model/inventory/index.js";
import type { Provider } from "../../src/providers/provider.js";

/**
 * The Provider port's conformance suite (STYLE.md: one suite per port, run against every
 * implementation). `provider()` returns a connected provider whose region holds resources.
 */
export function providerConformance(name: string, provider: () => Provider): void {
  test(`${name}: identity and status agree`, async () => {
    const identity = await provider().identity();
    assert.ok(identity.account.length > 0);
    const status = await provider().status();
    assert.deepEqual(status, { ok: true, identity });
  });

  test(`${name}: discovered resources validate, with unique, well-formed ids`, async () => {
    const p = provider();
    const [identity, discovery] = await Promise.all([p.identity(), p.discover()]);
    assert.equal(discovery.account, identity.account);
    assert.equal(discovery.region, identity.region);
    assert.ok(discovery.resources.length > 0, "the region holds resources");
    const ids = new Set<string>();
    for (const { resource, facts } of discovery.resources) {
      assert.equal(resourceSchema.safeParse(resource).success, true, resource.id);
      assert.equal(ids.has(resource.id), false, `duplicate ${resource.id}`);
      ids.add(resource.id);
      assert.equal(parseLogicalId(resource.id)?.kind, resource.kind);
      assert.ok([discovery.region, "global"].includes(resource.location.region), resource.id);
      assert.equal(
        Object.keys(resource.tags).some((k) => k.startsWith("aws:")),
        false,
        `${resource.id} carries no reserved tags`,
      );
      if (facts.managedBy)
        assert.ok(discovery.resources.some((d) => d.resource.id === facts.managedBy));
    }
    for (const item of discovery.ignored) assert.ok(item.reason.length > 0);
  });

  test(`${name}: discovery is deterministic and counts its calls`, async () => {
    const p = provider();
    const before = p.apiCalls();
    const one = await p.discover();
    const middle = p.apiCalls();
    const two = await p.discover();
    const after = p.apiCalls();
    const sorted = (d: typeof one) =>
      canonicalJson([...d.resources].sort((a, b) => (a.resource.id < b.resource.id ? -1 : 1)));
    assert.equal(sorted(one), sorted(two));
    assert.ok(middle.calls > before.calls);
    assert.equal(after.calls - middle.calls, middle.calls - before.calls);
    assert.ok(after.attempts >= after.calls);
  });

  test(`${name}: a cancelled discovery is LB_CANCELLED`, async () => {
    const cancel = new AbortController();
    cancel.abort();
    await assert.rejects(provider().discover({ signal: cancel.signal }), (e) =>
      isLifeboatError(e, "LB_CANCELLED"),
    );
  });
}
