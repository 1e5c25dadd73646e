/** The target-facts port lives in the model, so adapters implement it without importing an engine. */
export type {
  TargetFacts,
  TargetFactsRequest,
  TargetFactsSource,
  TargetImage,
  TargetNetwork,
} from "../model/plan/target-facts.js";
