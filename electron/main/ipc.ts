import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { dispatchHostCall, type HostHandlers } from '../host/dispatch';
import { HOST_CALL_CHANNEL, type Operator } from '../../shared/contract';
import { hostFailure, type HostResult } from '../../shared/errors';
import { originOf } from './permissions';
import { APP_ORIGIN } from './window';

/**
 * Whether an IPC call comes from the workstation's own top-level page: a frame of another
 * origin (an embedded PDF, anything injected) must never reach the host.
 */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'senderFrame'>): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return originOf(frame.url) === APP_ORIGIN;
}

/**
 * Registers the host API on IPC; every call is checked for its sender and validated by the
 * dispatcher. `refused` names pages of the app that may make no call at all (the applicant's
 * screen, which faces the public).
 */
export function registerHostIpc(
  ipcMain: Pick<IpcMain, 'handle'>,
  handlers: HostHandlers,
  currentOperator: () => Operator | null,
  onUnexpected?: (error: unknown, name: string) => void,
  refused?: (sender: WebContents) => boolean,
): void {
  ipcMain.handle(HOST_CALL_CHANNEL, async (event, name: unknown, input: unknown): Promise<HostResult<unknown>> => {
    if (!isTrustedSender(event) || refused?.(event.sender)) return hostFailure('FORBIDDEN', '拒绝来自非工作台页面的调用。');
    return dispatchHostCall(handlers, currentOperator, name, input, onUnexpected);
  });
}
