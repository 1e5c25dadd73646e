// Moved to src/providers/aws/shop (`lifeboat demo` builds the shop too); kept for branches in flight.
export * from "../../src/providers/aws/shop/shop-environment.js";
