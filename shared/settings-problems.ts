/**
 * Why a setting is refused. The settings schemas (shared/contract.ts HostSettingsSchema,
 * shared/devices.ts DeviceSettingsSchema, shared/id-card.ts IdCardFieldMapSchema) give one of
 * these codes as the message of each issue they raise: shared/ says what is wrong, the renderer
 * words it (renderer/i18n/zh-CN.ts `settings.problems`), and the host words the ones its own
 * damaged-settings page names (electron/host/settings-store.ts).
 */
export const SETTINGS_PROBLEMS = [
  'library_url_malformed',
  'library_url_insecure',
  'root_kid_format',
  'root_public_key_format',
  'workstation_id_format',
  'retention_too_short',
  'retention_too_long',
  'reader_url_loopback',
  'reader_url_http',
  'reader_url_ws',
  'reader_success_values',
  'reader_timeout_too_short',
  'reader_timeout_too_long',
  'reader_ws_request',
  'reader_get_with_body',
  'reader_custom_required',
  'reader_field_path',
  'reader_validity_fields',
  'hall_url_format',
] as const;

/** One of {@link SETTINGS_PROBLEMS}. */
export type SettingsProblem = (typeof SETTINGS_PROBLEMS)[number];

const PROBLEM_SET: ReadonlySet<string> = new Set(SETTINGS_PROBLEMS);

/** True when an issue's message is a settings problem code (zod's own messages, for a value of the wrong type, are not). */
export function isSettingsProblem(message: string): message is SettingsProblem {
  return PROBLEM_SET.has(message);
}
