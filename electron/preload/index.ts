/**
 * The preload bridge: exposes exactly the host contract's calls, each as a function that sends
 * `{name, input}` on the one IPC channel. No Electron or Node object crosses to the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { HOST_CALL_CHANNEL, HOST_CALL_NAMES } from '../../shared/contract';
import { buildBridge } from './bridge';

contextBridge.exposeInMainWorld(
  'workstationHost',
  buildBridge(HOST_CALL_NAMES, (name, input) => ipcRenderer.invoke(HOST_CALL_CHANNEL, name, input)),
);
