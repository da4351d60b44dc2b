import type { z } from 'zod';
import { hostContract, isHostCallName, type HostCallName, type HostOutput, type HostParsedInput, type Operator } from '../../shared/contract';
import { HostCallError, hostFailure, type HostResult } from '../../shared/errors';
import { MAX_JSON_DEPTH, valueTooDeep } from '../../shared/json-depth';

/** What the host answers (BAD_REQUEST) for a call nested beyond MAX_JSON_DEPTH (shared/json-depth.ts). */
export const TOO_DEEP_MESSAGE_ZH = `提交的内容嵌套超过 ${MAX_JSON_DEPTH} 层，不是工作台能处理的数据，已拒绝；请检查该条内容，如反复出现请联系技术支持。`;

/** What a handler knows about the call besides its input. */
export interface CallContext {
  /** The operator signed in when the call arrived, null before sign-in. */
  operator: Operator | null;
}

/** One handler per contract call: a missing or misspelt handler is a compile error. */
export type HostHandlers = {
  [N in HostCallName]: (input: HostParsedInput<N>, ctx: CallContext) => Promise<HostOutput<N>>;
};

function issuesOf(error: z.ZodError): Record<string, unknown> {
  return { issues: error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })) };
}

/**
 * Runs one host call for either transport: checks the input's nesting (before the validator,
 * which recurses once per level: an IPC argument may be any structured clone, even cyclic),
 * checks the name, validates the input against the contract, enforces the call's roles, runs
 * the handler, and always answers an envelope.
 */
export async function dispatchHostCall(
  handlers: HostHandlers,
  currentOperator: () => Operator | null,
  name: unknown,
  rawInput: unknown,
  onUnexpected: (error: unknown, name: string) => void = () => {},
): Promise<HostResult<unknown>> {
  if (valueTooDeep(rawInput)) return hostFailure('BAD_REQUEST', TOO_DEEP_MESSAGE_ZH);
  if (!isHostCallName(name)) return hostFailure('UNKNOWN_CALL');
  const spec = hostContract[name];
  const parsed = spec.input.safeParse(rawInput ?? {});
  if (!parsed.success) return hostFailure('BAD_REQUEST', undefined, issuesOf(parsed.error));
  const operator = currentOperator();
  if (spec.roles !== 'public') {
    if (!operator) return hostFailure('UNAUTHENTICATED');
    if (!spec.roles.includes(operator.role)) return hostFailure('FORBIDDEN');
  }
  try {
    const handler = handlers[name] as (input: unknown, ctx: CallContext) => Promise<unknown>;
    const value = await handler(parsed.data, { operator });
    return { ok: true, value: spec.output.parse(value) };
  } catch (error) {
    if (error instanceof HostCallError) return hostFailure(error.code, error.message, error.details);
    onUnexpected(error, name);
    return hostFailure('INTERNAL');
  }
}
