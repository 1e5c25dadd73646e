/**
 * Where the `ssh` action finds the address of a machine a step names only by its cloud id:
 * composition wires it to the environment's latest captured inventory (src/compose-workflows.ts).
 */
export interface MachineAddresses {
  /**
   * The machine's primary private address in `environment`'s latest inventory, or null when
   * that inventory has no machine with this provider id (or nothing was captured).
   */
  addressOf(request: {
    readonly environment: string;
    readonly instanceId: string;
    readonly signal: AbortSignal;
  }): Promise<string | null>;
}
