// The harness and `lifeboat demo` share one moto launcher (src/providers/aws/moto).
export {
  findMotoServer,
  motoClientConfig,
  motoS3Config,
  startMoto,
  type MotoClientConfig,
  type MotoServer,
} from "../../src/providers/aws/moto/moto-server.js";
