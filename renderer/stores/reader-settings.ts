import { defineStore } from 'pinia';
import { shallowRef } from 'vue';
import type { HostOutput, ReaderStatus } from '../../shared/contract';
import type { DeviceSettingChange, DeviceSettings } from '../../shared/devices';
import { useServices } from '../app/services';

/** The device settings as the host shows them: the settings, the presets with their documents, training, printing. */
export type DeviceSettingsView = HostOutput<'devices.settings.get'>;

/**
 * The ID-card reader's part of 设置 (supervisor only): the device settings as the host keeps
 * them, a change of the reader's settings — logged with each changed setting's old and new
 * value — and a test of the reader.
 */
export const useReaderSettingsStore = defineStore('readerSettings', () => {
  const { host, audit, signedInActor } = useServices();
  const view = shallowRef<DeviceSettingsView | null>(null);

  /** Reads the device settings and the presets. */
  async function load(): Promise<DeviceSettingsView> {
    view.value = await host.call('devices.settings.get', {});
    return view.value;
  }

  /**
   * Saves the reader's settings. The printer's part is taken as the host has it now (another
   * part of 设置 keeps it), so that saving the reader never undoes a printer change. Answers
   * what changed; each change is in the audit chain.
   */
  async function save(idReader: DeviceSettings['idReader']): Promise<DeviceSettingChange[]> {
    const who = await signedInActor();
    const fresh = await host.call('devices.settings.get', {});
    const answer = await host.call('devices.settings.set', { ...fresh.settings, idReader });
    const { changes, ...rest } = answer;
    view.value = rest;
    if (changes.length > 0) await audit.append(who, { kind: 'device_settings_change', case: null, details: { changes } });
    return changes;
  }

  /** Tests the reader as it is now configured (a read whose card data the host drops); logged. */
  async function probe(): Promise<ReaderStatus> {
    const who = await signedInActor();
    const status = await host.call('devices.readerStatus', {});
    await audit.append(who, { kind: 'id_card_read', case: null, details: { action: 'probe', state: status.state, readerId: status.readerId } });
    return status;
  }

  return { view, load, save, probe };
});
