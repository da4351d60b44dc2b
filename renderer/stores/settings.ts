import { defineStore } from 'pinia';
import type { HostOutput, HostSettings } from '../../shared/contract';
import { useServices } from '../app/services';
import type { SettingsChange } from '../features/settings/settings-form';

/** The host's settings and training mode, as the host answers for them. */
export type SettingsView = HostOutput<'settings.get'>;

/** The workstation's settings (设置) and its training mode (模拟办事): each change audited. */
export const useSettingsStore = defineStore('settings', () => {
  const { host, audit, signedInActor } = useServices();

  /** The settings and the training state now. */
  const load = (): Promise<SettingsView> => host.call('settings.get', {});

  /** Saves a change; each setting changed is on the record (Art. 26) with its old and new value, none of them secret. */
  async function save(update: Partial<HostSettings>, changes: readonly SettingsChange[]): Promise<SettingsView> {
    const actor = await signedInActor();
    const view = await host.call('settings.update', update);
    await audit.append(actor, { kind: 'settings_change', case: null, details: { changes: changes.map((c) => ({ ...c })) } });
    return view;
  }

  /** Switches training on or off; a supervisor's switch between the sandbox and the library is on the record (Art. 29). */
  async function setTraining(on: boolean, from: boolean): Promise<SettingsView> {
    const actor = await signedInActor();
    const view = await host.call('training.set', { on });
    await audit.append(actor, { kind: 'training_switch', case: null, details: { on, from, to: view.training } });
    return view;
  }

  return { load, save, setTraining };
});
