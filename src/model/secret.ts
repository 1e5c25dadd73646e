/**
 * A secret value (password, token) that never reaches a log, a JSON dump or an error message:
 * printing, inspecting or serialising it shows `[redacted]`. Only {@link Secret.reveal} returns
 * the value, and only code that hands it to a key-derivation function or a client should call it.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return "[redacted]";
  }

  toJSON(): string {
    return "[redacted]";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "Secret([redacted])";
  }
}
