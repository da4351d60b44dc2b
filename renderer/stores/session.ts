import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Operator } from '../../shared/contract';
import { ROLE_FEATURES, type Feature } from '../../shared/roles';
import { useServices } from '../app/services';
import { rememberOperator } from '../audit/operator-directory';

/** The signed-in operator, as known to the page; the library token stays in the host. */
export const useSessionStore = defineStore('session', () => {
  const { host, db, audit, signedInActor, now } = useServices();
  const operator = ref<Operator | null>(null);
  const expiresAt = ref<string | null>(null);
  /** Signed in offline from the host's verifier (the library was unreachable), until the next sign-in. */
  const offline = ref(false);
  const checked = ref(false);

  const features = computed<readonly Feature[]>(() => (operator.value ? ROLE_FEATURES[operator.value.role] : []));

  /** Asks the host who is signed in (after a reload the host still knows). */
  async function restore(): Promise<void> {
    const current = await host.call('session.current', {});
    operator.value = current.operator;
    expiresAt.value = current.expiresAt;
    checked.value = true;
  }

  /**
   * Signs in with the host; keeps the operator for the supervisor's views (the library gives
   * the name, the 工号 is what was typed) and logs the sign-in naming both (Art. 26).
   */
  async function signIn(username: string, password: string): Promise<Operator> {
    const result = await host.call('session.signIn', { username, password });
    operator.value = result.operator;
    expiresAt.value = result.expiresAt;
    offline.value = result.offline;
    await rememberOperator(db, result.operator, username, now());
    await audit.append(await signedInActor(), { kind: 'sign_in', case: null, details: { offline: result.offline, username, name: result.operator.name } });
    return result.operator;
  }

  /** Logs the sign-out of the operator signed in now (nothing when no one is). */
  async function logSignOut(): Promise<void> {
    if (!operator.value) return;
    await audit.append(await signedInActor(), { kind: 'sign_out', case: null, details: {} });
  }

  async function signOut(): Promise<void> {
    await host.call('session.signOut', {});
    operator.value = null;
    expiresAt.value = null;
    offline.value = false;
  }

  return { operator, expiresAt, offline, checked, features, restore, signIn, logSignOut, signOut };
});
