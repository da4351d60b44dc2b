/**
 * What each operator role may use (docs/architecture.md §1). The renderer shows only these features and
 * the host contract refuses the calls behind the others, so a role is enforced twice.
 */
import type { OperatorRole } from './contract';

/** The workstation's features, one per navigation entry. */
export const FEATURES = ['counter', 'objections', 'supervision', 'catalog', 'settings'] as const;
/** A feature of the workstation. */
export type Feature = (typeof FEATURES)[number];

/** Features per role, in navigation order. */
export const ROLE_FEATURES: Readonly<Record<OperatorRole, readonly Feature[]>> = {
  clerk: ['counter', 'objections', 'catalog'],
  supervisor: ['counter', 'supervision', 'objections', 'catalog', 'settings'],
  objection_officer: ['objections', 'catalog'],
};

/** Whether a role may use a feature. */
export function canUse(role: OperatorRole, feature: Feature): boolean {
  return ROLE_FEATURES[role].includes(feature);
}

/** The feature a role lands on after sign-in. */
export function homeFeature(role: OperatorRole): Feature {
  return ROLE_FEATURES[role][0]!;
}
