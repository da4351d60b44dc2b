/**
 * The host API contract: every call the renderer may make to the host, declared once with its
 * request and response schema (STYLE.md 2). The Electron main process and the browser-mode
 * HTTP server implement the same handlers object, typed from this contract, and the renderer's
 * client is derived from it; the transports only carry `{name, input}` and a result envelope.
 */
import { z } from 'zod';
import { CatalogResponse, MattersResponse, Operator as LibraryOperator, ROLES } from './library-api';

/** A call's declaration: what it accepts and what it answers. */
export interface HostCallSpec<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  /** Roles that may make the call; absent = any signed-in operator; 'public' = also before sign-in. */
  roles: readonly OperatorRole[] | 'public';
}

function call<I extends z.ZodType, O extends z.ZodType>(input: I, output: O, roles: readonly OperatorRole[] | 'public'): HostCallSpec<I, O> {
  return { input, output, roles };
}

/** Operator roles, as the library assigns them. */
export const OPERATOR_ROLES = ROLES;
/** An operator role. */
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

const ALL_ROLES = OPERATOR_ROLES;

/** The signed-in operator as the renderer sees it (the library token stays in the host). */
export const OperatorSchema = LibraryOperator;
/** The signed-in operator. */
export type Operator = z.infer<typeof OperatorSchema>;

const Empty = z.object({}).strict();

/** How the host reaches the library. */
export const LinkStateSchema = z.object({
  state: z.enum(['online', 'degraded', 'offline']),
  /** ISO time of the last successful library call, null if none yet. */
  lastSuccessAt: z.string().nullable(),
  /** Latency of the last probe in ms, null if it failed. */
  latencyMs: z.number().nullable(),
});
/** Link state as shown in the shell. */
export type LinkState = z.infer<typeof LinkStateSchema>;

/** The whole host API. Adding a call here makes a missing handler a compile error. */
export const hostContract = {
  /** What this workstation is and which library it talks to. */
  'app.info': call(
    Empty,
    z.object({
      version: z.string(),
      workstationId: z.string(),
      /** `sandbox`: the embedded library sandbox (演示/培训); `library`: a configured library. */
      libraryMode: z.enum(['sandbox', 'library']),
      libraryUrl: z.string(),
      transport: z.enum(['electron', 'browser']),
    }),
    'public',
  ),
  /** Signs an operator in against the library; the bearer token stays in the host. */
  'session.signIn': call(
    z
      .object({
        username: z.string().trim().min(1).max(64),
        password: z.string().min(1).max(256),
      })
      .strict(),
    z.object({ operator: OperatorSchema, expiresAt: z.string() }),
    'public',
  ),
  /** The operator signed in at this workstation, if any. */
  'session.current': call(Empty, z.object({ operator: OperatorSchema.nullable(), expiresAt: z.string().nullable() }), 'public'),
  /** Signs the operator out and forgets the library token. */
  'session.signOut': call(Empty, z.object({ signedOut: z.boolean() }), 'public'),
  /** Probes the library and reports the link state. */
  'library.status': call(Empty, LinkStateSchema, ALL_ROLES),
  /** The issuance catalog (发证目录, Art. 7), revalidated with its ETag. */
  'catalog.get': call(Empty, CatalogResponse, ALL_ROLES),
  /** The matters with their usage lists (用证清单), revalidated with their ETag. */
  'matters.get': call(Empty, MattersResponse, ALL_ROLES),
} as const;

/** The contract's type. */
export type HostContract = typeof hostContract;
/** A host call's name. */
export type HostCallName = keyof HostContract;
/** A call's input as the renderer writes it. */
export type HostInput<N extends HostCallName> = z.input<HostContract[N]['input']>;
/** A call's input after validation (what a handler receives). */
export type HostParsedInput<N extends HostCallName> = z.output<HostContract[N]['input']>;
/** A call's output. */
export type HostOutput<N extends HostCallName> = z.output<HostContract[N]['output']>;

/** Every call name, in declaration order (the preload exposes exactly these). */
export const HOST_CALL_NAMES = Object.keys(hostContract) as HostCallName[];

/** True when `name` is one of the contract's calls. */
export function isHostCallName(name: unknown): name is HostCallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(hostContract, name);
}

/** The IPC channel that carries host calls in the Electron transport. */
export const HOST_CALL_CHANNEL = 'host:call';

/**
 * What the Electron preload exposes to the page as `window.workstationHost`: one function per
 * contract call, answering the result envelope.
 */
export type HostBridge = {
  readonly [N in HostCallName]: (input: unknown) => Promise<import('./errors').HostResult<unknown>>;
};
