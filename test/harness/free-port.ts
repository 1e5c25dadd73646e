// The harness and `lifeboat demo` share one implementation (src/providers/aws/moto).
export { freePort, waitFor } from "../../src/providers/aws/moto/free-port.js";
