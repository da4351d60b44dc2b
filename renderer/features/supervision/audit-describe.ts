import type { AuditEvent } from '../../../shared/audit-chain';
import { PAPER_REASONS } from '../../../shared/library-api';

/** What the supervisor reads of one audit event instead of its JSON. */
export interface AuditEventDescription {
  /** One Chinese sentence: what happened. */
  sentence: string;
  /** Every detail with a Chinese label, in the order the event has them. */
  fields: Array<{ key: string; label: string; value: string }>;
}

/** The translation functions and the operator directory the description is written with. */
export interface DescribeContext {
  t: (key: string, named?: Record<string, unknown>) => string;
  te: (key: string) => boolean;
  /** An operator id as name and 工号 (shared/operators operatorLabel). */
  operatorLabel: (id: string) => string;
  /** An ISO time as the hall reads it. */
  time: (iso: string) => string;
}

type Details = Record<string, unknown>;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const PAPER_REASON_SET: ReadonlySet<string> = new Set(PAPER_REASONS);

function text(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function count(value: unknown): number {
  return Array.isArray(value) ? value.length : typeof value === 'number' ? value : 0;
}

/**
 * Turns audit events into what a supervisor reads (issue 10 item 10): a Chinese sentence per
 * event kind, and each detail labelled in Chinese with its codes translated. The texts are the
 * app's i18n messages (supervision.audit.describe / fields / values); a detail nobody has
 * labelled yet keeps its key, so nothing recorded is ever hidden.
 */
export function createAuditDescriber(ctx: DescribeContext) {
  // A page describes fifty events with a dozen lookups each: the fixed texts (labels, coded
  // values) are looked up once per describer, so that a page costs a millisecond, not tens.
  const fixed = new Map<string, string | null>();
  const lookup = (key: string): string | null => {
    let found = fixed.get(key);
    if (found === undefined) fixed.set(key, (found = ctx.te(key) ? ctx.t(key) : null));
    return found;
  };
  const te = (key: string) => lookup(key) !== null;
  const t = (key: string, named?: Record<string, unknown>) => (named ? ctx.t(key, named) : (lookup(key) ?? ctx.t(key)));
  const label = (key: string, fallback: string) => lookup(key) ?? fallback;

  /** A coded value in words, where the app has words for it. */
  function codeText(kind: string, key: string, value: string): string {
    if (key === 'operatorId') return ctx.operatorLabel(value);
    if (ISO_TIME.test(value)) return ctx.time(value);
    if ((key === 'reason' || key === 'paperReason') && PAPER_REASON_SET.has(value)) return t(`paperReasons.${value}`);
    if (key === 'outcome') return label(`outcomes.${value}`, label(`receipt.outcomes.${value}`, value));
    if (key === 'basis') return label(`supervision.caseDetail.grants.${value}`, value);
    if (key === 'dimension') return label(`objections.dimensions.${value}`, value);
    if (key === 'status') return label(`objections.states.${value}`, value);
    if (key === 'verdict') return label(`supervision.review.verdicts.${value}`, value);
    if (key === 'code') return label(`supervision.audit.codes.${value}`, value);
    if (key === 'hashing') return label(`supervision.audit.values.hashing.${value}`, value);
    if (kind === 'id_card_read') {
      if (key === 'state') return label(`devices.reader.states.${value}`, value);
      if (key === 'action') return label(`supervision.audit.values.id_card_readAction.${value}`, value);
      if (key === 'validity') return label(`devices.idCard.validity.${value}`, value);
      if (key === 'source') return label(`devices.idCard.sourceNames.${value}`, value);
      if (key === 'result') return label(`devices.idCard.comparison.${value}`, value);
      if (key === 'problems') return label(`devices.idCard.problems.${value}`, value);
    }
    if (kind === 'hall_admin') {
      if (key === 'action') return label(`supervision.audit.values.hall_adminAction.${value}`, value);
      if (key === 'alertReason') return label(`hall.dashboard.alertReasons.${value}`, value);
      if (key === 'now') return label(`supervision.audit.values.hallNow.${value}`, value);
    }
    if (key === 'state') return label(`supervision.audit.values.${kind}State.${value}`, label(`objections.states.${value}`, value));
    if (key === 'kind') return label(`supervision.audit.values.override.${value}`, value);
    if (key === 'what') return label(`supervision.audit.values.what.${value}`, value);
    if (key === 'choice') return label(`supervision.audit.values.noticeChoice.${value}`, value);
    if (key === 'noticeReason') return label(`supervision.audit.values.noticeReason.${value}`, value);
    if (key === 'layout') return label(`supervision.audit.values.layout.${value}`, value);
    if (key === 'printOutcome') return label(`supervision.audit.values.printOutcome.${value}`, value);
    return value;
  }

  function valueText(kind: string, key: string, value: unknown): string {
    if (value === null || value === undefined || value === '') return '—';
    if (typeof value === 'boolean') return t(value ? 'supervision.audit.values.yes' : 'supervision.audit.values.no');
    if (typeof value === 'number') return String(value);
    if (typeof value === 'string') return codeText(kind, key, value);
    if (Array.isArray(value)) {
      if (value.length === 0) return t('supervision.audit.values.none');
      if (key === 'failed') return value.map((check) => label(`verificationChecks.${String(check)}`, String(check))).join('、');
      if (key === 'problems') return value.map((problem) => valueText(kind, key, problem)).join('、');
      return value.map((item) => (item !== null && typeof item === 'object' ? objectText(kind, item as Details) : valueText(kind, key, item))).join('；');
    }
    if (key === 'period') return t('supervision.audit.values.period', { from: text((value as Details).from), to: text((value as Details).to) });
    if (key === 'firstBroken') {
      const broken = value as Details;
      const reason = label(`supervision.chain.reasons.${text(broken.reason)}`, text(broken.reason));
      return broken.seq === null || broken.seq === undefined ? reason : t('supervision.audit.values.brokenAt', { seq: text(broken.seq), reason });
    }
    return objectText(kind, value as Details);
  }

  /** A nested object (a material of a completion, a settings change) as labelled parts. */
  function objectText(kind: string, object: Details): string {
    if ((kind === 'settings_change' || kind === 'device_settings_change') && 'field' in object) {
      const field = settingName(kind, text(object.field));
      return t('supervision.audit.values.change', { field, from: text(object.from), to: text(object.to) });
    }
    return Object.entries(object)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `${fieldLabel(k)} ${valueText(kind, k, v)}`)
      .join('，');
  }

  function settingName(kind: string, field: string): string {
    return kind === 'device_settings_change'
      ? label(`devices.reader.settingNames.${field.replaceAll('.', '_')}`, field)
      : label(`settings.fields.${field}`, field);
  }

  function fieldLabel(key: string): string {
    return label(`supervision.audit.fields.${key}`, key);
  }

  function sentence(event: AuditEvent): string {
    const d: Details = event.details ?? {};
    const say = (key: string, named: Record<string, unknown> = {}) => t(`supervision.audit.describe.${key}`, named);
    const material = text(d.materialId);
    switch (event.kind) {
      case 'sign_in':
        return say(d.offline ? 'signInOffline' : 'signIn');
      case 'sign_out':
        return say('signOut');
      case 'training_switch':
        return say(d.on ? 'trainingOn' : 'trainingOff');
      case 'case_open':
        return say('caseOpen', { matter: text(d.matterName), code: text(d.matterCode) });
      case 'case_cancel':
        return say('caseCancel', { code: text(d.matterCode) });
      case 'token_read':
        return d.ok === false
          ? say('tokenFailed', { code: valueText(event.kind, 'code', d.code) })
          : say('tokenRead', { holder: text(d.holder), expiresAt: valueText(event.kind, 'expiresAt', d.expiresAt) });
      case 'grant': {
        const basis = valueText(event.kind, 'basis', d.basis);
        if (d.ok) return say('grantOk', { basis, grantId: text(d.grantId) });
        if (d.basis === 'none') return say('grantNone', { reason: text(d.reason), holder: text(d.holder) });
        return say('grantFailed', { basis, code: valueText(event.kind, 'code', d.code) });
      }
      case 'pull':
        return d.ok === false
          ? say('pullFailed', { material, code: valueText(event.kind, 'code', d.code) })
          : say('pullOk', { material, n: count(d.licences), ms: text(d.latencyMs) });
      case 'verification': {
        const outcome = valueText(event.kind, 'outcome', d.outcome);
        return count(d.failed) > 0
          ? say('verificationFailed', { material, outcome, checks: valueText(event.kind, 'failed', d.failed) })
          : say('verification', { material, outcome });
      }
      case 'view':
        return say('view', { licenceId: text(d.licenceId) });
      case 'paper_scan':
        return 'removedPage' in d
          ? say('paperRemoved', { material, pages: text(d.pages) })
          : say('paperAdded', { material, added: text(d.added), reason: valueText(event.kind, 'reason', d.reason), pages: text(d.pages) });
      case 'override':
        if (d.kind === 'use_licence') return say('overrideLicence', { material, licenceId: text(d.licenceId), reason: text(d.reason) });
        if (d.kind === 'choose_paper') return say('overridePaper', { material, reason: text(d.reason) });
        if (d.kind === 'withdrawn') return say('overrideWithdrawn', { material });
        return say('override', { material });
      case 'completion': {
        const materials = Array.isArray(d.materials) ? (d.materials as Details[]) : [];
        const of = (outcome: string) => materials.filter((m) => m.outcome === outcome).length;
        return say('completion', { n: materials.length, exempt: of('exempt'), paper: of('paper'), missing: of('missing') });
      }
      case 'receipt_print':
        return d.layout
          ? say('receiptPrintLayout', { layout: valueText(event.kind, 'layout', d.layout), outcome: valueText(event.kind, 'printOutcome', d.printOutcome) })
          : say('receiptPrint');
      case 'notice': {
        const materials = Array.isArray(d.materials) ? (d.materials as Details[]) : [];
        const named = { n: materials.length, materials: materials.map((m) => text(m.materialId)).join('、') || '—' };
        return say(d.choice === 'close_correction' ? 'noticeCorrection' : 'noticeKeepOpen', named);
      }
      case 'notice_print':
        return say('noticePrint', { layout: valueText(event.kind, 'layout', d.layout), outcome: valueText(event.kind, 'printOutcome', d.printOutcome) });
      case 'usage_record':
        return te(`supervision.audit.describe.usageRecord.${text(d.state)}`)
          ? say(`usageRecord.${text(d.state)}`)
          : say('usageRecord.other', { state: text(d.state) });
      case 'purge':
        if (d.reason === 'retention') return say('purgeRetention', { days: text(d.retentionDays), pages: text(d.paperPagesDeleted) });
        if (d.reason === 'catch_up_lookback') return say('purgeCatchUp', { n: text(d.holderNamesDeleted) });
        if (d.reason === 'correction') return say('purgeCorrection', { n: text(d.purgedLicences) });
        return d.paperDeleted ? say('purgeCancelled', { n: text(d.purgedLicences) }) : say('purgeCase', { n: text(d.purgedLicences) });
      case 'objection':
        return d.state === 'resent'
          ? say('objectionResent', { id: text(d.id) })
          : say('objection', { licenceId: text(d.licenceId), dimension: valueText(event.kind, 'dimension', d.dimension), id: text(d.id) });
      case 'objection_update':
        return say('objectionUpdate', { id: text(d.id), status: valueText(event.kind, 'status', d.status) });
      case 'status_recheck':
        return say('statusRecheck');
      case 'catch_up_flag':
        return d.state === 'not_checkable' ? say('catchUpManual') : say('catchUpFound', { n: count(d.materials) });
      case 'review':
        if (d.action === 'draw') {
          const period = (d.period ?? {}) as Details;
          return say(d.training ? 'reviewDrawTraining' : 'reviewDraw', {
            candidates: text(d.candidateCount),
            n: count(d.picked),
            from: text(period.from),
            to: text(period.to),
            seed: text(d.seed),
          });
        }
        return say('reviewFinding', { verdict: valueText(event.kind, 'verdict', d.verdict) });
      case 'chain_verify': {
        const broken = d.firstBroken as Details | null | undefined;
        if (d.ok) return say('chainOk', { n: text(d.checked) });
        return broken?.seq !== null && broken?.seq !== undefined ? say('chainBroken', { seq: text(broken.seq) }) : say('chainBrokenNoSeq');
      }
      case 'export':
        return say('export', { n: text(d.count), file: text(d.fileName) });
      case 'settings_change': {
        const changes = Array.isArray(d.changes) ? (d.changes as Details[]) : [];
        return say('settingsChange', { fields: changes.map((c) => label(`settings.fields.${text(c.field)}`, text(c.field))).join('、') || '—' });
      }
      case 'id_card_read':
        if (d.action === 'read' && d.ok === false) return say('idCardReadFailed', { code: valueText(event.kind, 'code', d.code) });
        if (d.action === 'read') {
          const source = valueText(event.kind, 'source', d.source);
          return count(d.problems) > 0
            ? say('idCardReadProblems', { holder: text(d.holder), problems: valueText(event.kind, 'problems', d.problems), source, readerId: text(d.readerId) })
            : say('idCardRead', { holder: text(d.holder), source, readerId: text(d.readerId) });
        }
        if (d.action === 'compare_token')
          return say('idCardCompare', { card: text(d.card), token: text(d.token), result: valueText(event.kind, 'result', d.result) });
        if (d.action === 'go_on_expired') return say('idCardGoOnExpired', { holder: text(d.holder) });
        if (d.action === 'probe') return say('readerProbe', { state: valueText(event.kind, 'state', d.state) });
        return String(event.kind);
      case 'device_settings_change': {
        const changes = Array.isArray(d.changes) ? (d.changes as Details[]) : [];
        return say('deviceSettingsChange', { fields: changes.map((c) => settingName(event.kind, text(c.field))).join('、') || '—' });
      }
      case 'hall_admin': {
        const failed = d.ok === false;
        const code = valueText(event.kind, 'code', d.code);
        if (d.action === 'acknowledge_alert') {
          const named = { ws: text(d.workstation), alert: text(d.alert), reason: valueText(event.kind, 'alertReason', d.alertReason), note: text(d.note) };
          return failed ? say('hallAcknowledgeFailed', { ...named, code }) : say('hallAcknowledge', { ...named, epoch: text(d.epoch) });
        }
        if (d.action === 'enrol_hall') {
          const url = text(d.hallUrl);
          if (failed) return say('hallEnrolFailed', { url, code });
          return say(d.replaced ? 'hallEnrolReplacing' : 'hallEnrol', {
            hall: text(d.hallName),
            url,
            fingerprint: text(d.hallFingerprint),
            replaced: text(d.replaced),
          });
        }
        if (d.action === 'leave_hall') {
          const named = { hall: text(d.hallName ?? d.hallUrl), url: text(d.hallUrl) };
          return failed ? say('hallLeaveFailed', { ...named, code }) : say('hallLeave', { ...named, now: valueText(event.kind, 'now', d.now) });
        }
        return failed ? say('hallRevokeFailed', { ws: text(d.workstation), code }) : say('hallRevoke', { ws: text(d.workstation), reason: text(d.reason) });
      }
      default:
        return String(event.kind);
    }
  }

  return {
    /** The event as a sentence and labelled fields. */
    describe(event: AuditEvent): AuditEventDescription {
      const details: Details = event.details ?? {};
      return {
        sentence: sentence(event),
        fields: Object.entries(details).map(([key, value]) => ({ key, label: fieldLabel(key), value: valueText(event.kind, key, value) })),
      };
    },
  };
}
