import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Operator } from '../../shared/contract';
import { ROLE_FEATURES, type Feature } from '../../shared/roles';
import { hostClient, type HostClient } from '../host/client';

/** The signed-in operator, as known to the page; the library token stays in the host. */
export const useSessionStore = defineStore('session', () => {
  const operator = ref<Operator | null>(null);
  const expiresAt = ref<string | null>(null);
  /** Signed in offline from the host's verifier (the library was unreachable), until the next sign-in. */
  const offline = ref(false);
  const checked = ref(false);
  let client: HostClient | null = null;
  const host = () => (client ??= hostClient());

  const features = computed<readonly Feature[]>(() => (operator.value ? ROLE_FEATURES[operator.value.role] : []));

  /** Asks the host who is signed in (after a reload the host still knows). */
  async function restore(): Promise<void> {
    const current = await host().call('session.current', {});
    operator.value = current.operator;
    expiresAt.value = current.expiresAt;
    checked.value = true;
  }

  async function signIn(username: string, password: string): Promise<Operator> {
    const result = await host().call('session.signIn', { username, password });
    operator.value = result.operator;
    expiresAt.value = result.expiresAt;
    offline.value = result.offline;
    return result.operator;
  }

  async function signOut(): Promise<void> {
    await host().call('session.signOut', {});
    operator.value = null;
    expiresAt.value = null;
    offline.value = false;
  }

  /** Lets a test or the Electron bootstrap supply the client. */
  function useClient(custom: HostClient): void {
    client = custom;
  }

  return { operator, expiresAt, offline, checked, features, restore, signIn, signOut, useClient };
});
