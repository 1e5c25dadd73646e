// Moved to src/providers/aws/shop (`lifeboat demo` builds the shop too); kept for branches in flight.
export type * from "../../src/providers/aws/shop/shop-types.js";
