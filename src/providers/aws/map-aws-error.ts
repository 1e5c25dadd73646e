import { LifeboatError } from "../../model/errors.js";

/**
 * The one place where AWS SDK errors become Lifeboat errors, so that nothing of the SDK leaves
 * this adapter. Matches on the error's name, the Node error code and the HTTP status, never on
 * English messages, except to recognise an HTML page where the SDK expected XML or JSON (how
 * moto answers an operation it does not implement).
 */
export function mapAwsError(error: unknown, operation: string): LifeboatError {
  if (error instanceof LifeboatError) return error;
  const e = (typeof error === "object" && error !== null ? error : {}) as AwsLikeError;
  const name = typeof e.name === "string" ? e.name : "Error";
  const status = e.$metadata?.httpStatusCode;
  const details = {
    operation,
    awsCode: name,
    httpStatus: status,
    requestId: e.$metadata?.requestId,
  };
  const message = `${operation}: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`;
  const make = (code: ConstructorParameters<typeof LifeboatError>[0], retryable?: boolean) =>
    new LifeboatError(code, message, {
      cause: error,
      details,
      ...(retryable === undefined ? {} : { retryable }),
    });

  if (name === "AbortError") return make("LB_CANCELLED");
  if (typeof e.code === "string" && networkCodes.has(e.code)) {
    return new LifeboatError("LB_PROVIDER_UNREACHABLE", message, {
      cause: error,
      details: { ...details, awsCode: undefined, networkCode: e.code },
    });
  }
  if (timeoutNames.has(name)) return make("LB_PROVIDER_UNREACHABLE");
  // Some services (Route53) answer bad credentials with a bare 403 the SDK cannot name.
  if (authNames.has(name) || status === 401 || status === 403) return make("LB_PROVIDER_AUTH");
  if (throttleNames.has(name) || status === 429) return make("LB_PROVIDER_THROTTLED");
  if (notFoundName.test(name)) return make("LB_PROVIDER_NOT_FOUND");
  if (status === 501 || (status !== undefined && status >= 500 && isUnparsedPage(error))) {
    return make("LB_PROVIDER_UNSUPPORTED");
  }
  if (status !== undefined && status >= 500) return make("LB_PROVIDER_REQUEST_FAILED", true);
  if (name === "UnsupportedOperation" || name === "InvalidAction") {
    return make("LB_PROVIDER_UNSUPPORTED");
  }
  return make("LB_PROVIDER_REQUEST_FAILED");
}

interface AwsLikeError {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
]);

const timeoutNames = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);

const authNames = new Set([
  "AuthFailure",
  "InvalidClientTokenId",
  "UnrecognizedClientException",
  "SignatureDoesNotMatch",
  "IncompleteSignature",
  "MissingAuthenticationToken",
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidAccessKeyId",
  "AccessDenied",
  "AccessDeniedException",
  "UnauthorizedOperation",
  "CredentialsProviderError",
]);

const throttleNames = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "PriorRequestNotComplete",
  "SlowDown",
  "BandwidthLimitExceeded",
]);

const notFoundName = /NotFound|\.NotFound$|NoSuch/;

/** The SDK could not parse the body: an HTML error page, not an AWS error document. */
function isUnparsedPage(error: unknown): boolean {
  const message = error instanceof Error ? error.message : "";
  return /Deserialization error|parse error|<html|<!doctype/i.test(message);
}
