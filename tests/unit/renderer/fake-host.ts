import type { HostCallName, HostInput, HostOutput } from '../../../shared/contract';
import type { HostClient } from '../../../renderer/host/client';

/** A fake answer to one host call. */
export type FakeHandler<N extends HostCallName> = (input: HostInput<N>) => Promise<HostOutput<N>> | HostOutput<N>;
/** The calls a test sets up. */
export type FakeHandlers = { [N in HostCallName]?: FakeHandler<N> };

/** A strict fake host (docs/architecture.md §10.9): a call the test did not set up is rejected, and every call is recorded. */
export function fakeHost(handlers: FakeHandlers) {
  const calls: { name: HostCallName; input: unknown }[] = [];
  const client: HostClient = {
    async call(name, input) {
      calls.push({ name, input });
      const handler = handlers[name] as FakeHandler<typeof name> | undefined;
      if (!handler) throw new Error(`unexpected host call ${name}`);
      return (await handler(input as never)) as never;
    },
  };
  return { client, calls, names: () => calls.map((c) => c.name) };
}
