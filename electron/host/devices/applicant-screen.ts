/**
 * What the host needs to open the applicant's screen (shared/applicant-screen.ts): the Electron
 * main process provides a second window (electron/main/applicant-window.ts); browser mode has
 * none, and the page opens the screen in a tab of its own. Kept free of Electron so the host
 * runs in both modes.
 */

/** Where the screen was opened: full screen on a second display, or an ordinary window on the only one. */
export type ApplicantWindowOutcome = 'secondary_display' | 'primary_display';

/** The applicant's window, as the Electron main process offers it to the host. */
export interface ApplicantWindowPort {
  /** Opens the window, or brings it forward when it is open. */
  open(): ApplicantWindowOutcome;
}
