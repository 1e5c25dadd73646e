// Moved to src with the shop builder (`lifeboat demo` builds the shop too).
export {
  awsClients,
  type AwsClients,
  type AwsClientsOptions,
  type RegionClients,
} from "../../src/providers/aws/shop/aws-clients.js";
