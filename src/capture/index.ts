export { captureEnvironment, type CaptureResult } from "./capture.js";
export { closeOver, type Closure } from "./closure.js";
export type {
  ExclusionReason,
  Explanation,
  IncludedEntry,
  InclusionReason,
  LeftOutEntry,
} from "./explanation.js";
export { explanationText, type ExplanationTextOptions } from "./explanation-text.js";
