import type { HallCallName, HostOutput } from '../../shared/contract';
import { HostCallError } from '../../shared/errors';
import type { HallRequestInput, HallResponse, HallScopedRoute } from '../../shared/hall-api';
import { HALL_PROBE_WAIT_MS } from '../../shared/hall-reach';
import type { CallContext, HostHandlers } from './dispatch';
import type { HallLink, HallSupervisionRoute } from './hall-link';

/** How long a supervisor's chain verification may take at the hall (a million events on PGlite take minutes). */
const CHAIN_VERIFY_TIMEOUT_MS = 30 * 60_000;

function operatorOf(ctx: CallContext) {
  // The dispatcher refuses a supervision call without a signed-in supervisor before it gets here.
  if (!ctx.operator) throw new HostCallError('UNAUTHENTICATED');
  return ctx.operator;
}

/** What the hall handlers need of the host besides the link. */
export interface HallHandlerOptions {
  /** Whether the workstation is in training (the sandbox): its supervisor's 全厅 views then show the training cases alone. */
  training: () => boolean;
}

/**
 * The handlers of the `hall.*` calls (shared/contract.ts): the hall's status and enrolment, the
 * sync's push and resume point, and the supervision reads relayed for the signed-in supervisor
 * (the host refuses them to other roles, and the hall refuses them again: 403). The reads about
 * cases carry the hall's `training` flag while the workstation is in training, as 本机 shows the
 * training cases then: never the real and the training ones mixed.
 */
export function hallHandlers(link: HallLink, options: HallHandlerOptions = { training: () => false }): Pick<HostHandlers, HallCallName> {
  // The input was validated by the dispatcher against the same schema (the contract declares
  // each of these calls with its hall route's request and response, the scoped ones without
  // the flag); the answer's type is checked against the call's output.
  const relay =
    <K extends HallSupervisionRoute>(route: K, timeoutMs?: number) =>
    async (input: unknown, ctx: CallContext): Promise<HallResponse<K>> =>
      link.call(route, input as HallRequestInput<K>, operatorOf(ctx), timeoutMs ? { timeoutMs } : {});
  // Sent only when true: a hall of an earlier version knows no such field and still answers a production workstation.
  const scoped =
    <K extends HallScopedRoute>(route: K) =>
    async (input: unknown, ctx: CallContext): Promise<HallResponse<K>> =>
      link.call(route, (options.training() ? { ...(input as object), training: true } : input) as HallRequestInput<K>, operatorOf(ctx));
  return {
    'hall.status': async (): Promise<HostOutput<'hall.status'>> => {
      const { mode, url, enrolment, workstationFingerprint } = link.describe();
      let sync: HostOutput<'hall.status'>['sync'] = null;
      if (enrolment) {
        try {
          // A status probe waits less than a call: the header asks every 15 seconds.
          sync = await link.call('syncState', {}, null, { timeoutMs: HALL_PROBE_WAIT_MS, probe: true });
        } catch {
          // The link's state says why (slow, offline, refused).
        }
      }
      const state = link.state();
      return {
        mode,
        url,
        enrolled: enrolment !== null,
        hall: enrolment && { id: enrolment.hallId, name: enrolment.hallName, fingerprint: enrolment.hallFingerprint, enrolledAt: enrolment.enrolledAt },
        workstationId: enrolment?.workstationId ?? null,
        workstationFingerprint,
        state: mode === 'none' || (!enrolment && state.state !== 'refused') ? 'none' : state.state,
        lastSuccessAt: state.lastSuccessAt,
        lastSyncAt: state.lastSyncAt,
        lastError: state.lastError,
        sync,
        fallback: link.fallback(),
      };
    },
    'hall.leave': async () => {
      const { left } = await link.leave();
      const { mode, url } = link.describe();
      return {
        left: {
          url: left.url,
          workstationId: left.workstationId,
          hall: { id: left.hallId, name: left.hallName, fingerprint: left.hallFingerprint, enrolledAt: left.enrolledAt },
        },
        now: { mode, url },
      };
    },
    'hall.enrol': async ({ url, code }) => {
      const enrolment = await link.enrol(url, code);
      return {
        url: enrolment.url,
        workstationId: enrolment.workstationId,
        hall: { id: enrolment.hallId, name: enrolment.hallName, fingerprint: enrolment.hallFingerprint, enrolledAt: enrolment.enrolledAt },
      };
    },
    'hall.sync.state': async () => link.call('syncState', {}),
    // A push accepted is the link's last sync (HallLink.call).
    'hall.sync.push': async (push) => link.call('push', push),
    'hall.dashboard': scoped('dashboard'),
    'hall.cases': scoped('cases'),
    'hall.case': scoped('caseRecord'),
    'hall.objections': relay('objections'),
    'hall.audit': relay('audit'),
    'hall.audit.count': relay('auditCount'),
    'hall.chain.verify': relay('verifyChain', CHAIN_VERIFY_TIMEOUT_MS),
    'hall.reviews.draw': scoped('drawReview'),
    'hall.reviews.list': scoped('reviews'),
    'hall.reviews.get': scoped('review'),
    'hall.reviews.check': scoped('checkReview'),
    'hall.reviews.finding': scoped('recordFinding'),
    'hall.alerts': relay('alerts'),
    'hall.alerts.acknowledge': relay('acknowledgeAlert'),
    'hall.attention': relay('attention'),
    'hall.workstations': relay('workstations'),
    'hall.workstations.revoke': async (input, ctx) => {
      // Never this workstation itself: the request is signed with its own key, and once the hall
      // has it every later request of this workstation is refused — there is no undoing it from
      // here (renderer/features/hall-scope/hall-workstations.ts revokeRefusal).
      if (input.workstation === link.describe().enrolment?.workstationId) {
        throw new HostCallError(
          'BAD_REQUEST',
          '不能在本工作台吊销本工作台：吊销后本机立即无法连接大厅，也无法在本机撤销。如确需停用本机，请在大厅的另一台工作台上操作，或由大厅管理员在大厅服务器上运行 npm run hall -- revoke。',
          { reason: 'self_revoke' },
        );
      }
      return relay('revokeWorkstation')(input, ctx);
    },
  };
}
