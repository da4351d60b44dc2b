import type { HostBridge, HostCallName } from '../../shared/contract';
import type { HostResult } from '../../shared/errors';

/** Builds the frozen bridge object from the contract's call names. */
export function buildBridge(names: readonly HostCallName[], invoke: (name: HostCallName, input: unknown) => Promise<HostResult<unknown>>): HostBridge {
  const bridge: Partial<Record<HostCallName, (input: unknown) => Promise<HostResult<unknown>>>> = {};
  for (const name of names) bridge[name] = (input: unknown) => invoke(name, input);
  return Object.freeze(bridge) as HostBridge;
}
