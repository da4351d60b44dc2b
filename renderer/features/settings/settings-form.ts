import { HostSettingsSchema, type HostSettings } from '../../../shared/contract';
import { isSettingsProblem } from '../../../shared/settings-problems';
import { t } from '../../i18n';

/** The settings form as the supervisor edits it: every field a text or a number. */
export interface SettingsForm {
  libraryUrl: string;
  rootKid: string;
  rootPublicKey: string;
  workstationId: string;
  paperRetentionDays: number;
}

/** The form's fields, which a host error's path is shown under. */
export type SettingsField = keyof SettingsForm;

/** A settings change as audited: which setting, from what, to what (all four are public). */
export interface SettingsChange {
  field: keyof HostSettings;
  from: unknown;
  to: unknown;
}

/** The form for the current settings. */
export function formOf(settings: HostSettings): SettingsForm {
  return {
    libraryUrl: settings.libraryUrl ?? '',
    rootKid: settings.rootKey?.kid ?? '',
    rootPublicKey: settings.rootKey?.publicKey ?? '',
    workstationId: settings.workstationId,
    paperRetentionDays: settings.paperRetentionDays,
  };
}

/** The settings a form stands for: an empty address or key is none. */
export function settingsOf(form: SettingsForm): HostSettings {
  const kid = form.rootKid.trim();
  const publicKey = form.rootPublicKey.trim().toLowerCase();
  return {
    libraryUrl: form.libraryUrl.trim() || null,
    rootKey: kid || publicKey ? { kid, publicKey } : null,
    workstationId: form.workstationId.trim(),
    paperRetentionDays: form.paperRetentionDays,
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What the form changes against the current settings, as the partial update and the audited list. */
export function changesOf(current: HostSettings, form: SettingsForm): { update: Partial<HostSettings>; changes: SettingsChange[] } {
  const next = settingsOf(form);
  const update: Partial<HostSettings> = {};
  const changes: SettingsChange[] = [];
  for (const field of ['libraryUrl', 'rootKey', 'workstationId', 'paperRetentionDays'] as const) {
    if (same(current[field], next[field])) continue;
    (update as Record<string, unknown>)[field] = next[field];
    changes.push({ field, from: current[field], to: next[field] });
  }
  return { update, changes };
}

/** The form field a validation path (`rootKey.publicKey`, …) belongs to. */
export function fieldOfPath(path: string): SettingsField | null {
  if (path === 'libraryUrl' || path === 'workstationId' || path === 'paperRetentionDays') return path;
  if (path === 'rootKey.kid') return 'rootKid';
  if (path.startsWith('rootKey')) return 'rootPublicKey';
  return null;
}

/** A settings issue in words: its problem code's text (zod's own message as given, for a value of the wrong type). */
export function problemText(message: string): string {
  return isSettingsProblem(message) ? t(`settings.problems.${message}`) : message;
}

/**
 * The problems the form has before it is sent, per field, by the same rules the host applies
 * (the contract's schema), and the rule that an address needs its root key.
 */
export function validateForm(form: SettingsForm, messages: { rootKeyIncomplete: string; rootKeyRequired: string }): Partial<Record<SettingsField, string>> {
  const errors: Partial<Record<SettingsField, string>> = {};
  const parsed = HostSettingsSchema.safeParse(settingsOf(form));
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = fieldOfPath(issue.path.join('.'));
      if (field && !errors[field]) errors[field] = problemText(issue.message);
    }
  }
  const next = settingsOf(form);
  if (next.rootKey && (!next.rootKey.kid || !next.rootKey.publicKey)) errors[next.rootKey.kid ? 'rootPublicKey' : 'rootKid'] ??= messages.rootKeyIncomplete;
  if (next.libraryUrl && !next.rootKey) errors.rootPublicKey ??= messages.rootKeyRequired;
  return errors;
}
